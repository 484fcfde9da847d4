"""Who the campaigns app tells what, through the one notifications service.

Each function takes the rows an event changed and calls ``blocs.services.notifications.notify``
with the people concerned; the texts live in ``campaigns.notices``. Deadline reminders are sent
7 days and 1 day before each deadline, once per deadline, window and person (the key says so).
"""

import datetime

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from blocs.models import Agency, Membership
from blocs.services.notifications import Message, notify, notify_all, people_by_agency, people_of
from campaigns import notices
from campaigns.models import CrossCheck, DeadlineExtension, Period, Pledge, Scorecard

# How long before a deadline each reminder goes out (Asia/Ho_Chi_Minh deadlines, aware times).
REMINDER_WINDOWS = (datetime.timedelta(days=7), datetime.timedelta(days=1))


def _term_params(term, **more) -> dict:
    return {"bloc": term.bloc.name, "year": term.year, **more}


def _period_params(period: Period, **more) -> dict:
    return _term_params(period.term, period_kind=period.kind, **more)


def _members(term) -> dict[int, str]:
    """The term's current members, agency id to name."""
    return dict(
        Membership.objects.filter(term=term, left_on__isnull=True).values_list(
            "agency_id", "agency__name"
        )
    )


def _names(agency_ids) -> dict[int, str]:
    return dict(Agency.objects.filter(pk__in=list(agency_ids)).values_list("pk", "name"))


def pledge_event(*, pledge: Pledge, agency_ids, kind: str, note: str = "", key: str = "") -> int:
    """Tell the heads of ``agency_ids`` that the pledge was opened, voided, or is still unsigned."""
    term = pledge.term
    url = reverse("campaigns:pledge_detail", args=[term.bloc.code, term.year])
    names = _names(agency_ids)
    return notify_all(
        Message(
            heads,
            kind,
            _term_params(
                term,
                title=pledge.title,
                version=pledge.version,
                note=note,
                agency=names.get(agency_id, ""),
            ),
            url,
            key,
        )
        for agency_id, heads in people_by_agency(agency_ids, heads_only=True).items()
    )


def criteria_changed(*, table) -> int:
    """Tell every head and officer of the current members that a new version is in force."""
    term = table.term
    agencies = _members(term)
    return notify(
        recipients=people_of(agencies),
        kind=notices.CRITERIA_CHANGED,
        params=_term_params(term, version=table.version, note=table.change_note or "—"),
        url=reverse("campaigns:criteria_detail", args=[term.bloc.code, term.year, table.version]),
    )


def period_opened(*, period: Period) -> int:
    """Tell the members' people that a scoring period is open, with its self-score deadline."""
    term = period.term
    members = _members(term)
    return notify_all(
        Message(
            people,
            notices.PERIOD_OPENED,
            _period_params(
                period, agency=members[agency_id], deadline=period.self_deadline.isoformat()
            ),
            _periods_url(period),
            f"period-opened:{period.pk}",
        )
        for agency_id, people in people_by_agency(members).items()
    )


def _card_url(card: Scorecard) -> str:
    term = card.period.term
    return reverse(
        "campaigns:scorecard_detail", args=[term.bloc.code, term.year, card.period.kind, card.pk]
    )


def _periods_url(period: Period) -> str:
    """The periods page, where an agency opens (or finds) its card for the period."""
    return reverse("campaigns:period_list", args=[period.term.bloc.code, period.term.year])


def _review_url(period: Period, agency_id: int) -> str:
    term = period.term
    return reverse(
        "campaigns:review_scorecard", args=[term.bloc.code, term.year, period.kind, agency_id]
    )


def crosschecks_assigned(*, period: Period, checks) -> int:
    """Tell each reviewer agency's people which cards it cross-checks."""
    checks = list(checks)
    names = _names({c.reviewer_id for c in checks} | {c.reviewed_id for c in checks})
    people = people_by_agency({c.reviewer_id for c in checks})
    return notify_all(
        Message(
            people.get(check.reviewer_id, []),
            notices.CROSSCHECK_ASSIGNED,
            _period_params(
                period,
                reviewer=names.get(check.reviewer_id, ""),
                agency=names.get(check.reviewed_id, ""),
                deadline=period.review_deadline.isoformat(),
            ),
            _review_url(period, check.reviewed_id),
            f"crosscheck:{period.pk}:{check.reviewer_id}:{check.reviewed_id}",
        )
        for check in checks
    )


def explanation_asked(*, scorecard: Scorecard) -> int:
    """Ask the reviewed agency, once per period, to explain where the cross-check differs."""
    differs = scorecard.lines.filter(review_points__isnull=False).exclude(
        review_points=F("self_points")
    )
    if not differs.exists():
        return 0
    period = scorecard.period
    return notify(
        recipients=people_of([scorecard.agency_id]),
        kind=notices.EXPLANATION_ASKED,
        params=_period_params(period, agency=scorecard.agency.name),
        url=_card_url(scorecard),
        key=f"explain:{period.pk}:{scorecard.agency_id}",
    )


def period_agreed(*, period: Period, reopened_reason: str | None = None) -> int:
    """Tell every member's people that the period was agreed, or reopened (with the reason)."""
    term = period.term
    agencies = _members(term)
    kind = notices.PERIOD_AGREED if reopened_reason is None else notices.PERIOD_REOPENED
    return notify(
        recipients=people_of(agencies),
        kind=kind,
        params=_period_params(period, reason=reopened_reason or ""),
        url=reverse("campaigns:ranking", args=[term.bloc.code, term.year, period.kind]),
    )


def board_adjusted(*, line, old, new, reason: str) -> int:
    """Tell the leader's head and the agency's head that the board changed a line."""
    from campaigns.services.points import history_value

    card = line.scorecard
    period = card.period
    term = period.term
    leader = term.leader
    agencies = {card.agency_id} | ({leader.pk} if leader else set())
    return notify(
        recipients=people_of(agencies, heads_only=True),
        kind=notices.BOARD_ADJUSTED,
        params=_period_params(
            period,
            agency=card.agency.name,
            criterion=line.criterion.code,
            # Plain digits: each reader sees them in their own language (notices.prepare).
            old=history_value(old),
            new=history_value(new),
            reason=reason,
        ),
        url=_card_url(card),
    )


def _window(deadline, now) -> int | None:
    """The reminder window (7 or 1, in days) ``now`` falls in before ``deadline``, if any."""
    left = deadline - now
    if left <= datetime.timedelta(0):
        return None
    for window in sorted(REMINDER_WINDOWS):
        if left <= window:
            return window.days
    return None


def send_deadline_reminders(*, now=None) -> int:
    """Remind, 7 days and 1 day before, the agencies that have not submitted or cross-checked.

    Safe to run as often as wanted: each reminder's key names the deadline, the window and the
    agency, so a person gets each one once; a moved deadline gets its own reminders.
    """
    now = now or timezone.now()
    horizon = now + max(REMINDER_WINDOWS)
    periods = list(
        Period.objects.filter(
            status__in=[Period.Status.OPEN, Period.Status.REVIEWING],
            term__status__in=["planning", "active"],
        )
        .filter(Q(self_deadline__gt=now) | Q(review_deadline__gt=now))
        .select_related("term__bloc")
    )
    if not periods:
        return 0
    members = {}
    for m in Membership.objects.filter(
        term__in={p.term_id for p in periods}, left_on__isnull=True
    ).select_related("agency"):
        members.setdefault(m.term_id, {})[m.agency_id] = m.agency.name
    submitted = set(
        Scorecard.objects.filter(period__in=periods)
        .exclude(status=Scorecard.Status.DRAFT)
        .values_list("period_id", "agency_id")
    )
    extensions = {}
    for e in DeadlineExtension.objects.filter(period__in=periods):
        extensions.setdefault((e.period_id, e.agency_id), []).append(e)
    # Cards submitted with lines still without review points, counted per reviewer agency.
    waiting = set(
        Scorecard.objects.filter(period__in=periods, status=Scorecard.Status.SUBMITTED)
        .filter(lines__review_points__isnull=True)
        .values_list("period_id", "agency_id")
        .distinct()
    )
    open_reviews: dict[tuple, int] = {}
    for period_id, reviewer_id, reviewed_id in CrossCheck.objects.filter(
        period__in=periods
    ).values_list("period_id", "reviewer_id", "reviewed_id"):
        if (period_id, reviewed_id) in waiting:
            open_reviews[(period_id, reviewer_id)] = (
                open_reviews.get((period_id, reviewer_id), 0) + 1
            )
    wanted = []
    for period in periods:
        names = members.get(period.term_id, {})
        for agency_id, name in names.items():
            if period.status == Period.Status.OPEN and (period.pk, agency_id) not in submitted:
                deadline = period.deadline_for(extensions.get((period.pk, agency_id), []))
                window = _window(deadline, now) if deadline <= horizon else None
                if window:
                    wanted.append(
                        (notices.DEADLINE_SELF, period, agency_id, name, deadline, window, 0)
                    )
            count = open_reviews.get((period.pk, agency_id), 0)
            if count:
                window = _window(period.review_deadline, now)
                if window:
                    wanted.append(
                        (
                            notices.DEADLINE_REVIEW,
                            period,
                            agency_id,
                            name,
                            period.review_deadline,
                            window,
                            count,
                        )
                    )
    people = people_by_agency({w[2] for w in wanted})
    # One batch for the whole run: a constant number of queries however many agencies are late.
    return notify_all(
        Message(
            people.get(agency_id, []),
            kind,
            _period_params(
                period,
                agency=name,
                deadline=deadline.isoformat(),
                days_left=window,
                count=count,
            ),
            _periods_url(period)
            if kind == notices.DEADLINE_SELF
            else reverse(
                "campaigns:review_home",
                args=[period.term.bloc.code, period.term.year, period.kind],
            ),
            f"{kind}:{period.pk}:{agency_id}:{deadline.isoformat()}:{window}d",
        )
        for kind, period, agency_id, name, deadline, window, count in wanted
    )
