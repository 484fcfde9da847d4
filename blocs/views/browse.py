"""Reading pages: the dashboard's data, blocs, a bloc's year (the board's overview, which reads
the members' progress, lives in ``campaigns.views.progress``)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, Prefetch, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from blocs.access import board_councils, get_bloc_for_user, get_term_for_user
from blocs.models import (
    AgencyRole,
    Bloc,
    BlocTerm,
    LeadershipChange,
    LeadershipElection,
    Membership,
)
from blocs.services import member_count_warning
from blocs.vnsort import vietnamese_sort_key


def _bloc_order(bloc):
    """Blocs in Vietnamese alphabetical order (the database collation puts Đ after Z)."""
    return (vietnamese_sort_key(bloc.name), bloc.pk)


def _terms_with_lead(queryset):
    """Terms with their memberships loaded once, so leader/deputy cost no extra query."""
    return queryset.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("agency").order_by("agency__sort_key", "id"),
        )
    )


def dashboard_context(user) -> dict:
    """The user's roles, the latest year of each bloc their agencies take part in, and for a
    board officer a summary of the board's blocs (dashboard data)."""
    roles = AgencyRole.objects.filter(user=user).select_related("agency")
    # Only the blocs of the user's own agencies are listed: a board's blocs, hundreds of them
    # nationally, are counted below and listed a page at a time by the province overview.
    own = Membership.objects.filter(term=OuterRef("pk"), agency__roles__user=user)
    terms = _terms_with_lead(
        BlocTerm.objects.filter(Exists(own))
        .select_related("bloc__council")
        .order_by("bloc__name", "bloc_id", "-year")
    )
    latest = {}
    for term in terms:
        latest.setdefault(term.bloc_id, term)
    councils = sorted(board_councils(user), key=lambda c: (vietnamese_sort_key(c.name), c.pk))
    return {
        "roles": roles,
        "terms": sorted(latest.values(), key=lambda t: _bloc_order(t.bloc)),
        "councils": councils,
        "board_summary": board_summary(councils),
    }


@dataclass
class CouncilSummary:
    """A board's blocs counted by the year and status of each bloc's latest year."""

    council: object
    blocs: int = 0
    # (year, [(status label, number of blocs)]), latest year first.
    years: list = field(default_factory=list)

    @property
    def without_term(self) -> int:
        return self.blocs - sum(n for _year, counts in self.years for _label, n in counts)


def board_summary(councils) -> list[CouncilSummary]:
    """Count the councils' blocs by the status of their latest year, in two queries whatever the
    number of blocs."""
    if not councils:
        return []
    summaries = {c.pk: CouncilSummary(council=c) for c in councils}
    for council_id, n in (
        Bloc.objects.filter(council__in=councils)
        .order_by()
        .values("council_id")
        .annotate(n=Count("id"))
        .values_list("council_id", "n")
    ):
        summaries[council_id].blocs = n
    latest_year = BlocTerm.objects.filter(bloc=OuterRef("bloc")).order_by("-year").values("year")
    counts = defaultdict(dict)
    for council_id, year, status, n in (
        BlocTerm.objects.filter(bloc__council__in=councils, year=Subquery(latest_year[:1]))
        .order_by()
        .values("bloc__council_id", "year", "status")
        .annotate(n=Count("id"))
        .values_list("bloc__council_id", "year", "status", "n")
    ):
        counts[council_id, year][status] = n
    for (council_id, year), by_status in sorted(counts.items(), key=lambda kv: -kv[0][1]):
        summaries[council_id].years.append(
            (
                year,
                [
                    (label, by_status[status])
                    for status, label in BlocTerm.Status.choices
                    if status in by_status
                ],
            )
        )
    return list(summaries.values())


@login_required
@require_GET
def bloc_list(request):
    """The blocs the user may see, each with its latest term's leader and deputy."""
    blocs = sorted(Bloc.objects.visible_to(request.user).select_related("council"), key=_bloc_order)
    terms = _terms_with_lead(
        BlocTerm.objects.visible_to(request.user)
        .filter(bloc__in=[b.pk for b in blocs])
        .order_by("bloc_id", "-year")
    )
    latest = {}
    for term in terms:
        latest.setdefault(term.bloc_id, term)
    rows = [(bloc, latest.get(bloc.pk)) for bloc in blocs]
    return render(
        request,
        "blocs/bloc_list.html",
        {"rows": rows, "can_create_bloc": board_councils(request.user).exists()},
    )


@login_required
@require_GET
def bloc_detail(request, bloc_code):
    """Send the user to the latest year of the bloc they may read."""
    bloc = get_bloc_for_user(request, bloc_code)
    term = BlocTerm.objects.visible_to(request.user).filter(bloc=bloc).order_by("-year").first()
    if term is None:
        # A new bloc: its board opens the first year; nobody else can see it yet.
        if board_councils(request.user).filter(pk=bloc.council_id).exists():
            return redirect("blocs:bloc_first_year", bloc_code=bloc.code)
        raise Http404(_("Khối chưa có năm thi đua nào."))
    return redirect("blocs:term_detail", bloc_code=bloc.code, year=term.year)


@login_required
@require_GET
def term_detail(request, bloc_code, year):
    """One bloc in one year: members, leader, deputy and the history of the lead."""
    term, access = get_term_for_user(request, bloc_code, year)
    # Every year of the bloc with its members, read once: the history of the lead needs each
    # year's leader and deputy, and this year's list its members' renames and heads.
    history = list(
        BlocTerm.objects.filter(bloc=term.bloc)
        .order_by("-year")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("agency")
                .prefetch_related(
                    "agency__name_changes",
                    Prefetch(
                        "agency__roles",
                        queryset=AgencyRole.objects.select_related("user")
                        .filter(role=AgencyRole.Role.HEAD)
                        .order_by("id"),
                    ),
                )
                .order_by("agency__sort_key", "id"),
            )
        )
    )
    access.note_years(t.year for t in history)
    memberships = list(next(t for t in history if t.pk == term.pk).memberships.all())
    term._prefetched_objects_cache = {"memberships": memberships}
    # Earlier years show each agency under the name it bore then (renames keep history).
    as_of = min(timezone.localdate(), datetime.date(term.year, 12, 31))
    for m in memberships:
        m.name_then = m.agency.name_on(as_of)
    current = [m for m in memberships if m.left_on is None]
    today = timezone.localdate()
    for t in history:
        year_end = min(today, datetime.date(t.year, 12, 31))
        t.leader_name = t.leader.name_on(year_end) if t.leader else ""
        t.deputy_name = t.deputy.name_on(year_end) if t.deputy else ""
    elections = {
        e.term_id: e
        for e in LeadershipElection.objects.filter(term__bloc=term.bloc).select_related(
            "leader", "deputy"
        )
    }
    lead_changes = LeadershipChange.objects.filter(term=term).select_related(
        "old_leader", "old_deputy", "new_leader", "new_deputy", "changed_by"
    )
    # The board and administrators read every year of the bloc; a member the years its
    # agencies took part in.
    if access.is_board or access.is_admin:
        readable_years = {t.year for t in history}
    else:
        readable_years = set(
            BlocTerm.objects.visible_to(request.user)
            .filter(bloc=term.bloc)
            .values_list("year", flat=True)
        )
    return render(
        request,
        "blocs/term_detail.html",
        {
            "term": term,
            "access": access,
            "memberships": memberships,
            "current_count": len(current),
            "warning": member_count_warning(len(current)),
            "history": [(t, elections.get(t.pk)) for t in history],
            "election": elections.get(term.pk),
            "readable_years": readable_years,
            "lead_changes": lead_changes,
        },
    )
