"""Biên bản of the review meeting (hội nghị bình xét, suy tôn) and its vote count (kiểm phiếu).

Both are read from the meeting's own records (attendance, quorum checks, ballots, the term's
election) through the awards rules and services, so that the minutes say exactly what the
meeting pages said. A ballot shows its counts only once closed (``awards.access.sees_counts``),
and only counts: nothing stored links an agency to its choice, and the minutes invent no such
link. Minutes of a meeting not yet closed are a draft (DỰ THẢO, no number).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from awards import rules as award_rules
from awards import selectors
from awards.access import sees_counts
from awards.models import Attendance, AwardRule, Ballot, BallotCandidate, ReviewMeeting
from awards.services import ballots as ballot_services
from blocs.models import LeadershipElection
from reports.kinds.base import DocumentKind, register

ELECTED_OUTCOMES = (award_rules.ELECTED, award_rules.WOMEN_PREFERRED)
TENTH = Decimal("0.1")


def _meetings(term):
    return ReviewMeeting.objects.filter(term=term).select_related("term__bloc__council")


def meeting_for(term, params) -> ReviewMeeting | None:
    """The meeting of ``params["period"]``; without one, the year-end meeting, else the half-year."""
    kind = (params or {}).get("period")
    meetings = _meetings(term)
    if kind:
        return meetings.filter(period_kind=kind).first()
    # "annual" sorts before "semiannual": the year-end meeting is the one asked for by default.
    return meetings.order_by("period_kind", "id").first()


def _subject(kind, year) -> str:
    if kind == ReviewMeeting.PeriodKind.SEMIANNUAL:
        return gettext("Hội nghị sơ kết 6 tháng đầu năm %(year)s, bình xét, suy tôn thi đua") % {
            "year": year
        }
    return gettext("Hội nghị bình xét, suy tôn thi đua năm %(year)s") % {"year": year}


def _variants(term):
    """One document per meeting of the year: the half-year one and the year-end one."""
    return [
        ({"period": meeting.period_kind}, _subject(meeting.period_kind, term.year))
        for meeting in _meetings(term).order_by("-period_kind", "id")
    ]


def _review_title(term, params):
    meeting = meeting_for(term, params)
    kind = meeting.period_kind if meeting else (params or {}).get("period")
    return gettext("Biên bản %(subject)s") % {"subject": _lower_first(_subject(kind, term.year))}


def _count_title(term, params):
    meeting = meeting_for(term, params)
    kind = meeting.period_kind if meeting else (params or {}).get("period")
    return gettext("Biên bản kiểm phiếu tại %(subject)s") % {
        "subject": _lower_first(_subject(kind, term.year))
    }


def _issued_on(term, params):
    """The minutes are dated the day of the meeting they record."""
    meeting = meeting_for(term, params)
    return timezone.localdate(meeting.held_at) if meeting and meeting.held_at else None


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _is_provisional(term, params) -> bool:
    """The minutes are final once the meeting has ended; before that they are a draft."""
    meeting = meeting_for(term, params)
    return meeting is None or meeting.status != ReviewMeeting.Status.CLOSED


def _can_read(access, document) -> bool:
    """The secretariat and the board read the minutes at any time; members once issued."""
    if access.oversees:
        return True
    return not document.provisional


def _clock(moment) -> dict:
    """The parts of a time as minutes write it: "08 giờ 20 phút, ngày 26 tháng 12 năm 2025"."""
    if moment is None:
        return {}
    local = timezone.localtime(moment)
    return {
        "hour": f"{local.hour:02d}",
        "minute": f"{local.minute:02d}",
        "day": f"{local.day:02d}",
        # Nghị định 30/2020, Phụ lục I: months 1 and 2 are padded, the others are not.
        "month": f"{local.month:02d}" if local.month <= 2 else str(local.month),
        "year": local.year,
        "date": local.date(),
    }


def _person(line: str) -> dict:
    """ "Họ tên, chức vụ" as typed on the meeting page: the name before the first comma."""
    name, _sep, title = line.partition(",")
    return {"line": line, "name": name.strip(), "title": title.strip()}


def _committee(meeting) -> dict:
    """The ballot committee: its head (the line that says so, else the first) and its members."""
    people = [_person(line) for line in meeting.committee_members]
    head = next((p for p in people if "tổ trưởng" in p["line"].lower()), None)
    if head is None and people:
        head = people[0]
    return {"people": people, "head": head, "members": [p for p in people if p is not head]}


def _share(votes, base) -> str:
    return award_rules.vote_share_label(votes, base)


@dataclass
class Round:
    ballot: Ballot
    shown: bool
    threshold: dict | None
    candidates: list = field(default_factory=list)
    elected: list = field(default_factory=list)
    closed: dict = field(default_factory=dict)

    @property
    def online(self) -> bool:
        return self.ballot.mode == Ballot.Mode.ONLINE

    @property
    def threshold_text(self) -> str:
        """The threshold that applied, from ``awards.services.ballots.threshold``."""
        t = self.threshold
        if t is None:
            return ""
        values = {
            "share": t["share"],
            "base_label": t["rule"].get_vote_base_display(),
            "base": t["base"],
            "needed": t["needed"],
        }
        if t["strict"]:
            text = gettext(
                "Đơn vị trúng cử phải đạt trên %(share)s %(base_label)s (%(base)s), tức ít nhất"
                " %(needed)s phiếu."
            )
        else:
            text = gettext(
                "Đơn vị trúng cử phải đạt từ %(share)s %(base_label)s (%(base)s) trở lên, tức ít"
                " nhất %(needed)s phiếu."
            )
        return text % values


@dataclass
class Award:
    award_type: object
    rule: AwardRule | None
    quota: int | None
    rounds: list = field(default_factory=list)

    @property
    def elected(self) -> list:
        return [name for r in self.rounds for name in r.elected]


def _names(attendance, day) -> dict:
    """Each member's name on the meeting's day (renames keep the name it then bore)."""
    return {a.agency_id: a.agency.name_on(day) for a in attendance}


def _awards(meeting, names) -> tuple[list, int]:
    """The ballots grouped by award, in the order of the meeting (4 queries, whatever the size)."""
    term = meeting.term
    candidates = BallotCandidate.objects.select_related("agency").order_by("position", "id")
    ballots = list(
        Ballot.objects.filter(meeting=meeting)
        .select_related("award_type")
        .prefetch_related(Prefetch("candidates", queryset=candidates))
    )
    rules = {
        r.award_type_id: r
        for r in AwardRule.objects.filter(term=term).select_related("award_type", "requires")
    }
    members = ballot_services.member_count(term)
    awards: dict[int, Award] = {}
    for ballot in ballots:
        rule = rules.get(ballot.award_type_id)
        award = awards.get(ballot.award_type_id)
        if award is None:
            award = awards[ballot.award_type_id] = Award(
                award_type=ballot.award_type,
                rule=rule,
                quota=rule.quota(members) if rule else None,
            )
        threshold = ballot_services.threshold(ballot, rule, members) if rule else None
        shown = sees_counts(ballot)
        one = Round(
            ballot=ballot, shown=shown, threshold=threshold, closed=_clock(ballot.closed_at)
        )
        base = threshold["base"] if threshold else ballot.voters
        for c in ballot.candidates.all():
            name = names.get(c.agency_id, c.agency.name)
            row = {"name": name, "rank": c.rank, "position": c.position}
            if shown:
                row.update(
                    votes=c.votes,
                    share=_share(c.votes, base),
                    outcome=award_rules.OUTCOME_LABELS.get(c.outcome, ""),
                    elected=c.outcome in ELECTED_OUTCOMES,
                )
                if row["elected"]:
                    one.elected.append(name)
            one.candidates.append(row)
        award.rounds.append(one)
    return list(awards.values()), members


def _quorum_checks(meeting) -> list:
    checks = list(meeting.quorum_checks.order_by("checked_at", "id"))
    for check in checks:
        check.needed = award_rules.quorum_needed(members=check.members, quorum=check.quorum)
        check.quorum_label = award_rules.share_label(check.quorum)
        check.clock = _clock(check.checked_at)
    return checks


def _ranking(meeting, names) -> dict:
    """The ranking the meeting worked from, with the holds in force on its day."""
    period = ballot_services.meeting_period(meeting)
    if period is None:
        holds = selectors.holds_on(list(names), selectors.eligibility_day(meeting))
        return {"period": None, "rows": [], "unsubmitted": [], "holds": _hold_rows(holds, names)}
    state = selectors.ranking_state(period, meeting=meeting)
    names = {
        **{r.agency_id: r.row.name for r in state.rows},
        **{a.id: a.name for a in state.data.unsubmitted},
        **names,
    }
    rows = [
        {
            "rank": r.rank,
            "name": names.get(r.agency_id, r.row.name),
            "total": r.row.total,
            "band": r.band.label if r.band else "",
            "held": r.agency_id in state.holds,
        }
        for r in state.rows
    ]
    order = [r.agency_id for r in state.rows] + [a.id for a in state.data.unsubmitted]
    held = {i: state.holds[i] for i in order if i in state.holds}
    return {
        "period": period,
        "state": state.state,
        "final": state.is_final,
        "rows": rows,
        "unsubmitted": [names.get(a.id, a.name) for a in state.data.unsubmitted],
        "holds": _hold_rows(held, names),
    }


def _hold_rows(holds: dict, names: dict) -> list:
    # The minutes end the sentence themselves.
    return [{"name": names.get(i, ""), "summary": h.summary.rstrip(". ")} for i, h in holds.items()]


def _election(meeting):
    """Next year's leader and deputy, as recorded for the term (year-end meetings only)."""
    if meeting.period_kind != ReviewMeeting.PeriodKind.ANNUAL:
        return None
    election = (
        LeadershipElection.objects.filter(term_id=meeting.term_id)
        .select_related("leader", "deputy")
        .first()
    )
    if election is None:
        return None
    day = timezone.localdate(meeting.held_at)
    return {
        "election": election,
        "year": meeting.term.year + 1,
        "leader_share": _share(election.leader_votes, election.voters),
        "deputy_share": _share(election.deputy_votes, election.voters),
        "other_day": election.held_on if election.held_on != day else None,
    }


def _ending(meeting) -> str:
    """The closing line of the minutes (Nghị định 30/2020, Phụ lục III, form 1.9)."""
    if meeting.closed_at is None:
        return gettext("Hội nghị chưa kết thúc.")
    ended = _clock(meeting.closed_at)
    if ended["date"] == timezone.localdate(meeting.held_at):
        return (
            gettext("Hội nghị kết thúc vào hồi %(hour)s giờ %(minute)s phút cùng ngày./.") % ended
        )
    return (
        gettext(
            "Hội nghị kết thúc vào hồi %(hour)s giờ %(minute)s phút, ngày %(day)s tháng %(month)s"
            " năm %(year)s./."
        )
        % ended
    )


def _meeting_or_fail(document) -> ReviewMeeting:
    meeting = meeting_for(document.term, document.params)
    if meeting is None:
        kind = document.params.get("period") or ReviewMeeting.PeriodKind.ANNUAL
        raise LookupError(
            gettext("Năm %(year)s chưa có hội nghị bình xét kỳ %(period)s.")
            % {"year": document.term.year, "period": ReviewMeeting.PeriodKind(kind).label}
        )
    return meeting


def _common(document, meeting) -> dict:
    """What both minutes print: the meeting, its date line, attendance and ballots."""
    from reports.services import vietnamese_date

    term = document.term
    day = timezone.localdate(meeting.held_at)
    attendance = list(
        Attendance.objects.filter(meeting=meeting)
        .select_related("agency")
        .prefetch_related("agency__name_changes")
        .order_by("agency__sort_key", "id")
    )
    names = _names(attendance, day)
    awards, members = _awards(meeting, names)
    rounds = [r for award in awards for r in award.rounds]
    present = [a for a in attendance if a.present]
    return {
        "meeting": meeting,
        "subject": _subject(meeting.period_kind, term.year),
        "closed": meeting.status == ReviewMeeting.Status.CLOSED,
        # Minutes are dated the day of the meeting they record.
        "place_date": f"{term.bloc.council.province}, {vietnamese_date(day)}",
        "started": _clock(meeting.held_at),
        "voting_opened": _clock(meeting.opened_at),
        "ending": _ending(meeting),
        "attendance": [
            {"row": a, "name": names.get(a.agency_id, a.agency.name)} for a in attendance
        ],
        "present_count": len(present),
        "attendance_count": len(attendance),
        "member_count": members,
        "checks": _quorum_checks(meeting),
        "committee": _committee(meeting),
        "awards": awards,
        "rounds": rounds,
        "any_online": any(r.online for r in rounds),
        "chair": _person(meeting.chair),
        "secretary": _person(meeting.secretary) if meeting.secretary else None,
    }


def _review_context(document):
    meeting = _meeting_or_fail(document)
    context = _common(document, meeting)
    names = {a["row"].agency_id: a["name"] for a in context["attendance"]}
    context["ranking"] = _ranking(meeting, names)
    context["election"] = _election(meeting)
    context["annual"] = meeting.period_kind == ReviewMeeting.PeriodKind.ANNUAL
    return context


def _count_context(document):
    meeting = _meeting_or_fail(document)
    context = _common(document, meeting)
    # The committee signs side by side, two or three to a row.
    per_row = max(2, min(3, len(context["committee"]["people"])))
    # The count records the rounds in the order they were counted.
    counted = sorted(
        context["rounds"],
        key=lambda r: (r.ballot.closed_at is None, r.ballot.closed_at or 0, r.ballot.pk),
    )
    last = next((r.ballot.closed_at for r in reversed(counted) if r.ballot.closed_at), None)
    context.update(
        rounds=counted,
        count_started=context["voting_opened"] or context["started"],
        count_ended=_clock(last),
        cells_per_row=per_row,
        cell_width=100 // per_row,
        secrecy_note=gettext(
            "Phiếu bầu được giữ bí mật: biên bản chỉ ghi số phiếu, không ghi đơn vị nào bầu cho ai."
        ),
    )
    return context


register(
    DocumentKind(
        slug="review_minutes",
        label=_("Biên bản hội nghị bình xét, suy tôn"),
        type_code="BB",
        template="reports/pdf/review_minutes.html",
        build_context=_review_context,
        title=_review_title,
        can_read=_can_read,
        is_provisional=_is_provisional,
        variants=_variants,
        issued_on=_issued_on,
    )
)

register(
    DocumentKind(
        slug="vote_count_minutes",
        label=_("Biên bản kiểm phiếu"),
        type_code="BB",
        template="reports/pdf/vote_count_minutes.html",
        build_context=_count_context,
        title=_count_title,
        can_read=_can_read,
        is_provisional=_is_provisional,
        variants=_variants,
        issued_on=_issued_on,
    )
)
