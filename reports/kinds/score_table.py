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
            # Cell padding and borders take about 12 % of the width in a fixed layout.
            "notes_width": 88 - 5 - 20 - 5 * len(groups) - 6 - 5.5 - 4.5 - 6 - 7.5,
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
