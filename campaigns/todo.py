"""What a user has to do next across their blocs: the dashboard's to-do list.

Reads only, in a fixed number of queries whatever the number of blocs, periods or agencies.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.models import AgencyRole, BlocTerm, Membership
from blocs.vnsort import vietnamese_sort_key
from campaigns.models import (
    CrossCheck,
    DeadlineExtension,
    Period,
    Pledge,
    PledgeSignature,
    Scorecard,
)


@dataclass(frozen=True)
class Task:
    title: str
    detail: str
    url: str
    due: datetime | None = None

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < timezone.now()


# Tasks without a deadline come after every dated one.
_UNDATED = datetime.max.replace(tzinfo=UTC)


def _soonest_first(tasks) -> list[Task]:
    return sorted(tasks, key=lambda t: (t.due or _UNDATED, t.title))


@dataclass(frozen=True)
class Mine:
    """The user's roles, and their agencies' memberships of the years still running."""

    roles: dict
    memberships: list


def my_memberships(user, *, roles=None) -> Mine:
    """The user's agencies that are current members of a year still running; ``roles`` (the
    user's agency roles) when a page has read them already."""
    if roles is None:
        roles = AgencyRole.objects.filter(user=user)
    roles = {r.agency_id: r for r in roles}
    memberships = list(
        Membership.objects.filter(
            agency_id__in=roles,
            left_on__isnull=True,
            term__status__in=[BlocTerm.Status.PLANNING, BlocTerm.Status.ACTIVE],
        ).select_related("term__bloc", "agency")
    )
    return Mine(roles=roles, memberships=memberships)


class Work:
    """The running work of some years, each part read once when first asked, so that the
    member's to-do and the secretariat's share their reads."""

    def __init__(self, term_ids, **known):
        """``known``: parts a page has read already (``periods``, ``pledges``, ``members``)."""
        self.term_ids = set(term_ids)
        for name, value in known.items():
            if not isinstance(getattr(type(self), name, None), cached_property):
                raise TypeError(f"Work has no part {name!r}")
            self.__dict__[name] = value

    @cached_property
    def periods(self) -> list:
        """The periods not agreed yet."""
        return list(
            Period.objects.filter(term_id__in=self.term_ids).exclude(status=Period.Status.AGREED)
        )

    @cached_property
    def cards(self) -> dict:
        """The scorecards of those periods by (period, agency)."""
        return {
            (c.period_id, c.agency_id): c
            for c in Scorecard.objects.filter(period__in=self.periods).only(
                "id", "period_id", "agency_id", "status"
            )
        }

    @cached_property
    def extensions(self) -> dict:
        extensions = {}
        for e in DeadlineExtension.objects.filter(period__in=self.periods):
            extensions.setdefault((e.period_id, e.agency_id), []).append(e)
        return extensions

    @cached_property
    def checks(self) -> list:
        """The cross-checks of those periods, by period and the reviewed agency's order."""
        return list(
            CrossCheck.objects.filter(period__in=self.periods)
            .select_related("period", "reviewed", "reviewer")
            .order_by("period_id", "reviewed__sort_key")
        )

    @cached_property
    def members(self) -> dict:
        """The current members of each year: {term id: {agency id}}."""
        members = {}
        for term_id, agency_id in Membership.objects.filter(
            term_id__in=self.term_ids, left_on__isnull=True
        ).values_list("term_id", "agency_id"):
            members.setdefault(term_id, set()).add(agency_id)
        return members

    @cached_property
    def pledges(self) -> list:
        """The pledges not withdrawn (at most one a year)."""
        return list(Pledge.objects.current().filter(term_id__in=self.term_ids))


def tasks_for(user, *, mine: Mine | None = None, work: Work | None = None) -> list[Task]:
    """The pledges to sign, scorecards to fill and cross-checks to make, soonest first."""
    if not user.is_authenticated:
        return []
    mine = mine or my_memberships(user)
    memberships = mine.memberships
    if not memberships:
        return []
    terms = {m.term_id: m.term for m in memberships}
    work = work or Work(terms)
    heads = {
        a for a, r in mine.roles.items() if r.role == AgencyRole.Role.HEAD or r.signing_authority
    }
    tasks = []
    tasks += _pledges_to_sign(memberships, terms, heads, work)
    tasks += _scorecards_to_fill(memberships, terms, work)
    tasks += _cross_checks_to_make(memberships, terms, work)
    return _soonest_first(tasks)


def _pledges_to_sign(memberships, terms, heads, work):
    pledges = [p for p in work.pledges if p.term_id in terms and p.status == Pledge.Status.OPEN]
    signed = set(
        PledgeSignature.objects.filter(pledge__in=pledges).values_list("pledge_id", "agency_id")
    )
    out = []
    for pledge in pledges:
        term = terms[pledge.term_id]
        for m in memberships:
            if (
                m.term_id == pledge.term_id
                and m.agency_id in heads
                and m.agency_id in pledge.member_ids
                and (pledge.pk, m.agency_id) not in signed
            ):
                out.append(
                    Task(
                        title=_("Ký giao ước thi đua năm %(year)s") % {"year": term.year},
                        detail=f"{term.bloc.name} · {m.agency.name}",
                        url=reverse("campaigns:pledge_detail", args=[term.bloc.code, term.year]),
                    )
                )
    return out


_RUNNING = (Period.Status.OPEN, Period.Status.REVIEWING)


def _scorecards_to_fill(memberships, terms, work):
    periods = [p for p in work.periods if p.term_id in terms and p.status in _RUNNING]
    cards, extensions = work.cards, work.extensions
    out = []
    for period in periods:
        term = terms[period.term_id]
        for m in memberships:
            if m.term_id != period.term_id:
                continue
            card = cards.get((period.pk, m.agency_id))
            if card is not None and card.status != Scorecard.Status.DRAFT:
                continue
            out.append(
                Task(
                    title=_("Tự chấm điểm: %(period)s %(year)s")
                    % {"period": period.get_kind_display(), "year": term.year},
                    detail=f"{term.bloc.name} · {m.agency.name}",
                    # The card itself once opened; until then the periods page, which opens it.
                    url=reverse(
                        "campaigns:scorecard_detail",
                        args=[term.bloc.code, term.year, period.kind, card.pk],
                    )
                    if card is not None
                    else reverse("campaigns:period_list", args=[term.bloc.code, term.year])
                    + f"#period-{period.kind}",
                    due=period.deadline_for(extensions.get((period.pk, m.agency_id), [])),
                )
            )
    return out


def _cross_checks_to_make(memberships, terms, work):
    agencies = {m.agency_id for m in memberships}
    checks = [
        c
        for c in work.checks
        if c.period.term_id in terms and c.reviewer_id in agencies and c.period.status in _RUNNING
    ]
    out = []
    for check in checks:
        card = work.cards.get((check.period_id, check.reviewed_id))
        if card is None or card.status != Scorecard.Status.SUBMITTED:
            continue
        term = terms[check.period.term_id]
        out.append(
            Task(
                title=_("Chấm chéo %(agency)s") % {"agency": check.reviewed.name},
                detail=f"{term.bloc.name} · {check.period.get_kind_display()} {term.year}",
                url=reverse(
                    "campaigns:review_scorecard",
                    args=[term.bloc.code, term.year, check.period.kind, check.reviewed_id],
                ),
                due=check.period.review_deadline,
            )
        )
    return out


# --- The secretariat's work in the years its agency leads --------------------------------------


def led_terms(user, *, mine: Mine | None = None) -> list:
    """The running years whose leader is one of the user's agencies (its secretariat)."""
    if not user.is_authenticated:
        return []
    mine = mine or my_memberships(user)
    terms = {m.term_id: m.term for m in mine.memberships if m.role == Membership.Role.LEADER}
    return sorted(terms.values(), key=lambda t: (vietnamese_sort_key(t.bloc.name), t.year, t.pk))


def secretariat_tasks(terms, *, now=None, work: Work | None = None) -> list[Task]:
    """The pledges to open, cross-checks to assign, cards waiting for agreement and periods past
    their review deadline of ``terms``; five queries whatever their number, fewer with the
    ``work`` of the member's to-do (read for years that include these)."""
    terms = {t.pk: t for t in terms if not t.is_closed}
    if not terms:
        return []
    now = now or timezone.now()
    work = work or Work(terms)
    tasks = _pledges_to_open(terms, work) + _periods_to_run(terms, now, work)
    return _soonest_first(tasks)


def _pledges_to_open(terms, work):
    opened = {
        p.term_id for p in work.pledges if p.term_id in terms and p.status != Pledge.Status.DRAFT
    }
    return [
        Task(
            title=_("Mở ký giao ước thi đua năm %(year)s") % {"year": term.year},
            detail=term.bloc.name,
            url=reverse("campaigns:pledge_detail", args=[term.bloc.code, term.year]),
        )
        for term_id, term in terms.items()
        if term_id not in opened
    ]


def _periods_to_run(terms, now, work):
    periods = [p for p in work.periods if p.term_id in terms]
    if not periods:
        return []
    members = work.members
    reviewed = {(c.period_id, c.reviewed_id) for c in work.checks}
    waiting = {}
    for card in work.cards.values():
        if card.status in (Scorecard.Status.SUBMITTED, Scorecard.Status.REVIEWED):
            waiting[card.period_id] = waiting.get(card.period_id, 0) + 1
    out = []
    for period in periods:
        term = terms[period.term_id]
        current = members.get(term.pk, set())
        detail = f"{term.bloc.name} · {period.get_kind_display()} {term.year}"
        url = reverse("campaigns:review_home", args=[term.bloc.code, term.year, period.kind])
        unassigned = [a for a in current if (period.pk, a) not in reviewed]
        if len(current) > 1 and unassigned:
            out.append(
                Task(
                    title=_("Phân công chấm chéo: %(n)s đơn vị chưa có đơn vị chấm")
                    % {"n": len(unassigned)},
                    detail=detail,
                    url=url,
                    due=period.self_deadline,
                )
            )
        if period.review_deadline < now:
            out.append(
                Task(
                    title=_("Thống nhất điểm và khóa kỳ: đã quá hạn chấm chéo"),
                    detail=detail,
                    url=url,
                    due=period.review_deadline,
                )
            )
        elif waiting.get(period.pk):
            out.append(
                Task(
                    title=_("Thống nhất điểm: %(n)s phiếu đã nộp đang chờ")
                    % {"n": waiting[period.pk]},
                    detail=detail,
                    url=url,
                    due=period.review_deadline,
                )
            )
    return out
