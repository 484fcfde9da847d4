"""Reads of the scoring part, as plain values in a fixed number of queries.

``load_period`` is the one read path of a period: the grid, the ranking and its explanation,
the exports, the documents and the demo read it. It builds no ORM objects for score lines, only
the values they carry, and every total through ``campaigns.scoring.CriteriaTree``.
"""

import datetime
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from blocs.models import Agency, Membership
from campaigns import layers, ranking
from campaigns.models import (
    CriteriaTable,
    Criterion,
    DeadlineExtension,
    Period,
    Scorecard,
    ScoreLine,
    ScoringRules,
    rules_for_terms,
)
from campaigns.scoring import SPEC_FIELDS, CriteriaTree, CriterionSpec

ZERO = Decimal("0")


@dataclass(frozen=True, slots=True)
class AgencyRow:
    id: int
    name: str
    abbreviation: str
    sort_key: str

    @property
    def pk(self):
        return self.id

    def __str__(self):
        return self.name


class TableCaps(NamedTuple):
    """The caps of a criteria table, as the totals and the explanation read them."""

    id: int
    base_max: Decimal
    bonus_cap: Decimal
    penalty_cap: Decimal


class LineRow(NamedTuple):
    """The layers of one score line, side by side (a tuple: a period holds thousands)."""

    id: int
    criterion_id: int
    self_points: Decimal | None
    review_points: Decimal | None
    agreed_points: Decimal | None
    board_points: Decimal | None
    board_reason: str = ""
    reviewer_id: int | None = None

    @property
    def pk(self):
        return self.id

    @property
    def by_layer(self) -> dict:
        return layers.of(self)

    def value(self, upto=layers.BOARD):
        return layers.value_of(self, upto)

    @property
    def final_points(self):
        return self.value()

    @property
    def differs(self) -> bool:
        return layers.differs(self.by_layer)


@dataclass(slots=True)
class CardRow:
    id: int
    agency: AgencyRow
    status: str
    table_id: int
    lines: dict  # criterion id → LineRow
    totals: object = None
    totals_before_board: object = None

    @property
    def agency_id(self):
        return self.agency.id

    @property
    def is_draft(self) -> bool:
        return self.status == Scorecard.Status.DRAFT


@dataclass
class PeriodData:
    """A period's cards, lines, trees and ranking."""

    period: Period
    rules: object
    tables: dict  # table id → TableCaps
    trees: dict  # table id → CriteriaTree
    cards: list  # [CardRow] in Vietnamese agency order
    ranked: list = field(default_factory=list)
    ranked_before_board: list = field(default_factory=list)
    # Agencies whose card was never submitted (a draft, or no card at all for a current member),
    # in agency order. They are never in ``ranked`` (unless ``include_drafts``), yet a ranking
    # must still name them, as "not submitted", after the ranked ones.
    unsubmitted: list = field(default_factory=list)  # [AgencyRow]

    @property
    def term(self):
        return self.period.term

    def card_for(self, agency_id) -> CardRow | None:
        return next((c for c in self.cards if c.agency.id == agency_id), None)

    @property
    def main_table_id(self):
        """The most used table of the period (the adopted one for almost every period)."""
        counts = {}
        for card in self.cards:
            counts[card.table_id] = counts.get(card.table_id, 0) + 1
        return max(self.trees, key=lambda t: (counts.get(t, 0), t), default=None)

    @property
    def main_tree(self) -> CriteriaTree:
        table_id = self.main_table_id
        return self.trees[table_id] if table_id is not None else CriteriaTree([])

    @property
    def has_board_changes(self) -> bool:
        return any(ln.board_points is not None for c in self.cards for ln in c.lines.values())


def load_trees(tables: dict) -> tuple[dict, dict]:
    """The trees of ``tables`` (table id → a table or its caps), by table id, in one query."""
    rows = {}
    for table_id, *values in (
        Criterion.objects.filter(table_id__in=list(tables))
        .order_by("order", "id")
        .values_list("table_id", *SPEC_FIELDS)
    ):
        rows.setdefault(table_id, []).append(CriterionSpec(*values))
    trees = {pk: CriteriaTree.for_table(t, rows.get(pk, [])) for pk, t in tables.items()}
    return tables, trees


def _members_without_card(period) -> list[AgencyRow]:
    """Current members of the period's term that never opened a card in it, in one query."""
    return [
        AgencyRow(*values)
        for values in Membership.objects.filter(term_id=period.term_id, left_on__isnull=True)
        .exclude(agency__scorecards__period=period)
        .order_by("agency__sort_key", "agency_id")
        .values_list("agency_id", "agency__name", "agency__abbreviation", "agency__sort_key")
    ]


def _members_without_cards(periods, cards: dict) -> dict:
    """``_members_without_card`` of each period (``cards``: period id → its cards), one query."""
    members = {}
    for term_id, *values in (
        Membership.objects.filter(term_id__in={p.term_id for p in periods}, left_on__isnull=True)
        .order_by("agency__sort_key", "agency_id")
        .values_list(
            "term_id", "agency_id", "agency__name", "agency__abbreviation", "agency__sort_key"
        )
    ):
        members.setdefault(term_id, []).append(AgencyRow(*values))
    result = {}
    for period in periods:
        with_card = {c.agency.id for c in cards[period.id]}
        result[period.id] = [a for a in members.get(period.term_id, []) if a.id not in with_card]
    return result


def _in_agency_order(agencies) -> list[AgencyRow]:
    return sorted(agencies, key=lambda a: (a.sort_key, a.id))


# The review meeting lives in the awards app, which campaigns never imports: awards registers the
# function that reads a period's meeting votes (``awards.apps``), and ``load_period`` asks it.
_meeting_votes_source = None
_meeting_votes_many = None


def set_meeting_votes_source(source, *, many=None) -> None:
    """Register ``source(period) -> {agency id: votes}`` for the ``meeting_votes`` tie-break, and
    ``many(periods) -> {period id: {agency id: votes}}`` reading several periods in one query."""
    global _meeting_votes_source, _meeting_votes_many
    _meeting_votes_source = source
    _meeting_votes_many = many


def meeting_votes_for(period) -> dict:
    """The review meeting's votes per agency for ``period`` (empty before any vote)."""
    if _meeting_votes_source is None or period.status != Period.Status.AGREED:
        return {}
    return _meeting_votes_source(period)


def meeting_votes_by_period(periods) -> dict:
    """``meeting_votes_for`` of each of ``periods``, by period id (one query when registered)."""
    agreed = [p for p in periods if p.status == Period.Status.AGREED]
    if _meeting_votes_source is None or not agreed:
        return {}
    if _meeting_votes_many is None:
        return {p.id: _meeting_votes_source(p) for p in agreed}
    return _meeting_votes_many(agreed)


# Marks other apps put on a ranking's rows (an eligibility hold, from awards), registered the
# same way: each source maps (period, agency ids) to {agency id: text}.
_ranking_mark_sources = []


def add_ranking_mark_source(source) -> None:
    """Register ``source(period, agency_ids) -> {agency id: text}`` (once per source)."""
    if source not in _ranking_mark_sources:
        _ranking_mark_sources.append(source)


def ranking_marks(period, agency_ids) -> dict:
    """What the registered sources say of these agencies on ``period``'s ranking."""
    marks: dict = {}
    for source in _ranking_mark_sources:
        for agency_id, text in source(period, agency_ids).items():
            marks.setdefault(agency_id, []).append(text)
    return marks


def load_period(period, *, include_drafts=False, meeting_votes=None) -> PeriodData:
    """Load a period's scorecards, lines and criteria as plain values, and rank it.

    Five queries whatever the number of agencies or criteria. Draft scorecards are left out of
    the ranking (they are nobody's score yet) unless ``include_drafts``. ``meeting_votes`` maps
    an agency id to its review-meeting votes, for the ``meeting_votes`` tie-break; by default
    they are read from the meeting of an agreed period (one more query).
    """
    votes = None if meeting_votes is None else {period.id: meeting_votes}
    return load_periods([period], include_drafts=include_drafts, meeting_votes=votes)[period.id]


def load_periods(periods, *, include_drafts=False, meeting_votes=None) -> dict:
    """``load_period`` of several periods at once, by period id, in the same number of queries.

    ``meeting_votes`` maps a period id to its votes by agency; by default they are read from
    the meetings of the agreed periods (one more query, whatever their number).
    """
    periods = list(periods)
    if not periods:
        return {}
    if meeting_votes is None:
        meeting_votes = meeting_votes_by_period(periods)
    cards = {p.id: [] for p in periods}
    tables = {}
    for period_id, pk, status, agency_id, name, abbr, sort_key, *table in (
        Scorecard.objects.filter(period_id__in=list(cards))
        .order_by("agency__sort_key", "agency_id")
        .values_list(
            "period_id",
            "pk",
            "status",
            "agency_id",
            "agency__name",
            "agency__abbreviation",
            "agency__sort_key",
            "table_id",
            "table__base_max",
            "table__bonus_cap",
            "table__penalty_cap",
        )
    ):
        tables[table[0]] = TableCaps(*table)
        cards[period_id].append(
            CardRow(
                id=pk,
                agency=AgencyRow(id=agency_id, name=name, abbreviation=abbr, sort_key=sort_key),
                status=status,
                table_id=table[0],
                lines={},
            )
        )
    by_id = {c.id: c for period_cards in cards.values() for c in period_cards}
    make = LineRow._make
    for card_id, *values in (
        ScoreLine.objects.filter(scorecard__period_id__in=list(cards))
        .order_by()
        .values_list("scorecard_id", *LineRow._fields)
    ):
        line = make(values)
        by_id[card_id].lines[line.criterion_id] = line
    tables, trees = load_trees(tables)
    rules = rules_for_terms([p.term for p in periods])
    without_card = _members_without_cards(periods, cards)
    loaded = {}
    for period in periods:
        used = {c.table_id for c in cards[period.id]}
        data = PeriodData(
            period=period,
            rules=rules[period.term_id],
            tables={pk: t for pk, t in tables.items() if pk in used},
            trees={pk: t for pk, t in trees.items() if pk in used},
            cards=cards[period.id],
        )
        _rank(data, meeting_votes.get(period.id, {}), include_drafts, without_card[period.id])
        loaded[period.id] = data
    return loaded


def _rank(data: PeriodData, meeting_votes: dict, include_drafts: bool, without_card) -> None:
    """Total every card of ``data`` and rank them, with and without the board's changes."""
    rows, rows_before = [], []
    for card in data.cards:
        tree = data.trees[card.table_id]
        first = tree.first_group_id
        card.totals = tree.totals({cid: ln.value() for cid, ln in card.lines.items()})
        card.totals_before_board = tree.totals(
            {cid: ln.value(upto=layers.AGREED) for cid, ln in card.lines.items()}
        )
        if card.is_draft and not include_drafts:
            continue
        for totals, out in ((card.totals, rows), (card.totals_before_board, rows_before)):
            out.append(
                ranking.RankInput(
                    agency_id=card.agency.id,
                    name=card.agency.name,
                    sort_key=card.agency.sort_key,
                    abbreviation=card.agency.abbreviation,
                    base=totals.base,
                    bonus=totals.bonus,
                    penalty=totals.penalty,
                    total=totals.total,
                    first_group=totals.group_sums.get(first, ZERO),
                    meeting_votes=meeting_votes.get(card.agency.id),
                )
            )
    data.unsubmitted = _in_agency_order([c.agency for c in data.cards if c.is_draft] + without_card)
    rules = data.rules
    data.ranked = ranking.rank(rows, tie_breaks=rules.tie_breaks, bands=rules.bands)
    data.ranked_before_board = ranking.rank(
        rows_before, tie_breaks=rules.tie_breaks, bands=rules.bands
    )


# The audit trails of everything ``load_period`` reads (the meeting's votes are read each time).
# Writes to these rows go through the trail (blocs/history.py), so while the latest entry of each
# stays the same, a period loaded before is still what ``load_period`` would return.
PERIOD_TRAILS = (
    ScoreLine,
    Scorecard,
    Period,
    Criterion,
    CriteriaTable,
    ScoringRules,
    Membership,
    Agency,
)
# A transaction commits its trail entries after it wrote them: a period is kept only once the
# trails have been quiet this long, so that a change committed late is never missed.
QUIET = datetime.timedelta(minutes=2)
KEEP = 64  # periods kept by each process, the latest loaded
_kept: OrderedDict = OrderedDict()  # period id → (marks, votes, PeriodData)
_kept_lock = threading.Lock()


def trail_marks(models, *, latest=()) -> tuple:
    """The latest entry (id and time) of each model's audit trail, then the greatest value of
    each ``(model, field)`` of ``latest``, in one query."""
    parts = []
    for model in models:
        table = connection.ops.quote_name(model.history.model._meta.db_table)
        parts.append(f"(SELECT MAX(history_id) FROM {table})")
        parts.append(f"(SELECT MAX(history_date) FROM {table})")
    for model, name in latest:
        table = connection.ops.quote_name(model._meta.db_table)
        column = connection.ops.quote_name(model._meta.get_field(name).column)
        parts.append(f"(SELECT MAX({column}) FROM {table})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return tuple(cursor.fetchone())


def _latest(marks) -> datetime.datetime | None:
    moments = []
    for value in marks[1::2]:
        if isinstance(value, str):
            value = parse_datetime(value)
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value, datetime.UTC)
        if value is not None:
            moments.append(value)
    return max(moments, default=None)


def load_period_kept(period) -> PeriodData:
    """``load_period(period)``, reused within this process while nothing it reads has changed.

    Asks the audit trails for their latest entries (one query) and the review meeting for its
    votes; when neither moved since this process last loaded the period, its rows are returned
    again without reading or totalling a line. The caller must not change what it gets.
    """
    marks = trail_marks(PERIOD_TRAILS)
    votes = meeting_votes_by_period([period]).get(period.id, {})
    kept = _kept.get(period.id)
    if kept is not None and kept[0] == marks and kept[1] == votes:
        return replace(kept[2], period=period)
    data = load_period(period, meeting_votes=votes)
    latest = _latest(marks)
    with _kept_lock:
        _kept.pop(period.id, None)
        if latest is not None and timezone.now() - latest >= QUIET:
            _kept[period.id] = (marks, votes, data)
            while len(_kept) > KEEP:
                _kept.popitem(last=False)
    return data


class PendingMember(NamedTuple):
    """A member that has not submitted its card in a period, and until when it still may."""

    agency: AgencyRow
    card_id: int | None  # its draft, or None when it never opened a card
    deadline: object  # its self-score deadline, extensions included (an aware datetime)

    def is_open(self, now) -> bool:
        return now <= self.deadline


def pending_members(period) -> list[PendingMember]:
    """Every member whose card in ``period`` is not submitted, with its effective deadline.

    A draft card (whoever holds it) and every current member without a card; in agency order,
    in three queries.
    """
    drafts = {
        agency_id: (card_id, AgencyRow(agency_id, name, abbr, sort_key))
        for card_id, agency_id, name, abbr, sort_key in Scorecard.objects.filter(
            period=period, status=Scorecard.Status.DRAFT
        ).values_list("pk", "agency_id", "agency__name", "agency__abbreviation", "agency__sort_key")
    }
    agencies = [a for _pk, a in drafts.values()] + _members_without_card(period)
    extensions = {}
    for extension in DeadlineExtension.objects.filter(
        period=period, agency_id__in=[a.id for a in agencies]
    ):
        extensions.setdefault(extension.agency_id, []).append(extension)
    return [
        PendingMember(
            agency=agency,
            card_id=drafts[agency.id][0] if agency.id in drafts else None,
            deadline=period.deadline_for(extensions.get(agency.id, [])),
        )
        for agency in _in_agency_order(agencies)
    ]
