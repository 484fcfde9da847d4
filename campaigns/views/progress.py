"""Where the members stand: the secretariat's progress page of a bloc-year with its reminders,
and the board's overview of every bloc; both also as workbooks."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from blocs.access import get_board_councils_for_user
from blocs.models import BlocTerm
from campaigns import progress as reads
from campaigns.access import get_progress_term_for_user
from campaigns.forms.progress import BoardFilterForm, RemindForm
from campaigns.models import Period
from campaigns.services import progress as services
from campaigns.todo import Work, secretariat_tasks
from campaigns.views import messages_of, xlsx_response
from khoithidua.paging import page_of

# Blocs on one page of the board overview.
BOARD_PAGE = 50


def _kind(request) -> str | None:
    kind = request.GET.get("period") or None
    return kind if kind in Period.Kind.values else None


def _progress_url(term, kind=None) -> str:
    url = reverse("campaigns:term_progress", args=[term.bloc.code, term.year])
    return f"{url}?period={kind}" if kind else url


@login_required
@require_GET
def term_progress(request, bloc_code, year):
    """Every current member of the year: pledge, titles, self-score, cross-checks, explanations."""
    term, access = get_progress_term_for_user(request, bloc_code, year)
    progress = reads.term_progress(term, period_kind=_kind(request))
    return render(
        request,
        "campaigns/progress_term.html",
        {
            "term": term,
            "access": access,
            "section": "progress",
            "progress": progress,
            "columns": progress.columns,
            # The secretariat's tasks reuse the year's periods, pledge and members read above.
            "tasks": secretariat_tasks(
                [term],
                work=Work(
                    {term.pk},
                    periods=[p for p in progress.periods if p.status != Period.Status.AGREED],
                    pledges=[progress.pledge] if progress.pledge else [],
                    members={term.pk: {row.agency.id for row in progress.rows}},
                ),
            ),
            "can_remind": access.can_manage,
            "period_kind": progress.period.kind if progress.period else "",
        },
    )


@login_required
@require_GET
def term_progress_export(request, bloc_code, year):
    """The progress table as an .xlsx, for the period the page shows."""
    term, _access = get_progress_term_for_user(request, bloc_code, year)
    progress = reads.term_progress(term, period_kind=_kind(request))
    suffix = f"-{progress.period.kind}" if progress.period else ""
    return xlsx_response(
        services.progress_workbook(progress),
        f"tien-do-{term.bloc.code}-{term.year}{suffix}.xlsx",
    )


@login_required
@require_POST
def term_progress_remind(request, bloc_code, year, column):
    """Notify the people of the agencies not done in one column."""
    term, _access = get_progress_term_for_user(request, bloc_code, year, write=True)
    if column not in reads.COLUMNS:
        raise Http404(_("Không có cột tiến độ này."))
    form = RemindForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_progress_url(term))
    kind = form.cleaned_data["period"] or None
    label = reads.COLUMN_LABELS[column]
    try:
        done = services.remind_not_done(term=term, column=column, period_kind=kind, by=request.user)
    except ValidationError as exc:
        for message in messages_of(exc):
            messages.error(request, message)
        return redirect(_progress_url(term, kind))
    if done.people:
        messages.success(
            request,
            _("%(column)s: đã nhắc %(people)s người của %(agencies)s đơn vị chưa hoàn thành.")
            % {"column": label, "people": done.people, "agencies": done.agencies},
        )
    else:
        messages.info(
            request,
            _(
                "%(column)s: không có ai cần nhắc thêm (các đơn vị đã hoàn thành, chưa có tài "
                "khoản hoặc đã được nhắc hôm nay)."
            )
            % {"column": label},
        )
    return redirect(_progress_url(term, kind))


def _board_filters(request):
    """The board's councils, the filter form, the year and the valid filters (404 for
    non-board users)."""
    councils = get_board_councils_for_user(request)
    years = reads.board_years(councils)
    form = BoardFilterForm(request.GET or None, councils=councils, years=years)
    filters = form.cleaned_data if form.is_valid() else {}
    year = filters.get("year") or reads.default_year(years)
    return councils, form, year, filters


def _board(request):
    """The board's councils, the filter form and every filtered row (the export's)."""
    councils, form, year, filters = _board_filters(request)
    rows = reads.board_rows(
        councils,
        year=year,
        council_id=filters.get("council"),
        query=filters.get("q", ""),
        overdue_only=filters.get("overdue", False),
    )
    return councils, form, year, rows


@login_required
@require_GET
def board_overview(request):
    """Every bloc of the board officer's councils, a page at a time, with how many are at each
    state of the year: this year's lead, pledge, scores, overdue.

    Only the page's blocs have their progress read, so the page costs the same for 10 blocs or
    1,000; the "overdue only" filter reads every bloc's progress, as it must to filter.
    """
    councils, form, year, filters = _board_filters(request)
    blocs = reads.board_blocs(
        councils, year=year, council_id=filters.get("council"), query=filters.get("q", "")
    )
    if filters.get("overdue"):
        rows = reads.board_rows(
            councils,
            year=year,
            council_id=filters.get("council"),
            query=filters.get("q", ""),
            overdue_only=True,
        )
        page, query = page_of(request, rows, BOARD_PAGE)
    else:
        page, query = page_of(request, blocs, BOARD_PAGE)
        page.object_list = reads.board_progress(page.object_list, year=year)
    states = [
        (BlocTerm.Status(status).label if status else _("Chưa mở năm"), n)
        for status, n in reads.board_states(blocs).items()
    ]
    return render(
        request,
        "campaigns/board_overview.html",
        {
            "councils": councils,
            "form": form,
            "page": page,
            "rows": page.object_list,
            "states": states,
            "year": year,
            "kinds": Period.Kind.choices,
            "query": query,
        },
    )


@login_required
@require_GET
def board_overview_export(request):
    """The board overview as an .xlsx, with the filters of the page."""
    _councils, _form, _year, rows = _board(request)
    return xlsx_response(services.board_workbook(rows), "tong-quan-cac-khoi.xlsx")
