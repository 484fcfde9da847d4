"""The minutes of the review meeting (review_minutes) and of its vote count (vote_count_minutes)."""

import datetime
import re
import subprocess
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards import rules as award_rules
from awards.models import Ballot, EligibilityHold, QuorumCheck, ReviewMeeting
from awards.services import ballots, catalogue, meetings
from awards.tests.test_ballot_setup import build_meeting_world
from blocs.models import Bloc, LeadershipElection
from reports import services
from reports.kinds import get_kind
from reports.models import Document

pytestmark = pytest.mark.django_db

HELD_AT = datetime.datetime(2026, 12, 15, 8, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))
COMMITTEE = "Nguyễn Thị Lan, Chánh Văn phòng – Tổ trưởng\nTrần Văn Hùng, Chuyên viên – Tổ viên"
ABSENT_REASON = "Đi công tác theo kế hoạch của tỉnh"
HOLD_DETAILS = "Thanh tra tỉnh đang thanh tra việc quản lý ngân sách năm 2025"


def pdf_text(document, *, layout=False) -> str:
    args = ["pdftotext", *(["-layout"] if layout else []), document.file.path, "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def flat(document) -> str:
    """The document's words in reading order on one line: sentences wrap anywhere."""
    return " ".join(pdf_text(document).split())


def render(term, kind, *, by=None, period="annual") -> Document:
    document = services.request_document(
        term=term, kind=kind, by=by, params={"period": period}
    ).document
    services.render_document(document.pk)
    document.refresh_from_db()
    assert document.status == Document.Status.READY, document.error
    return document


def build_voted_meeting(council, *, members=10):
    """A year-end meeting voted through the services, still open: 9 of 10 present, the last
    absent with a reason, the second-ranked agency held, a paper flag ballot and an online
    merit ballot closed, and next year's lead elected."""
    w = build_meeting_world(council, members=members)
    term, sec = w.term, w.secretariat
    meeting = meetings.save_meeting(
        term=term,
        period_kind="annual",
        by=sec,
        held_at=HELD_AT,
        place="Hội trường Tỉnh ủy",
        chair="Trần Văn Chủ, Thủ trưởng đơn vị Khối trưởng",
        secretary="Lê Thị Hồng, Chuyên viên Văn phòng",
        ballot_committee=COMMITTEE,
        board_representative="Hoàng Thị Thu Hà, Phó Trưởng ban Thi đua – Khen thưởng tỉnh",
    )
    rows = {
        a.pk: {"present": True, "representative": f"Đại biểu {i}", "representative_title": "Phó"}
        for i, a in enumerate(w.agencies[:-1])
    }
    rows[w.agencies[-1].pk] = {"present": False, "absence_reason": ABSENT_REASON}
    meetings.record_attendance(meeting=meeting, rows=rows, by=sec)
    EligibilityHold.objects.create(
        agency=w.agencies[1],
        reason=EligibilityHold.Reason.INSPECTION,
        details=HOLD_DETAILS,
        starts_on=datetime.date(2026, 11, 1),
    )
    # The shared world opens voting without a check: take the meeting back to the quorum check.
    ReviewMeeting.objects.filter(pk=meeting.pk).update(status=ReviewMeeting.Status.PLANNED)
    check = meetings.open_voting(
        meeting=meeting, by=sec, now=HELD_AT + datetime.timedelta(minutes=20)
    )
    assert check.met
    meeting.refresh_from_db()
    flag = ballots.open_ballot(
        meeting=meeting, award_type=w.award(catalogue.PROVINCE_FLAG), mode="paper", by=sec
    )
    ballots.record_paper_count(
        ballot=flag,
        issued=9,
        returned=9,
        valid=8,
        invalid=1,
        votes={w.agencies[0].pk: 7},
        by=sec,
    )
    merit = ballots.open_ballot(
        meeting=meeting, award_type=w.award(catalogue.PROVINCE_MERIT), mode="online", by=sec
    )
    candidates = list(merit.candidates.order_by("position").values_list("agency_id", flat=True))
    for i, agency in enumerate(w.agencies[:-1]):
        # One blank (invalid) ballot; everyone else chooses the first, three also the second.
        choices = [] if i == 8 else candidates[:1] + (candidates[1:2] if i < 3 else [])
        ballots.cast_vote(ballot=merit, agency=agency, choices=choices, by=sec)
    ballots.close_ballot(ballot=merit, by=sec)
    meetings.record_meeting_election(
        meeting=meeting,
        by=sec,
        leader=w.agencies[2],
        deputy=w.agencies[3],
        leader_votes=8,
        deputy_votes=6,
    )
    w.meeting = meeting
    w.flag, w.merit = flag, merit
    return w


def close(w):
    meetings.close_meeting(
        meeting=w.meeting, by=w.secretariat, now=HELD_AT + datetime.timedelta(hours=3, minutes=30)
    )
    w.meeting.refresh_from_db()


@pytest.fixture
def voted(council):
    return build_voted_meeting(council)


@pytest.fixture
def closed(voted):
    close(voted)
    return voted


def candidate_rows(ballot):
    """(name, votes, share as printed, outcome label) of each candidate, from the database."""
    ballot.refresh_from_db()
    base = ballots.threshold(ballot)["base"]
    rows = []
    for c in ballot.candidates.select_related("agency").order_by("position"):
        share = f"{round(c.votes * 100 / base, 1):g}".replace(".", ",")
        rows.append((c.agency.name, c.votes, share, str(award_rules.OUTCOME_LABELS[c.outcome])))
    return rows


def counts_line(ballot) -> str:
    return (
        f"số phiếu phát ra: {ballot.issued}; số phiếu thu về: {ballot.returned}, trong đó "
        f"số phiếu hợp lệ: {ballot.valid}, số phiếu không hợp lệ: {ballot.invalid}."
    )


def assert_candidates_printed(document, ballot):
    table = pdf_text(document, layout=True)
    for name, votes, share, outcome in candidate_rows(ballot):
        assert re.search(
            rf"{re.escape(name)}\s+{votes}\s+{share}%\s+{re.escape(outcome)}", table
        ), (
            name,
            votes,
            share,
            outcome,
        )


def test_the_minutes_record_attendance_quorum_counts_holds_and_the_election(closed):
    w = closed
    document = render(w.term, "review_minutes", by=w.secretariat)
    text = flat(document)
    assert not document.provisional and document.number == 1
    assert "BIÊN BẢN" in text and "Số: 01/BB-" in text
    assert "Hội nghị bình xét, suy tôn thi đua năm 2026" in text
    assert "Quảng Trị, ngày 15 tháng 12 năm 2026" in text
    assert "Vào hồi 08 giờ 00 phút, ngày 15 tháng 12 năm 2026, tại Hội trường Tỉnh ủy" in text
    assert "Chủ trì hội nghị: Trần Văn Chủ, Thủ trưởng đơn vị Khối trưởng" in text
    assert "Thư ký hội nghị: Lê Thị Hồng" in text
    assert "Đại diện Ban Thi đua - Khen thưởng tỉnh: Hoàng Thị Thu Hà" in text
    # Attendance: who came, by whom; who did not, and why.
    assert "Đại biểu 0, Phó" in text
    assert f"Vắng ({ABSENT_REASON})" in text
    check = QuorumCheck.objects.get(meeting=w.meeting)
    assert (check.present, check.members) == (9, 10)
    assert "số thành viên có mặt: 9/10 đơn vị, đạt tỷ lệ 2/3 theo quy định" in text
    assert "cần ít nhất 7 đơn vị" in text
    # The ranking the meeting worked from, and the held agency "chưa xét" with its reason.
    for agency in w.agencies:
        assert agency.name in text
    assert f"{w.agencies[1].name}: chưa xét khen thưởng. Lý do: Đang thanh tra, kiểm tra" in text
    assert HOLD_DETAILS in text
    # The ballot committee.
    assert "Nguyễn Thị Lan, Chánh Văn phòng – Tổ trưởng" in text
    # Each round: counts and votes as stored, the threshold applied, the elected.
    for ballot in (w.flag, w.merit):
        ballot.refresh_from_db()
        assert counts_line(ballot) in text.lower()
        assert_candidates_printed(document, ballot)
        t = ballots.threshold(ballot)
        assert (
            f"Đơn vị trúng cử phải đạt trên {t['share']} số thành viên có mặt ({t['base']}), "
            f"tức ít nhất {t['needed']} phiếu"
        ) in text
    assert (w.merit.issued, w.merit.returned, w.merit.valid, w.merit.invalid) == (9, 9, 8, 1)
    assert "Bỏ phiếu trực tuyến: số phiếu do hệ thống tính khi kết thúc lượt bỏ phiếu" in text
    merit_rule = w.rule(catalogue.PROVINCE_MERIT)
    assert f"Số lượng tối đa theo quy định năm 2026: {merit_rule.quota(10)}." in text
    assert f"Đơn vị trúng cử: {w.agencies[0].name}." in text
    # Next year's lead, as the term records it.
    election = LeadershipElection.objects.get(term=w.term)
    assert f"Bầu Khối trưởng, Khối phó năm {w.term.year + 1}" in text
    assert f"Khối trưởng: {election.leader.name}, đạt 8/9 phiếu (88,9%)" in text
    assert f"Khối phó: {election.deputy.name}, đạt 6/9 phiếu (66,7%)" in text
    assert "Hội nghị kết thúc vào hồi 11 giờ 30 phút cùng ngày" in text
    # Signed by the secretary and the chair; the recipients end with the bloc's file copy.
    assert "THƯ KÝ" in text and "CHỦ TỌA" in text
    assert "Lê Thị Hồng" in text and "Trần Văn Chủ" in text
    assert (
        f"Nơi nhận: - Ban Thi đua - Khen thưởng tỉnh; - Các đơn vị thành viên Khối; - Lưu: VT, {w.bloc.doc_abbreviation}."
        in text
    )


def test_the_vote_count_minutes_print_the_counts_alone_signed_by_the_committee(closed):
    w = closed
    document = render(w.term, "vote_count_minutes", by=w.secretariat)
    text = flat(document)
    assert (
        "BIÊN BẢN" in text and "Kiểm phiếu tại hội nghị bình xét, suy tôn thi đua năm 2026" in text
    )
    assert "Số: 01/BB-" in text
    for ballot in (w.flag, w.merit):
        ballot.refresh_from_db()
        assert counts_line(ballot) in text.lower()
        assert_candidates_printed(document, ballot)
        assert f"Số suất: {ballot.seats}; số đơn vị có mặt được phát phiếu: {ballot.voters}" in text
    assert "Hình thức: Phiếu giấy, kiểm tại hội nghị" in text
    assert "Hình thức: Bỏ phiếu trực tuyến" in text
    assert "không lưu đơn vị nào bầu cho ai" in text
    assert "TỔ KIỂM PHIẾU" in text and "TỔ TRƯỞNG" in text and "TỔ VIÊN" in text
    assert "Nguyễn Thị Lan" in text and "Trần Văn Hùng" in text
    # The count alone: no ranking, no election, no chair's signature.
    assert "Khối trưởng:" not in text and "CHỦ TỌA" not in text


def test_minutes_of_an_open_meeting_are_a_draft_and_official_once_it_closes(voted):
    w = voted
    for kind in ("review_minutes", "vote_count_minutes"):
        draft = render(w.term, kind)
        assert draft.provisional and draft.number is None
        text = flat(draft)
        assert "DỰ THẢO" in text and "/BB-" in text and "Số: 01/BB" not in text
        assert "THƯ KÝ" not in text and "TỔ TRƯỞNG" not in text
    assert "Hội nghị chưa kết thúc." in flat(render(w.term, "review_minutes"))
    close(w)
    official = render(w.term, "review_minutes")
    assert not official.provisional and official.number == 1
    text = flat(official)
    assert "DỰ THẢO" not in text and "Số: 01/BB-" in text and "CHỦ TỌA" in text
    assert render(w.term, "vote_count_minutes").number == 2


def test_an_open_round_shows_no_count(council):
    w = build_meeting_world(council, members=6)
    ballot = ballots.open_ballot(
        meeting=w.meeting,
        award_type=w.award(catalogue.PROVINCE_MERIT),
        mode="online",
        by=w.secretariat,
    )
    candidate = ballot.candidates.first().agency
    ballots.cast_vote(ballot=ballot, agency=w.agencies[0], choices=[candidate.pk], by=w.secretariat)
    for kind in ("review_minutes", "vote_count_minutes"):
        text = flat(render(w.term, kind))
        assert "Lượt bỏ phiếu chưa kết thúc" in text
        assert "số phiếu thu về" not in text


@pytest.mark.parametrize(
    "persona, before, after",
    [
        ("secretariat", 200, 200),
        ("board", 200, 200),
        ("member_head", 404, 200),
        ("member_officer", 404, 200),
        ("outsider", 404, 404),
    ],
)
def test_members_read_the_minutes_once_issued(client, voted, persona, before, after):
    w = voted
    draft = render(w.term, "review_minutes")
    client.force_login(w.personas[persona])
    assert client.get(reverse("reports:document_detail", args=[draft.pk])).status_code == before
    close(w)
    official = render(w.term, "review_minutes")
    assert client.get(reverse("reports:document_detail", args=[official.pk])).status_code == after
    response = client.get(reverse("reports:document_download", args=[official.pk]))
    response.close()
    assert response.status_code == after


@pytest.mark.parametrize(
    "layout, number, header, chair",
    [
        ("state", "Số: 01/BB-", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CHỦ TỌA"),
        ("party", "Số 01-BB/", "ĐẢNG CỘNG SẢN VIỆT NAM", "CHỦ TRÌ"),
    ],
)
def test_the_minutes_take_the_blocs_layout(closed, layout, number, header, chair):
    w = closed
    Bloc.objects.filter(pk=w.bloc.pk).update(document_profile=layout)
    w.term.refresh_from_db()
    w.term.bloc.refresh_from_db()
    document = render(w.term, "review_minutes")
    assert document.layout == layout
    text = flat(document)
    assert number in text and header in text and chair in text
    other = "ĐẢNG CỘNG SẢN VIỆT NAM" if layout == "state" else "CỘNG HÒA XÃ HỘI CHỦ NGHĨA"
    assert other not in text


def test_one_document_per_meeting_with_its_period(closed):
    w = closed
    kind = get_kind("review_minutes")
    assert kind.variants(w.term) == [
        ({"period": "annual"}, "Hội nghị bình xét, suy tôn thi đua năm 2026")
    ]
    assert kind.title(w.term, {"period": "annual"}) == (
        "Biên bản hội nghị bình xét, suy tôn thi đua năm 2026"
    )
    # Without a period the year-end meeting is meant; a period without a meeting fails clearly.
    assert render(w.term, "vote_count_minutes", period="").params == {"period": ""}
    document = services.request_document(
        term=w.term, kind="review_minutes", params={"period": "semiannual"}
    ).document
    services.render_document(document.pk)
    document.refresh_from_db()
    assert document.status == Document.Status.FAILED
    assert "chưa có hội nghị bình xét kỳ Sơ kết 6 tháng" in document.error


def test_building_the_minutes_reads_a_fixed_number_of_queries(voted):
    w = voted
    kinds = [get_kind("review_minutes"), get_kind("vote_count_minutes")]
    document = services.request_document(
        term=w.term, kind="review_minutes", params={"period": "annual"}
    ).document

    def queries():
        with CaptureQueriesContext(connection) as captured:
            for kind in kinds:
                kind.build_context(document)
        return len(captured)

    before = queries()
    # Another closed round with more candidates adds no query.
    extra = ballots.open_ballot(
        meeting=w.meeting,
        award_type=w.award(catalogue.EXCELLENT_COLLECTIVE),
        mode="paper",
        by=w.secretariat,
    )
    votes = {c.agency_id: 1 for c in extra.candidates.all()}
    ballots.record_paper_count(
        ballot=extra, issued=9, returned=9, valid=9, invalid=0, votes=votes, by=w.secretariat
    )
    assert Ballot.objects.filter(meeting=w.meeting).count() == 3
    assert extra.candidates.count() > 2
    assert queries() == before
