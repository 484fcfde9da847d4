"""The board's award statistics of a year (page and workbook) and one agency's history."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from blocs.access import get_board_council_for_user, get_board_councils_for_user
from campaigns.progress import board_years, default_year
from campaigns.views import xlsx_response
from reports import agency_history, province_awards


@login_required
@require_GET
def award_statistics_index(request):
    """Send a board officer to the statistics of their first council's current year."""
    council = get_board_councils_for_user(request)[0]
    year = default_year(board_years([council]))
    return redirect("reports:award_statistics", council_id=council.pk, year=year)


@login_required
@require_GET
def award_statistics(request, council_id, year):
    """Per award and per bloc: proposed, granted, not granted, revoked."""
    council = get_board_council_for_user(request, council_id)
    stats = province_awards.award_statistics(council, year)
    return render(
        request,
        "reports/province_awards/statistics.html",
        {
            "council": council,
            "councils": get_board_councils_for_user(request),
            "year": year,
            "years": board_years([council]),
            "stats": stats,
            # STT, bloc, two per award, four totals, note: for the "no bloc" row.
            "bloc_columns": 2 * len(stats.awards) + 7,
        },
    )


@login_required
@require_GET
def award_statistics_export(request, council_id, year):
    """The statistics as the workbook the board reports upward."""
    council = get_board_council_for_user(request, council_id)
    stats = province_awards.award_statistics(council, year)
    return xlsx_response(
        province_awards.statistics_workbook(stats), f"thong-ke-khen-thuong-{year}.xlsx"
    )


@login_required
@require_GET
def agency_history_page(request, agency_id):
    """One agency across the years: bloc, rank and band, awards, holds."""
    agency, is_board = agency_history.get_agency_for_history(request, agency_id)
    return render(
        request,
        "reports/province_awards/agency_history.html",
        {
            "agency": agency,
            "is_board": is_board,
            "rows": agency_history.history_of(agency, show_unagreed=is_board),
        },
    )
