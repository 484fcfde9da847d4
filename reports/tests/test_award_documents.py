"""The year-end award proposal's papers: the submission letter and each nominee's achievement
report (submission_letter, achievement_report)."""

import re
import subprocess
from decimal import Decimal

import pdfplumber
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards.models import AwardRule, AwardType, Nomination, NominationList, QuorumCheck
from awards.services import ballots, catalogue, nominations
from awards.tests.test_ballot_setup import build_meeting_world, set_rule
from blocs.models import Agency
from campaigns.selectors import load_period
from campaigns.services.points import points_label
from reports import services
from reports.kinds import KINDS
from reports.kinds.award_documents import legal_basis_lines
from reports.models import Document

pytestmark = pytest.mark.django_db

YEAR_BASES = (
    "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;\n"
    "Căn cứ Quy chế hoạt động của Khối thi đua năm 2026."
)
LAW = "Luật Thi đua, khen thưởng số 06/2022/QH15"


@pytest.fixture
def world(council):
    """Twelve members, eleven present; agency i ranked i + 1; merit for 20 % (two seats)."""
    world = build_meeting_world(council)
    set_rule(world, catalogue.PROVINCE_MERIT, max_share=Decimal("0.2"), min_band="tot")
    world.term.legal_bases = YEAR_BASES
    world.term.save(update_fields=["legal_bases"])
    QuorumCheck.objects.create(
        meeting=world.meeting, present=11, members=12, quorum=world.term.quorum, met=True
    )
    return world


def elect(world, code, votes):
    """A closed paper round for ``code`` with ``votes`` for its candidates in ballot order."""
    ballot = ballots.open_ballot(
        meeting=world.meeting, award_type=world.award(code), mode="paper", by=world.secretariat
    )
    ids = list(ballot.candidates.order_by("position").values_list("agency_id", flat=True))
    ballots.record_paper_count(
        ballot=ballot,
        issued=11,
        returned=11,
        valid=11,
        invalid=0,
        votes=dict(zip(ids, [*votes, *[0] * (len(ids) - len(votes))], strict=True)),
        by=world.secretariat,
    )
    return ballot


def confirm(world, code):
    return nominations.confirm_nominations(
        term=world.term, award_type=world.award(code), by=world.secretariat
    )


@pytest.fixture
def elected(world):
    elect(world, catalogue.PROVINCE_FLAG, [10])
    elect(world, catalogue.PROVINCE_MERIT, [9, 8])
    return world


@pytest.fixture
def confirmed(elected):
    confirm(elected, catalogue.PROVINCE_FLAG)
    confirm(elected, catalogue.PROVINCE_MERIT)
    return elected


def make(world, kind, params=None, by=None):
    document = services.request_document(
        term=world.term, kind=kind, params=params, by=by or world.secretariat
    ).document
    services.render_document(document.pk, force=True)
    document.refresh_from_db()
    assert document.status == Document.Status.READY, document.error
    return document


def pdf_text(document, *, layout=False) -> str:
    return subprocess.run(
        ["pdftotext", *(["-layout"] if layout else []), document.file.path, "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def flat(text: str) -> str:
    return " ".join(text.split())


def header(document) -> str:
    """The header block in reading order (the two columns one after the other)."""
    return flat(pdf_text(document, layout=False).split("BÁO CÁO THÀNH TÍCH")[0])


def number_line(document, agency) -> str:
    """The line of the header that holds the number, as laid out on the page."""
    lines = pdf_text(document, layout=True).splitlines()
    return next(line for line in lines if agency.abbreviation in line and "BC" in line)


def table_rows(document) -> list[list[str]]:
    """Every row of every table in the PDF, cells with their lines joined."""
    rows = []
    with pdfplumber.open(document.file.path) as pdf:
        for page in pdf.pages:
            for table in page.extract_tables():
                rows.extend([flat(cell or "") for cell in row] for row in table)
    return rows


def report_params(agency, code):
    return {"agency": agency.pk, "award": code}


# Legal bases ----------------------------------------------------------------------------------


def test_legal_bases_join_articles_of_one_law_and_skip_what_the_year_already_names():
    lines = legal_basis_lines(
        [
            "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
            "Căn cứ Nghị định số 152/2025/NĐ-CP của Chính phủ quy định chi tiết;",
            "Căn cứ Quy chế hoạt động của Khối thi đua năm 2026.",
        ],
        [
            f"{LAW}, Điều 72; Nghị định số 152/2025/NĐ-CP",
            f"{LAW}, Điều 26; Nghị định số 152/2025/NĐ-CP",
            "Quy định của Ban Thường vụ Tỉnh ủy về thi đua",
            "",
        ],
    )

    assert lines == [
        "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
        f"Căn cứ Điều 26 và Điều 72 {LAW};",
        "Căn cứ Nghị định số 152/2025/NĐ-CP của Chính phủ quy định chi tiết;",
        "Căn cứ Quy định của Ban Thường vụ Tỉnh ủy về thi đua;",
        "Căn cứ Quy chế hoạt động của Khối thi đua năm 2026.",
    ]


def test_legal_bases_end_with_a_full_stop_even_without_the_years_own():
    assert legal_basis_lines([], ["Nghị định số 152/2025/NĐ-CP; Nghị định số 152/2025/NĐ-CP"]) == [
        "Căn cứ Nghị định số 152/2025/NĐ-CP."
    ]


# Tờ trình ------------------------------------------------------------------------------------


def test_the_letter_is_a_draft_before_the_lists_are_confirmed_and_numbered_after(elected):
    draft = make(elected, "submission_letter")

    assert draft.provisional and draft.number is None
    text = pdf_text(draft)
    assert "DỰ THẢO" in text and "KHỐI TRƯỞNG" not in text

    confirm(elected, catalogue.PROVINCE_FLAG)
    still_draft = services.request_document(term=elected.term, kind="submission_letter").document
    assert still_draft.provisional

    confirm(elected, catalogue.PROVINCE_MERIT)
    final = make(elected, "submission_letter")

    assert not final.provisional and final.number == 1
    text = flat(pdf_text(final))
    assert "DỰ THẢO" not in text
    assert "Số: 01/TTr-" in text
    assert "TỜ TRÌNH" in text
    assert "Về việc đề nghị khen thưởng phong trào thi đua năm 2026" in text
    assert (
        "Kính gửi: Hội đồng Thi đua – Khen thưởng tỉnh Quảng Trị"
        " (qua Ban Thi đua – Khen thưởng, Sở Nội vụ)" in text
    )
    assert "Nơi nhận: - Như trên;" in text and f"Lưu: VT, {elected.bloc.doc_abbreviation}." in text
    assert "TM. KHỐI THI ĐUA" in text and "Thủ trưởng B" in text
    for attached in (
        "Biên bản họp bình xét",
        "Biên bản kiểm phiếu",
        "Báo cáo kết quả chấm điểm, xếp hạng",
        "Báo cáo tổng kết",
        "Báo cáo thành tích của từng đơn vị được đề nghị khen thưởng (3 báo cáo)",
    ):
        assert attached in text


def test_the_letters_nominee_rows_are_the_ranking_and_the_votes(confirmed):
    document = make(confirmed, "submission_letter")

    ranked = {r.agency_id: r for r in load_period(confirmed.period).ranked}
    expected = []
    for code in (catalogue.PROVINCE_FLAG, catalogue.PROVINCE_MERIT):
        for n in Nomination.objects.filter(
            nomination_list__term=confirmed.term, nomination_list__award_type__code=code
        ).order_by("position"):
            r = ranked[n.agency_id]
            share = f"{Decimal(n.votes * 100) / 11:.1f}".replace(".", ",") + "%"
            expected.append(
                [
                    str(n.position),
                    n.agency.name,
                    str(r.rank),
                    points_label(r.row.total),
                    r.band.label,
                    f"{n.votes}/11",
                    share,
                ]
            )
    rows = [row for row in table_rows(document) if row and row[0].isdigit()]
    assert rows == expected
    assert [row[5] for row in rows] == ["10/11", "9/11", "8/11"]


def test_the_letter_states_the_meeting_and_the_quorum(confirmed):
    text = flat(pdf_text(make(confirmed, "submission_letter")))

    assert "Hội trường tỉnh" in text
    assert "Có mặt 11/12 đơn vị thành viên" in text
    assert "đủ điều kiện tiến hành bình xét" in text


def test_the_letter_prints_the_years_bases_and_each_proposed_awards(confirmed):
    lines = [line.strip() for line in pdf_text(make(confirmed, "submission_letter")).splitlines()]
    text = flat(" ".join(lines))

    assert "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;" in text
    assert f"Căn cứ Điều 26 và Điều 72 {LAW};" in text
    assert "Căn cứ Nghị định số 152/2025/NĐ-CP;" in text
    assert "Căn cứ Quy chế hoạt động của Khối thi đua năm 2026." in text
    # The Government flag was not voted this year: its article is not a basis of this letter.
    assert "Điều 25" not in text


def test_a_bloc_level_award_is_not_proposed_upward(confirmed):
    award = AwardType.objects.create(
        council=confirmed.council,
        code="giay-khen-khoi",
        name="Giấy khen của Khối thi đua",
        level=AwardType.Level.BLOC,
        kind=AwardType.Kind.MERIT,
        order=50,
    )
    AwardRule.objects.create(term=confirmed.term, award_type=award)
    bloc_list = NominationList.objects.create(
        term=confirmed.term, award_type=award, status=NominationList.Status.CONFIRMED
    )
    Nomination.objects.create(nomination_list=bloc_list, agency=confirmed.c, position=1)

    text = pdf_text(make(confirmed, "submission_letter"))

    assert "Giấy khen của Khối thi đua" not in text
    assert all(p["award"] != award.code for p, _label in _variants(confirmed))


def test_the_letter_reads_a_constant_number_of_queries_whatever_the_nominees(world):
    elect(world, catalogue.PROVINCE_FLAG, [10])
    confirm(world, catalogue.PROVINCE_FLAG)
    document = services.request_document(term=world.term, kind="submission_letter").document
    kind = KINDS["submission_letter"]
    document = Document.objects.get(pk=document.pk)

    with CaptureQueriesContext(connection) as one:
        context = kind.build_context(document)
    assert sum(len(p["rows"]) for p in context["proposals"]) == 1

    elect(world, catalogue.PROVINCE_MERIT, [9, 8])
    confirm(world, catalogue.PROVINCE_MERIT)
    document = Document.objects.get(pk=document.pk)
    with CaptureQueriesContext(connection) as three:
        context = kind.build_context(document)
    assert sum(len(p["rows"]) for p in context["proposals"]) == 3

    assert len(three) == len(one)


@pytest.mark.parametrize(
    "persona, draft, issued",
    [
        ("board", 200, 200),
        ("secretariat", 200, 200),
        ("member_head", 404, 200),
        ("outsider", 404, 404),
    ],
)
def test_members_read_the_letter_once_it_is_issued(client, elected, persona, draft, issued):
    first = make(elected, "submission_letter")
    confirm(elected, catalogue.PROVINCE_FLAG)
    confirm(elected, catalogue.PROVINCE_MERIT)
    second = make(elected, "submission_letter")
    client.force_login(elected.personas[persona])

    for document, status in ((first, draft), (second, issued)):
        url = reverse("reports:document_detail", args=[document.pk])
        assert client.get(url).status_code == status


# Báo cáo thành tích --------------------------------------------------------------------------


def _variants(world):
    return KINDS["achievement_report"].variants(world.term)


def test_one_report_per_nominee_of_each_confirmed_list(elected):
    assert _variants(elected) == []

    confirm(elected, catalogue.PROVINCE_MERIT)

    merit = catalogue.PROVINCE_MERIT
    assert _variants(elected) == [
        (report_params(elected.a, merit), f"{elected.a.name} – {elected.award(merit).name}"),
        (report_params(elected.b, merit), f"{elected.b.name} – {elected.award(merit).name}"),
    ]

    confirm(elected, catalogue.PROVINCE_FLAG)

    params = [p for p, _label in _variants(elected)]
    assert params == [
        report_params(elected.a, catalogue.PROVINCE_FLAG),
        report_params(elected.a, merit),
        report_params(elected.b, merit),
    ]
    for p in params:
        document = services.request_document(term=elected.term, kind="achievement_report", params=p)
        assert not document.document.provisional


def test_a_report_is_a_draft_until_its_list_is_confirmed(elected):
    params = report_params(elected.a, catalogue.PROVINCE_MERIT)

    draft = make(elected, "achievement_report", params)

    assert draft.provisional and "DỰ THẢO" in pdf_text(draft)
    confirm(elected, catalogue.PROVINCE_MERIT)
    final = make(elected, "achievement_report", params)
    assert not final.provisional and final.number is not None
    assert "THỦ TRƯỞNG ĐƠN VỊ" in pdf_text(final)


def test_the_report_is_issued_by_the_agency_in_its_own_state_layout(confirmed):
    b = confirmed.b
    Agency.objects.filter(pk=b.pk).update(parent_body="Ủy ban nhân dân tỉnh Thử")

    document = make(confirmed, "achievement_report", report_params(b, catalogue.PROVINCE_MERIT))

    assert document.layout == "state"
    header_text = header(document)
    assert "ỦY BAN NHÂN DÂN TỈNH THỬ" in header_text
    assert b.name.upper() in header_text
    assert confirmed.bloc.name.upper() not in header_text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header_text
    # The agency numbers it from its own register: the number is left blank, with its code.
    assert re.search(rf"Số:\s+/BC-{b.abbreviation}\b", number_line(document, b))
    assert f"/BC-{confirmed.bloc.doc_abbreviation}" not in header_text


def test_a_party_agencys_report_follows_the_party_layout(confirmed):
    a = confirmed.a
    Agency.objects.filter(pk=a.pk).update(kind=Agency.Kind.PARTY, parent_body="Tỉnh ủy Thử")

    document = make(confirmed, "achievement_report", report_params(a, catalogue.PROVINCE_FLAG))

    assert document.layout == "party"
    header_text = header(document)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in header_text and "CỘNG HÒA" not in header_text
    assert "TỈNH ỦY THỬ" in header_text and "*" in header_text
    assert re.search(rf"Số\s+-BC/{a.abbreviation}\b", number_line(document, a))
    # The bloc's own documents keep the bloc's layout.
    letter = services.request_document(term=confirmed.term, kind="submission_letter").document
    assert letter.layout == "state"


def test_the_report_shows_the_agencys_scores_rank_and_award_outline(confirmed):
    a = confirmed.a
    document = make(confirmed, "achievement_report", report_params(a, catalogue.PROVINCE_FLAG))

    text = flat(pdf_text(document))
    ranked = {r.agency_id: r for r in load_period(confirmed.period).ranked}[a.pk]
    assert f"Tên tập thể đề nghị: {a.name}" in text
    assert "Đề nghị tặng Cờ thi đua của Ủy ban nhân dân tỉnh" in text
    assert f"đạt {points_label(ranked.row.total)} điểm, xếp thứ {ranked.rank}/12 đơn vị" in text
    assert "I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH" in text
    assert "II. THÀNH TÍCH ĐẠT ĐƯỢC" in text
    assert "III. CÁC HÌNH THỨC KHEN THƯỞNG ĐÃ ĐƯỢC GHI NHẬN" in text
    # The flag's outline asks whether the agency led the bloc's movement.
    assert "dẫn đầu phong trào thi đua của Khối" in text
    assert "với 10/11 phiếu (90,9%)" in text
    assert "Các hình thức khen thưởng đơn vị đã được tặng (năm, hình thức" in text
    assert "XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG" in text
    assert f"Lưu: VT, {a.abbreviation}." in text
    history = [row for row in table_rows(document) if row and row[0] == "2026"]
    assert history == [
        ["2026", confirmed.bloc.name, "1/12", points_label(ranked.row.total), ranked.band.label]
    ]


def test_the_title_report_asks_for_recognition(confirmed):
    elect(confirmed, catalogue.EXCELLENT_COLLECTIVE, [10, 9, 8])
    confirm(confirmed, catalogue.EXCELLENT_COLLECTIVE)
    a = confirmed.a

    text = flat(
        pdf_text(
            make(confirmed, "achievement_report", report_params(a, catalogue.EXCELLENT_COLLECTIVE))
        )
    )

    assert "Đề nghị công nhận danh hiệu Tập thể lao động xuất sắc" in text
    assert "Chiến sĩ thi đua cơ sở" in text


def test_a_report_without_an_agency_fails_with_a_clear_message(confirmed):
    document = services.request_document(term=confirmed.term, kind="submission_letter").document
    document.kind = "achievement_report"
    document.save(update_fields=["kind"])

    services.render_document(document.pk)
    document.refresh_from_db()

    assert document.status == Document.Status.FAILED
    assert "cần chọn đơn vị và hình thức khen thưởng" in document.error


@pytest.mark.parametrize(
    "persona, status",
    [
        ("last_year_leader", 200),  # head of A, the nominee
        ("member_head", 404),  # head of D, another member
        ("secretariat", 200),
        ("board", 200),
        ("outsider", 404),
    ],
)
def test_the_nominee_the_secretariat_and_the_board_read_the_report(
    client, confirmed, persona, status
):
    document = make(
        confirmed, "achievement_report", report_params(confirmed.a, catalogue.PROVINCE_MERIT)
    )
    client.force_login(confirmed.personas[persona])

    url = reverse("reports:document_detail", args=[document.pk])
    assert client.get(url).status_code == status
