"""Ranking of a period as a pure function over plain values: no ORM inside.

Ranking is standard competition ranking (1, 2, 2, 4) on the total. Agencies equal on total are
separated by the term's tie-break chain (``ScoringRules.tie_breaks``), rule after rule: a rule that
splits a tied group records, for every member of that group, that it took part in a decision
taken by that rule; the sub-groups it leaves are passed to the next rule. Agencies still equal
when the chain is exhausted share the rank. A rule that cannot compare every member of a group
(e.g. the meeting votes are not recorded yet) is skipped for that group.

The classification band comes from the term's bands (``ScoringRules.bands``): the band with the
highest minimum not above the total.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

FEWER_PENALTY = "fewer_penalty"
FIRST_GROUP = "first_group"
MEETING_VOTES = "meeting_votes"

RULE_LABELS = {
    FEWER_PENALTY: _("Ít điểm trừ hơn"),
    FIRST_GROUP: _("Điểm nhóm tiêu chí thứ nhất cao hơn"),
    MEETING_VOTES: _("Nhiều phiếu bình xét hơn"),
}
SHARED_LABEL = _("Bằng điểm, không tiêu chí nào phân định: đồng hạng")


def default_bands() -> list[dict]:
    """Xuất sắc from 95, tốt from 85, khá from 70, else trung bình (DESIGN.md defaults)."""
    return [
        {"code": "xuat_sac", "label": "Xuất sắc", "min": "95"},
        {"code": "tot", "label": "Tốt", "min": "85"},
        {"code": "kha", "label": "Khá", "min": "70"},
        {"code": "trung_binh", "label": "Trung bình", "min": "0"},
    ]


def default_tie_breaks() -> list[str]:
    """Fewer penalty points, then the first criteria group, then the meeting's votes."""
    return [FEWER_PENALTY, FIRST_GROUP, MEETING_VOTES]


@dataclass(frozen=True)
class RankInput:
    """What the ranking needs to know of one agency in one period."""

    agency_id: int
    name: str
    sort_key: str
    base: Decimal
    bonus: Decimal
    penalty: Decimal
    total: Decimal
    first_group: Decimal = Decimal("0")
    meeting_votes: int | None = None
    abbreviation: str = ""


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    min: Decimal


@dataclass(frozen=True)
class TieDecision:
    """One rule separating a group of agencies that were equal so far."""

    rule: str
    label: str
    # Every agency of the group the rule split, in input-independent order.
    group: tuple
    # The value of the rule's measure for each agency of the group, by agency id.
    values: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class RankedRow:
    row: RankInput
    rank: int
    band: Band | None
    decisions: tuple = ()
    # Agencies sharing this rank because no rule could separate them (empty when none).
    shared_with: tuple = ()

    @property
    def agency_id(self):
        return self.row.agency_id

    @property
    def tie_break_slugs(self) -> tuple:
        return tuple(d.rule for d in self.decisions)

    @property
    def tie_break_label(self) -> str:
        """The rules that placed this row among equals, or why it shares its rank."""
        labels = [str(d.label) for d in self.decisions]
        if self.shared_with:
            labels.append(str(SHARED_LABEL))
        return "; ".join(labels)


def parse_bands(bands) -> list[Band]:
    """Bands from the term's data (``[{"code", "label", "min"}]``), highest minimum first."""
    parsed = [Band(code=b["code"], label=b["label"], min=Decimal(str(b["min"]))) for b in bands]
    return sorted(parsed, key=lambda b: (-b.min, b.code))


def classify(total: Decimal, bands) -> Band | None:
    """The band whose minimum is the highest not above ``total`` (the lowest band otherwise)."""
    parsed = bands if bands and isinstance(bands[0], Band) else parse_bands(bands or [])
    for band in parsed:
        if total >= band.min:
            return band
    return parsed[-1] if parsed else None


def _measure(rule: str, row: RankInput):
    """The value a rule compares, higher is better; ``None`` when it is unknown."""
    if rule == FEWER_PENALTY:
        return -row.penalty
    if rule == FIRST_GROUP:
        return row.first_group
    if rule == MEETING_VOTES:
        return row.meeting_votes
    return None


def _display_key(row: RankInput):
    return (row.sort_key, row.name, row.agency_id)


def _split(group, rules, decisions, out):
    """Order ``group`` (all equal so far) with ``rules``; append rank classes to ``out``."""
    if len(group) == 1:
        out.append(group)
        return
    for i, rule in enumerate(rules):
        values = {r.agency_id: _measure(rule, r) for r in group}
        if any(v is None for v in values.values()):
            continue
        distinct = sorted(set(values.values()), reverse=True)
        if len(distinct) == 1:
            continue
        ids = tuple(r.agency_id for r in sorted(group, key=_display_key))
        decision = TieDecision(rule=rule, label=RULE_LABELS[rule], group=ids, values=values)
        for r in group:
            decisions.setdefault(r.agency_id, []).append(decision)
        for value in distinct:
            sub = [r for r in group if values[r.agency_id] == value]
            _split(sub, rules[i + 1 :], decisions, out)
        return
    out.append(group)


def rank(rows, *, tie_breaks, bands) -> list[RankedRow]:
    """Rank ``rows`` (:class:`RankInput`) by total, then the tie-break chain; classify each.

    The result does not depend on the order of ``rows``: rows sharing a rank are listed in
    Vietnamese name order. Unknown rule slugs in ``tie_breaks`` are ignored.
    """
    rules = [r for r in (tie_breaks or []) if r in RULE_LABELS]
    parsed_bands = parse_bands(bands or [])
    rows = sorted(rows, key=_display_key)
    by_total = {}
    for r in rows:
        by_total.setdefault(r.total, []).append(r)
    classes, decisions = [], {}
    for total in sorted(by_total, reverse=True):
        _split(by_total[total], rules, decisions, classes)
    result, position = [], 1
    for cls in classes:
        cls = sorted(cls, key=_display_key)
        ids = tuple(r.agency_id for r in cls)
        for r in cls:
            result.append(
                RankedRow(
                    row=r,
                    rank=position,
                    band=classify(r.total, parsed_bands),
                    decisions=tuple(decisions.get(r.agency_id, ())),
                    shared_with=tuple(i for i in ids if i != r.agency_id),
                )
            )
        position += len(cls)
    return result
