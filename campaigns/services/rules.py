"""Writes of a year's rules: bands, tie-breaks, score step, appeal window, quorum and the periods'
deadlines.

While one of the year's periods is agreed, a change that would move its ranking is refused:
new bands that put an agreed total into another band, and any new tie-break order (the meeting's
votes, one of its rules, are only known to the awards app). The secretariat reopens the period
first (``agreement.reopen_period``), which is recorded with its reason.

A later year that has no rules of its own scores under this year's (``rules_for``); before this
year's change it is given a copy of the rules it has been scoring under, so that editing one
year never changes another's ranking.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from blocs.history import record_by
from blocs.models import BlocTerm
from blocs.vnsort import vietnamese_sort_key
from campaigns import ranking, selectors
from campaigns.models import Period, ScoringRules, rules_for
from campaigns.services.periods import refuse_if_agreed, save_period

__all__ = ["save_term_rules"]


@transaction.atomic
def save_term_rules(
    *,
    term: BlocTerm,
    bands: list[dict],
    tie_breaks: list[str],
    score_step: Decimal,
    quorum: Decimal,
    deadlines: dict | None = None,
    appeal_days: int | None = None,
    by,
) -> ScoringRules:
    """Save the year's rules and deadlines; every change is kept in the history with ``by``.

    ``deadlines`` maps a period kind to (self-score deadline, review deadline); a kind that is
    missing or maps to None is left as it is. ``appeal_days`` (the days members have to appeal a
    published provisional ranking) is left as it is when None.
    """
    term = BlocTerm.objects.select_for_update().select_related("bloc").get(pk=term.pk)
    if term.is_closed:
        raise ValidationError(_("Năm thi đua đã kết thúc; quy định của năm không sửa được nữa."))
    quorum_share = (Decimal(quorum) / 100).quantize(Decimal("0.001"))
    if not Decimal("0.5") <= quorum_share <= Decimal("1"):
        raise ValidationError({"quorum": _("Tỷ lệ có mặt tối thiểu phải từ 50% đến 100%.")})
    periods = {p.kind: p for p in Period.objects.select_for_update().filter(term=term)}
    current = rules_for(term)
    changed = {
        "bands": ranking.parse_bands(current.bands or []) != ranking.parse_bands(bands),
        "tie_breaks": list(current.tie_breaks or []) != list(tie_breaks),
        "score_step": Decimal(current.score_step) != Decimal(score_step),
        "appeal_days": appeal_days is not None and current.appeal_days != appeal_days,
    }
    agreed = [p for p in periods.values() if p.status == Period.Status.AGREED]
    if agreed:
        names = ", ".join(str(p.get_kind_display()) for p in agreed)
        errors = {}
        moved = _reclassified(agreed, current.bands, bands) if changed["bands"] else []
        if moved:
            errors["bands"] = _(
                "Kỳ %(periods)s đã thống nhất: ngưỡng mới làm thay đổi xếp loại đã thống nhất "
                "của %(agencies)s. Hãy mở lại kỳ (có ghi lý do) trước khi sửa."
            ) % {"periods": names, "agencies": ", ".join(moved)}
        if changed["tie_breaks"]:
            errors["tie_breaks"] = _(
                "Kỳ %(periods)s đã thống nhất: đổi tiêu chí phân định sẽ làm thay đổi kết quả "
                "xếp hạng đã thống nhất. Hãy mở lại kỳ (có ghi lý do) trước khi sửa."
            ) % {"periods": names}
        if errors:
            raise ValidationError(errors)
    if any(changed.values()):
        _pin_later_years(term, by=by)
        rules = ScoringRules.objects.filter(term=term).first() or ScoringRules(term=term)
        rules.bands = bands
        rules.tie_breaks = list(tie_breaks)
        rules.score_step = score_step
        if appeal_days is not None:
            rules.appeal_days = appeal_days
        rules.changed_by = by
        rules.full_clean()
        record_by(rules, by)
        if rules.pk:
            rules.save(
                update_fields=[
                    "bands",
                    "tie_breaks",
                    "score_step",
                    "appeal_days",
                    "changed_by",
                    "changed_at",
                ]
            )
        else:
            rules.save()
    else:
        rules = current
    if term.quorum != quorum_share:
        term.quorum = quorum_share
        term.full_clean()
        record_by(term, by).save(update_fields=["quorum"])
    for kind, pair in (deadlines or {}).items():
        if not pair:
            continue
        period = periods.get(kind)
        if period is not None and (period.self_deadline, period.review_deadline) == tuple(pair):
            continue
        if period is not None:
            try:
                refuse_if_agreed(period)
            except ValidationError as exc:
                raise ValidationError({f"{kind}-self_deadline": exc.messages[0]}) from exc
        try:
            save_period(term=term, kind=kind, self_deadline=pair[0], review_deadline=pair[1], by=by)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                raise ValidationError(
                    {f"{kind}-{name}": errors for name, errors in exc.error_dict.items()}
                ) from exc
            raise
    return rules


def _reclassified(periods, old_bands, new_bands) -> list[str]:
    """The agencies of agreed ``periods`` whose classification the new bands would change.

    Bands only classify a total, so a change that moves no agreed total into another band (or
    renames a band nobody is in) leaves every agreed ranking as it was and is allowed.
    """
    old, new = ranking.parse_bands(old_bands or []), ranking.parse_bands(new_bands or [])

    def shown(band):
        return (band.code, band.label) if band else None

    moved = []
    for period in periods:
        for card in selectors.load_period(period).cards:
            if card.is_draft:
                continue
            totals = {card.totals.total, card.totals_before_board.total}
            if any(
                shown(ranking.classify(t, old)) != shown(ranking.classify(t, new)) for t in totals
            ):
                moved.append(card.agency.name)
    return sorted(set(moved), key=vietnamese_sort_key)


def _pin_later_years(term: BlocTerm, *, by) -> None:
    """Give every later year that inherits ``term``'s rules a copy of what it scores under."""
    later = list(
        BlocTerm.objects.filter(bloc_id=term.bloc_id, year__gt=term.year)
        .order_by("year")
        .select_related("scoring_rules")
    )
    for other in later:
        if hasattr(other, "scoring_rules"):
            # From this year on the bloc's own rules apply; nothing later inherits from ``term``.
            return
        inherited = rules_for(other)
        inherited.changed_by = by
        inherited.full_clean()
        record_by(inherited, by).save()
