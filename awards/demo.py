"""Demo awards: the 2025 year-end of both demo blocs, complete, and a 2026 ready for its meeting.

Runs after the campaigns demo (it needs agreed periods) and does nothing where a meeting already
exists. In 2025 each bloc publishes its agreed ranking, the Party bloc answers two appeals (one
upheld, one rejected), the board holds one Party agency for an inspection, and each bloc holds
its year-end meeting: attendance, the quorum, one ballot per award (paper, and one online), one
second round, the election of the 2026 lead, and the confirmed nomination lists. In 2026 the
Party bloc's half-year ranking is provisional with its appeal window open, and the state bloc's
is final, with the half-year meeting planned and its attendance taken, ready to open voting.

Everything goes through the services the pages use. The 2025 years are closed by the blocs demo
(their meetings took place before that): they are reopened for the time the meeting is recorded.
"""

import contextlib
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from awards.models import AwardType, Ballot, QuorumCheck, ReviewMeeting
from awards.selectors import present_agency_ids, ranking_state
from awards.services import appeals, ballots, catalogue, holds, meetings, nominations
from blocs.models import Agency, BlocTerm, Membership
from campaigns.demo import acting_people, secretariat_of, vietnam_time
from campaigns.models import Criterion, Period, ScoreLine, rules_for

CUSTOM_AWARD = {
    "code": "giay-khen-khoi",
    "name": "Giấy khen của Khối thi đua",
    "level": AwardType.Level.BLOC,
    "kind": AwardType.Kind.MERIT,
    "issuer": "Khối trưởng Khối thi đua",
    "order": 50,
}
COMMITTEE = "Nguyễn Thị Lan, Chánh Văn phòng – Tổ trưởng\nTrần Văn Hùng, Chuyên viên – Tổ viên"
ABSENT_REASON = "Đi công tác theo kế hoạch của tỉnh"


@contextlib.contextmanager
def _reopened(term):
    """Record a closed year's meeting as it happened, before the year was closed."""
    status = term.status
    if status != BlocTerm.Status.CLOSED:
        yield term
        return
    BlocTerm.objects.filter(pk=term.pk).update(status=BlocTerm.Status.ACTIVE)
    term.status = BlocTerm.Status.ACTIVE
    try:
        yield term
    finally:
        BlocTerm.objects.filter(pk=term.pk).update(status=status)
        term.status = status


def _period(term, kind):
    return Period.objects.filter(term=term, kind=kind, status=Period.Status.AGREED).first()


def _publish(period, secretariat, *, published, final=True):
    if hasattr(period, "publication"):
        return period.publication
    publication = appeals.publish_ranking(period=period, by=secretariat, now=published)
    if final:
        appeals.finalize_if_due(
            publication=publication,
            by=secretariat,
            now=publication.closes_at + datetime.timedelta(hours=1),
        )
    return publication


def _appeal(publication, agency, heads, *, reason, step):
    """An appeal on the agency's first scored line that can still go up by ``step``."""
    line = (
        ScoreLine.objects.filter(
            scorecard__period=publication.period,
            scorecard__agency=agency,
            criterion__kind=Criterion.Kind.SCORED,
            board_points__isnull=True,
        )
        .select_related("criterion", "scorecard")
        .order_by("criterion__order", "id")
    )
    for candidate in line:
        value = candidate.final_points
        if value is not None and value + step <= candidate.criterion.max_points:
            return appeals.submit_appeal(
                publication=publication,
                agency=agency,
                lines=[(candidate, value + step)],
                reason=reason,
                by=heads[agency.pk],
                now=publication.published_at + datetime.timedelta(days=1),
            )
    return None


def _party_appeals(publication, ranked_ids, heads, secretariat):
    """Two appeals on the 2025 year-end: the lower-ranked one upheld, the other rejected."""
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in=ranked_ids)}
    upheld_agency, rejected_agency = agencies[ranked_ids[-1]], agencies[ranked_ids[-2]]
    first = _appeal(
        publication,
        upheld_agency,
        heads,
        reason=(
            "Đơn vị đã gửi Báo cáo kết quả thực hiện nhiệm vụ quý IV đúng hạn (Công văn số"
            " 412-CV/UBKT ngày 10/12/2025) nhưng chưa được tính điểm."
        ),
        step=Decimal("0.5"),
    )
    second = _appeal(
        publication,
        rejected_agency,
        heads,
        reason="Đề nghị Khối xem xét tính đủ điểm tiêu chí do đơn vị đã triển khai đầy đủ.",
        step=Decimal("1"),
    )
    when = publication.published_at + datetime.timedelta(days=3)
    if first is not None:
        appeals.answer_appeal(
            appeal=first,
            upheld=True,
            answer=(
                "Qua kiểm tra, văn bản được gửi đúng hạn qua hệ thống quản lý văn bản; Khối"
                " chấp nhận và điều chỉnh điểm."
            ),
            by=secretariat,
            now=when,
        )
    if second is not None:
        appeals.answer_appeal(
            appeal=second,
            upheld=False,
            answer=(
                "Minh chứng kèm theo chưa thể hiện kết quả thực hiện; Khối giữ nguyên điểm đã"
                " thống nhất."
            ),
            by=secretariat,
            now=when,
        )
    appeals.finalize_if_due(
        publication=publication,
        by=secretariat,
        now=publication.closes_at + datetime.timedelta(hours=1),
    )


def _attend(meeting, heads, secretariat, *, absent=None):
    names = dict(
        Membership.objects.filter(term=meeting.term, left_on__isnull=True).values_list(
            "agency_id", "agency__name"
        )
    )
    rows = {}
    for agency_id in names:
        user = heads.get(agency_id)
        if agency_id == absent:
            rows[agency_id] = {"present": False, "absence_reason": ABSENT_REASON}
        else:
            rows[agency_id] = {
                "present": True,
                "representative": user.get_full_name() if user else names[agency_id],
                "representative_title": getattr(user, "job_title", "") or "Thủ trưởng đơn vị",
            }
    meetings.record_attendance(meeting=meeting, rows=rows, by=secretariat)


def _paper(ballot, secretariat, votes_for):
    """Count a paper round: one invalid ballot, and the votes ``votes_for`` gives each."""
    ballot.refresh_from_db()
    n = ballot.voters
    # Each valid ballot marks at most ``seats`` candidates.
    room, votes = (n - 1) * ballot.seats, {}
    for i, c in enumerate(ballot.candidates.all()):
        votes[c.agency_id] = max(min(votes_for(i, n), n - 1, room), 0)
        room -= votes[c.agency_id]
    ballots.record_paper_count(
        ballot=ballot, issued=n, returned=n, valid=n - 1, invalid=1, votes=votes, by=secretariat
    )


def _online(ballot, heads, secretariat, choose):
    """Every present agency votes once on its phone; ``choose`` picks its candidates."""
    candidates = list(ballot.candidates.values_list("agency_id", flat=True))
    for i, agency_id in enumerate(sorted(present_agency_ids(ballot.meeting))):
        user = heads.get(agency_id)
        if user is not None:
            ballots.cast_vote(
                ballot=ballot, agency=agency_id, choices=choose(i, candidates), by=user
            )
    ballots.close_ballot(ballot=ballot, by=secretariat)


def _confirm(term, award, secretariat):
    chosen = nominations.build_list(term, award)
    if chosen:
        nominations.confirm_nominations(
            term=term, award_type=award, agency_ids=chosen, by=secretariat
        )


def _run_year_end(term, heads, secretariat, *, absent, online_merit):
    """The 2025 year-end meeting: one ballot per award, a second round, the election, lists."""
    meeting = meetings.save_meeting(
        term=term,
        period_kind=ReviewMeeting.PeriodKind.ANNUAL,
        by=secretariat,
        held_at=vietnam_time(2025, 12, 26, 8, 0),
        place="Hội trường Tỉnh ủy Quảng Trị, số 2 Hùng Vương, phường Đông Hà",
        chair=f"{secretariat.get_full_name()}, Thủ trưởng đơn vị Khối trưởng",
        secretary="Lê Thị Hồng, Chuyên viên Văn phòng",
        ballot_committee=COMMITTEE,
        board_representative="Hoàng Thị Thu Hà, Phó Trưởng ban Thi đua – Khen thưởng tỉnh",
    )
    _attend(meeting, heads, secretariat, absent=absent)
    meetings.open_voting(meeting=meeting, by=secretariat)
    meeting.refresh_from_db()
    if meeting.status != ReviewMeeting.Status.VOTING:
        return meeting
    # An award that requires another's nomination is voted after it.
    for rule in sorted(catalogue.effective_rules(term), key=lambda r: r.requires_id is not None):
        award = rule.award_type
        if rule.requires_id and not nominations.elected(term, rule.requires_id):
            continue
        try:
            ballot = ballots.open_ballot(
                meeting=meeting,
                award_type=award,
                mode=Ballot.Mode.ONLINE
                if online_merit and award.code == catalogue.PROVINCE_MERIT
                else Ballot.Mode.PAPER,
                by=secretariat,
            )
        except ValidationError:
            # An award with no candidate this year has no ballot.
            continue
        if award.code == catalogue.PROVINCE_MERIT:
            # The second place gets too few votes in round 1, so a second round fills its seat.
            if ballot.mode == Ballot.Mode.ONLINE:
                _online(
                    ballot,
                    heads,
                    secretariat,
                    lambda i, cands: cands[:1] + (cands[1:2] if i % 3 == 0 else []),
                )
            else:
                _paper(ballot, secretariat, lambda i, n: n - 2 if i == 0 else (n - 1) // 3)
            ballot.refresh_from_db()
            result = ballots.outcome(ballot)
            if result is not None and result.needs_second_round:
                second = ballots.open_second_round(
                    ballot=ballot, mode=Ballot.Mode.PAPER, by=secretariat
                )
                _paper(second, secretariat, lambda i, n: n - 2 - i)
        else:
            _paper(ballot, secretariat, lambda i, n: max(n - 2 - 2 * i, 0))
        _confirm(term, award, secretariat)
    election = getattr(term, "election", None)
    following = BlocTerm.objects.filter(bloc=term.bloc, year=term.year + 1).first()
    leader = election.leader if election else (following.leader if following else None)
    deputy = election.deputy if election else (following.deputy if following else None)
    voters = len(present_agency_ids(meeting))
    if leader and deputy:
        meetings.record_meeting_election(
            meeting=meeting,
            by=secretariat,
            leader=leader,
            deputy=deputy,
            leader_votes=voters - 1,
            deputy_votes=voters - 2,
            minutes_number=election.minutes_number if election else "",
        )
    meetings.close_meeting(meeting=meeting, by=secretariat)
    _date_meeting(meeting)
    return meeting


def _date_meeting(meeting):
    """Date the meeting's checks and rounds on its day, not when the demo ran."""
    start = meeting.held_at
    QuorumCheck.objects.filter(meeting=meeting).update(
        checked_at=start + datetime.timedelta(minutes=20)
    )
    for i, ballot in enumerate(Ballot.objects.filter(meeting=meeting).order_by("pk")):
        opened = start + datetime.timedelta(minutes=30 + 20 * i)
        Ballot.objects.filter(pk=ballot.pk).update(
            opened_at=opened, closed_at=opened + datetime.timedelta(minutes=15)
        )
    ReviewMeeting.objects.filter(pk=meeting.pk).update(
        opened_at=start + datetime.timedelta(minutes=20),
        closed_at=start + datetime.timedelta(hours=3, minutes=30),
    )


def _seed_2025(term, board, admin, *, with_appeals, with_hold):
    heads = acting_people(term)
    secretariat = secretariat_of(term, heads, admin)
    period = _period(term, Period.Kind.ANNUAL)
    if period is None:
        return
    with _reopened(term):
        catalogue.materialise_rules(term=term, by=secretariat)
        if not AwardType.objects.filter(council=term.bloc.council, code=CUSTOM_AWARD["code"]):
            catalogue.add_award_type(term=term, by=board, **CUSTOM_AWARD)
        published = vietnam_time(2025, 12, 15, 9, 0)
        publication = _publish(period, secretariat, published=published, final=not with_appeals)
        ranked = [r.agency_id for r in ranking_state(period).rows]
        if with_hold and len(ranked) > 2:
            holds.record_hold(
                agency=Agency.objects.get(pk=ranked[1]),
                reason="inspection",
                details=(
                    "Thanh tra tỉnh đang thanh tra việc quản lý, sử dụng ngân sách năm 2024"
                    " (Quyết định số 88/QĐ-TTr ngày 20/11/2025)."
                ),
                starts_on=datetime.date(2025, 11, 20),
                until=datetime.date(2026, 2, 28),
                legal_note="Nghị định số 152/2025/NĐ-CP, Điều 4",
                by=board,
            )
        if with_appeals:
            _party_appeals(publication, ranked, heads, secretariat)
        absent = ranked[-1] if ranked else None
        _run_year_end(term, heads, secretariat, absent=absent, online_merit=with_appeals)


def _seed_2026(term, admin, *, final):
    """The half-year ranking: provisional with its window open, or final with a meeting ready."""
    heads = acting_people(term)
    secretariat = secretariat_of(term, heads, admin)
    period = _period(term, Period.Kind.SEMIANNUAL)
    if period is None or hasattr(period, "publication"):
        return
    now = timezone.now()
    if not final:
        appeals.publish_ranking(period=period, by=secretariat, now=now)
        return
    days = rules_for(term).appeal_days
    _publish(period, secretariat, published=now - datetime.timedelta(days=days + 1))
    meeting = meetings.save_meeting(
        term=term,
        period_kind=ReviewMeeting.PeriodKind.SEMIANNUAL,
        by=secretariat,
        held_at=now + datetime.timedelta(days=7),
        place="Hội trường Sở Tài chính tỉnh Quảng Trị",
        chair=f"{secretariat.get_full_name()}, Thủ trưởng đơn vị Khối trưởng",
        secretary="Phan Thị Thu, Chuyên viên",
        ballot_committee=COMMITTEE,
        board_representative="Hoàng Thị Thu Hà, Phó Trưởng ban Thi đua – Khen thưởng tỉnh",
    )
    _attend(meeting, heads, secretariat)


def _women_shares(council):
    """Two agencies with at least 70 % women (Nghị định 152/2025/NĐ-CP, Điều 4 preference)."""
    for abbreviation, share in (("BDVTU", "72.5"), ("STP", "71")):
        Agency.objects.filter(council=council, abbreviation=abbreviation).update(
            women_share=Decimal(share)
        )


@transaction.atomic
def seed(objects: dict) -> None:
    """Create this part's demo data (idempotent); nothing without agreed periods."""
    admin = objects["admin"]
    board = objects.get("board") or admin
    council = objects["council"]
    catalogue.ensure_award_types(council=council)
    _women_shares(council)
    for bloc, is_party in ((objects["party_bloc"], True), (objects["state_bloc"], False)):
        terms = {t.year: t for t in BlocTerm.objects.filter(bloc=bloc, year__in=[2025, 2026])}
        last = terms.get(2025)
        if last is not None and not ReviewMeeting.objects.filter(term=last).exists():
            _seed_2025(last, board, admin, with_appeals=is_party, with_hold=is_party)
        current = terms.get(2026)
        if current is not None:
            _seed_2026(current, admin, final=not is_party)
