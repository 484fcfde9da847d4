"""Writes of the review meeting: its details, the attendance, the quorum, closing, the election.

The quorum is the term's (``BlocTerm.quorum``, edited on the rules page): the one home of it. A
failed quorum check is kept: ``open_voting`` commits the check and returns it, and the caller
shows the refusal from it, so that the record of a meeting that could not vote is never lost.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards import rules as award_rules
from awards.models import Attendance, Ballot, QuorumCheck, ReviewMeeting
from awards.selectors import RankingState, member_ids
from awards.services.catalogue import materialise_rules
from blocs.history import record_by
from blocs.models import Agency, BlocTerm, LeadershipElection
from blocs.services.leadership import record_election
from campaigns.models import Period

__all__ = [
    "close_meeting",
    "open_voting",
    "quorum_refusal",
    "record_attendance",
    "record_meeting_election",
    "save_meeting",
]

DETAIL_FIELDS = (
    "held_at",
    "place",
    "chair",
    "secretary",
    "ballot_committee",
    "board_representative",
)


def _refuse_if_closed(meeting: ReviewMeeting) -> None:
    if meeting.status == ReviewMeeting.Status.CLOSED:
        raise ValidationError(_("Hội nghị đã kết thúc: không sửa được nữa."))


def _ensure_attendance(meeting: ReviewMeeting, by) -> None:
    """One attendance row per current member (one that joined later too), absent until recorded
    otherwise."""
    have = set(Attendance.objects.filter(meeting=meeting).values_list("agency_id", flat=True))
    for pk in member_ids(meeting.term):
        if pk not in have:
            row = Attendance(meeting=meeting, agency_id=pk)
            row.full_clean()
            record_by(row, by).save()


@transaction.atomic
def save_meeting(
    *,
    term: BlocTerm,
    period_kind: str,
    by,
    held_at,
    place: str,
    chair: str,
    secretary: str = "",
    ballot_committee: str = "",
    board_representative: str = "",
) -> ReviewMeeting:
    """Create or change the meeting of ``term``'s period; a new one lists every member absent."""
    meeting = (
        ReviewMeeting.objects.select_for_update().filter(term=term, period_kind=period_kind).first()
    )
    created = meeting is None
    if created:
        meeting = ReviewMeeting(term=term, period_kind=period_kind, created_by=by)
    else:
        _refuse_if_closed(meeting)
    values = {
        "held_at": held_at,
        "place": place,
        "chair": chair,
        "secretary": secretary,
        "ballot_committee": ballot_committee,
        "board_representative": board_representative,
    }
    for name, value in values.items():
        setattr(meeting, name, value.strip() if isinstance(value, str) else value)
    meeting.full_clean()
    if created:
        record_by(meeting, by).save()
    else:
        record_by(meeting, by).save(update_fields=list(DETAIL_FIELDS))
    _ensure_attendance(meeting, by)
    return meeting


def attendance_errors(*, names: dict, rows: dict) -> dict:
    """The problems of typed attendance rows, by agency id: "<agency>: …" messages."""
    errors = {}
    for agency_id, row in rows.items():
        if agency_id not in names:
            errors[agency_id] = _("Đơn vị số %(id)s không phải là thành viên của khối.") % {
                "id": agency_id
            }
        elif row.get("present") and not (row.get("representative") or "").strip():
            errors[agency_id] = _("%(agency)s: có mặt thì phải ghi người dự.") % {
                "agency": names[agency_id]
            }
    return errors


@transaction.atomic
def record_attendance(*, meeting: ReviewMeeting, rows: dict, by) -> list[Attendance]:
    """Record who attended, all or nothing; agencies not in ``rows`` keep what they had.

    Attendance may still be corrected while voting (someone arrives late); the quorum check and
    each ballot keep the count as it was when they opened.
    """
    meeting = ReviewMeeting.objects.select_for_update().get(pk=meeting.pk)
    _refuse_if_closed(meeting)
    members = member_ids(meeting.term)
    names = dict(Agency.objects.filter(pk__in=members).values_list("pk", "name"))
    errors = attendance_errors(names=names, rows=rows)
    if errors:
        raise ValidationError([errors[pk] for pk in rows if pk in errors])
    _ensure_attendance(meeting, by)
    existing = {
        a.agency_id: a for a in Attendance.objects.filter(meeting=meeting, agency_id__in=list(rows))
    }
    saved = []
    for agency_id, row in rows.items():
        attendance = existing[agency_id]
        attendance.present = bool(row.get("present"))
        attendance.representative = (row.get("representative") or "").strip()
        attendance.representative_title = (row.get("representative_title") or "").strip()
        # A reason of absence means nothing for an agency that came.
        reason = (row.get("absence_reason") or "").strip()
        attendance.absence_reason = "" if attendance.present else reason
        attendance.full_clean()
        record_by(attendance, by).save()
        saved.append(attendance)
    return saved


def ranking_state(*, term, kind: str) -> RankingState | None:
    """The publication state of the ranking of ``term``'s period of ``kind`` (a term or its id),
    or None while the term has no such period (1 query)."""
    period = Period.objects.filter(term=term, kind=kind).select_related("publication").first()
    if period is None:
        return None
    return RankingState(period=period, data=None, publication=getattr(period, "publication", None))


def ranking_is_final(meeting: ReviewMeeting) -> bool:
    """Whether the ranking of the meeting's period is agreed and published as final."""
    ranking = ranking_state(term=meeting.term_id, kind=meeting.period_kind)
    return bool(ranking and ranking.is_final)


def quorum_refusal(check: QuorumCheck) -> str:
    """Why voting could not open, with the numbers."""
    return _(
        "Có mặt %(present)s/%(members)s thành viên, chưa đủ %(quorum)s (cần ít nhất %(needed)s): "
        "chưa thể bỏ phiếu."
    ) % {
        "present": check.present,
        "members": check.members,
        "quorum": award_rules.share_label(check.quorum),
        "needed": award_rules.quorum_needed(members=check.members, quorum=check.quorum),
    }


@transaction.atomic
def open_voting(*, meeting: ReviewMeeting, by, now=None) -> QuorumCheck:
    """Check the quorum and, when it is met, open the voting; return the check either way.

    A failed check is saved and returned, not raised, so that it is committed with the refusal:
    the caller tells the user ``quorum_refusal(check)``. Refusals that record nothing (a closed
    or already voting meeting, a ranking not yet final) raise ``ValidationError``.
    """
    meeting = ReviewMeeting.objects.select_for_update().select_related("term").get(pk=meeting.pk)
    _refuse_if_closed(meeting)
    if meeting.status == ReviewMeeting.Status.VOTING:
        raise ValidationError(_("Hội nghị đã mở bỏ phiếu."))
    if not ranking_is_final(meeting):
        raise ValidationError(_("Kết quả xếp hạng chưa chính thức: chưa thể bỏ phiếu."))
    members = member_ids(meeting.term)
    present = present_count(meeting, members)
    quorum = meeting.term.quorum
    met = award_rules.quorum_met(present=present, members=len(members), quorum=quorum)
    check = QuorumCheck(
        meeting=meeting,
        present=present,
        members=len(members),
        quorum=quorum,
        met=met,
        checked_by=by,
    )
    check.full_clean()
    check.save()
    if met:
        # The year's award rules freeze with the vote: they become the term's own rows now.
        materialise_rules(term=meeting.term, by=by)
        meeting.status = ReviewMeeting.Status.VOTING
        meeting.opened_at = now or timezone.now()
        meeting.full_clean()
        record_by(meeting, by).save(update_fields=["status", "opened_at"])
    return check


@transaction.atomic
def close_meeting(*, meeting: ReviewMeeting, by, now=None) -> ReviewMeeting:
    """End the meeting; not while a ballot is still open."""
    meeting = ReviewMeeting.objects.select_for_update().get(pk=meeting.pk)
    _refuse_if_closed(meeting)
    if Ballot.objects.filter(meeting=meeting, status=Ballot.Status.OPEN).exists():
        raise ValidationError(
            _(
                "Còn lượt bỏ phiếu đang mở: hãy kết thúc các lượt bỏ phiếu trước khi kết thúc hội nghị."
            )
        )
    meeting.status = ReviewMeeting.Status.CLOSED
    meeting.closed_at = now or timezone.now()
    meeting.full_clean()
    record_by(meeting, by).save(update_fields=["status", "closed_at"])
    return meeting


def present_count(meeting: ReviewMeeting, members=None) -> int:
    """How many current members (``members``, their ids, when already read) are present."""
    if members is None:
        members = member_ids(meeting.term)
    return Attendance.objects.filter(meeting=meeting, present=True, agency_id__in=members).count()


@transaction.atomic
def record_meeting_election(
    *,
    meeting: ReviewMeeting,
    by,
    leader: Agency,
    deputy: Agency,
    leader_votes: int,
    deputy_votes: int,
    minutes_number: str = "",
) -> LeadershipElection:
    """Record at the year-end meeting the vote for next year's lead, as the term's election.

    The term's ``LeadershipElection`` is the one record of it (``blocs.services.leadership``), so
    the meeting and the bloc pages never disagree; the members present are its voters.
    """
    meeting = ReviewMeeting.objects.select_for_update().select_related("term").get(pk=meeting.pk)
    _refuse_if_closed(meeting)
    if meeting.period_kind != ReviewMeeting.PeriodKind.ANNUAL:
        raise ValidationError(_("Chỉ hội nghị tổng kết năm bầu khối trưởng, khối phó năm sau."))
    if meeting.status != ReviewMeeting.Status.VOTING:
        raise ValidationError(_("Hội nghị chưa mở bỏ phiếu: chưa thể ghi kết quả bầu."))
    voters = present_count(meeting)
    errors = {}
    for name, votes in (("leader_votes", leader_votes), ("deputy_votes", deputy_votes)):
        if votes > voters:
            errors[name] = _("Số phiếu không thể lớn hơn số đơn vị có mặt (%(n)s).") % {"n": voters}
    if errors:
        raise ValidationError(errors)
    day = timezone.localdate(meeting.held_at)
    number = (minutes_number or "").strip()
    return record_election(
        term=meeting.term,
        by=by,
        held_on=day,
        leader=leader,
        deputy=deputy,
        voters=voters,
        leader_votes=leader_votes,
        deputy_votes=deputy_votes,
        # The meeting's minutes carry the vote: their number when given, dated the meeting's day.
        minutes_number=number or None,
        minutes_date=day if number else None,
    )
