"""Báo cáo kết quả chấm điểm, xếp hạng: a period's ranking as an official document."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from campaigns.access import can_see_ranking
from campaigns.models import Period
from campaigns.selectors import load_period
from reports.kinds.base import DocumentKind, register


def _period(term, kind):
    return Period.objects.filter(term=term, kind=kind).select_related("term__bloc").first()


def _title_for(kind):
    def title(term, params):
        label = Period.Kind(kind).label
        return gettext("Kết quả chấm điểm, xếp hạng thi đua %(period)s %(year)s của %(bloc)s") % {
            "period": str(label).lower(),
            "year": term.year,
            "bloc": term.bloc.name,
        }

    return title


def _band_ranges(bands):
    """(label, minimum, the next band's minimum) from the highest band down."""
    return [(b.label, b.min, bands[i - 1].min if i else None) for i, b in enumerate(bands)]


# Each column's share of the text width in percent, padding and borders included (the
# template's cells are border-box), for a fixed table layout: the widths are read once from the
# header row instead of measured from every cell. The group columns share what the others leave,
# keeping the notes at least ``NOTES_MIN``, so that the columns always add up to the text width.
COLUMNS = {"rank": 4, "name": 16, "base": 5, "bonus": 5.5, "penalty": 4, "total": 5, "band": 6}
GROUP_MAX, NOTES_MIN = 5, 12
# Past this many groups a group column is too narrow for the body type: the table goes smaller.
DENSE_FROM = 7


def column_widths(groups: int) -> dict:
    """The width of each column of a score table with ``groups`` group columns, in percent."""
    free = 100 - sum(COLUMNS.values())
    group = round(min(GROUP_MAX, (free - NOTES_MIN) / groups), 2) if groups else 0
    return {**COLUMNS, "group": group, "notes": round(free - group * groups, 2)}


def _context_for(kind):
    def build(document):
        period = _period(document.term, kind)
        if period is None:
            raise LookupError(
                gettext("Năm %(year)s chưa có kỳ %(period)s.")
                % {"year": document.term.year, "period": Period.Kind(kind).label}
            )
        data = load_period(period)
        # Only groups of scored criteria get a column; bonus and penalty have their own.
        groups = data.main_tree.scored_top_groups
        by_agency = {card.agency.id: card for card in data.cards}
        before = {r.agency_id: r for r in data.ranked_before_board}
        rows = []
        for r in data.ranked:
            card = by_agency[r.agency_id]
            earlier = before.get(r.agency_id)
            rows.append(
                {
                    "ranked": r,
                    "groups": [card.totals.group_sums.get(g.id) for g in groups],
                    "before_board": earlier
                    if earlier and earlier.row.total != r.row.total
                    else None,
                }
            )
        return {
            "period": period,
            "agreed": period.status == Period.Status.AGREED,
            "groups": groups,
            "rows": rows,
            "chain": data.rules.tie_break_labels,
            "bands": _band_ranges(data.rules.parsed_bands),
            "widths": column_widths(len(groups)),
            "dense": len(groups) >= DENSE_FROM,
            "drafts": [
                c.agency
                for c in data.cards
                if c.agency.id not in {r.agency_id for r in data.ranked}
            ],
        }

    return build


def _can_read_for(kind):
    def can_read(access, document):
        """Readers of the period's ranking page read its document (``can_see_ranking``)."""
        period = _period(document.term, kind)
        return period is not None and can_see_ranking(access, period)

    return can_read


def _provisional_for(kind):
    def is_provisional(term, params):
        """A ranking is final once the bloc has agreed the period; before that it is a draft."""
        period = _period(term, kind)
        return period is None or period.status != Period.Status.AGREED

    return is_provisional


for _kind in (Period.Kind.SEMIANNUAL, Period.Kind.ANNUAL):
    register(
        DocumentKind(
            slug=f"score_table_{_kind}",
            label=_("Báo cáo kết quả chấm điểm, xếp hạng (%(period)s)")
            % {"period": Period.Kind(_kind).label},
            type_code="BC",
            template="reports/pdf/score_table.html",
            build_context=_context_for(_kind),
            title=_title_for(_kind),
            can_read=_can_read_for(_kind),
            is_provisional=_provisional_for(_kind),
        )
    )
