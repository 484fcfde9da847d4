"""The province at a glance for the board: every bloc's year, and the cross-bloc ranking."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from blocs.access import get_board_councils_for_user
from campaigns.models import Period
from campaigns.progress import board_years, default_year
from khoithidua.paging import page_of
from reports import charts, province
from reports import province_ranking as cross
from reports.forms_province import OverviewFilterForm, RankingFilterForm

OVERVIEW_PAGE = 50
RANKING_PAGE = 25


def _council(request, council_id):
    """One of the user's board councils and all of them (404 for anyone outside that board)."""
    councils = get_board_councils_for_user(request)
    council = next((c for c in councils if c.pk == council_id), None)
    if council is None:
        raise Http404(_("Trang này dành cho Ban Thi đua – Khen thưởng."))
    return council, councils


@login_required
@require_GET
def province_index(request):
    """Send a board officer to the overview of their first council's current year."""
    council = get_board_councils_for_user(request)[0]
    year = default_year(board_years([council]))
    return redirect("reports:province_overview", council_id=council.pk, year=year)


@login_required
@require_GET
def province_overview(request, council_id, year):
    """Every bloc of the council with the state of its year, filtered by state, a page at a time."""
    council, councils = _council(request, council_id)
    form = OverviewFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    kind = filters.get("period") or Period.Kind.ANNUAL
    found = province.overview(council, year=year, kind=kind)
    rows = province.filter_rows(
        found.rows,
        state=filters.get("state", ""),
        dossier=filters.get("dossier", ""),
        query=filters.get("q", ""),
    )
    page, query = page_of(request, rows, OVERVIEW_PAGE)
    province.fill_signatures(page.object_list)
    states = [(key, label, found.summary[key]) for key, (label, _test) in province.STATES.items()]
    return render(
        request,
        "reports/province/overview.html",
        {
            "council": council,
            "councils": councils,
            "year": year,
            "years": board_years([council]),
            "kind": kind,
            "kind_label": Period.Kind(kind).label,
            "form": form,
            "summary": found.summary,
            "states": states,
            "dossier_states": [
                (code, label, found.summary["dossiers"][code])
                for code, label in province.dossier_choices()
            ],
            "page": page,
            "matching": len(rows),
            "query": query,
        },
    )


@login_required
@require_GET
def province_ranking(request, council_id, year):
    """Every agency of every bloc with its rank and band in its bloc, filtered, sorted, a page
    at a time, with a chart of the page's totals."""
    council, councils = _council(request, council_id)
    kind = request.GET.get("period")
    kind = kind if kind in Period.Kind.values else Period.Kind.ANNUAL
    found = cross.cross_ranking(council, year=year, kind=kind)
    form = RankingFilterForm(request.GET or None, bands=found.bands)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = cross.filter_ranking(
        found,
        bloc=filters.get("bloc", ""),
        band=filters.get("band", ""),
        kind=filters.get("kind", ""),
        query=filters.get("q", ""),
        sort=filters.get("sort") or "total",
    )
    page, query = page_of(request, rows, RANKING_PAGE)
    chart = charts.totals_chart(
        [
            charts.ChartRow(f"{r.abbreviation or r.name} ({r.bloc_name})", r.total)
            for r in page.object_list
        ],
        maximum=None,
        thresholds=found.thresholds,
        title=_("Tổng điểm của các cơ quan trên trang này"),
    )
    return render(
        request,
        "reports/province/ranking.html",
        {
            "council": council,
            "councils": councils,
            "year": year,
            "years": board_years([council]),
            "kind": kind,
            "kind_label": Period.Kind(kind).label,
            "form": form,
            "page": page,
            "matching": len(rows),
            "total_rows": len(found.rows),
            "without_period": found.without_period,
            "band_counts": cross.band_counts(rows, found.bands),
            "chart": chart,
            "query": query,
        },
    )
