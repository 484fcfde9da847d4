"""Members' own half-year and year-end reports: writing, sending, the overview, reminders,
quotations, files and who may see what."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from blocs.models import AgencyRole, BlocTerm, BoardOfficer, Notification
from campaigns.models import DEADLINE_ZONE
from reports import contributions, notices
from reports.models import MemberReport, MemberReportFile, ReviewReport
from tests import factories
from tests.factories import PERSONAS
from tests.urlnames import url_names_of

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
KIND = "semiannual"


def pdf(name="bao-cao.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def mine_url(term, kind=KIND, agency=None):
    url = reverse("reports:member_report", args=[term.bloc.code, term.year, kind])
    return f"{url}?agency={agency.pk}" if agency else url


def overview_url(term, kind=KIND):
    return reverse("reports:member_reports", args=[term.bloc.code, term.year, kind])


def at(day, hour=9):
    """A moment in Vietnam time."""
    return datetime.datetime.combine(day, datetime.time(hour), DEADLINE_ZONE)


def write_and_send(term, agency, by, text, *, when=None, kind=KIND):
    report = contributions.save_member_report(
        term=term, period_kind=kind, agency=agency, by=by, text=text
    )
    return contributions.submit_member_report(report=report, by=by, now=when)


# --- Pure rules --------------------------------------------------------------------------------


def test_a_report_sent_on_the_due_day_is_on_time_and_the_next_day_late():
    due = datetime.date(2026, 7, 10)
    assert not contributions.is_late(at(due, 23), due)
    assert contributions.is_late(at(due + datetime.timedelta(days=1), 0), due)
    assert not contributions.is_late(at(due, 23), None)
    assert contributions.contribution_status(submitted_at=None, due=due, has_content=False) == (
        contributions.Status.NOT_STARTED
    )
    assert contributions.contribution_status(submitted_at=None, due=due, has_content=True) == (
        contributions.Status.DRAFT
    )


def test_a_quotation_stops_at_a_sentence_end():
    sentence = "Đơn vị hoàn thành 100% chỉ tiêu được giao. "
    text = sentence * 40
    quoted = contributions.quotation(text, limit=200)
    assert len(quoted) <= 200
    assert quoted.endswith("giao.")
    assert contributions.quotation("Ngắn gọn.\n\nHai dòng.") == "Ngắn gọn. Hai dòng."
    long_word_run = "chữ " * 300
    cut = contributions.quotation(long_word_run, limit=100)
    assert cut.endswith("…") and len(cut) <= 101


# --- The whole flow, with numbers --------------------------------------------------------------


@pytest.fixture
def three(council):
    """A bloc of three members: L leads (its head is the secretariat), M and N are members."""
    bloc = factories.BlocFactory(council=council)
    agencies = [
        factories.AgencyFactory(council=council, name=f"Sở {name} thử", abbreviation=f"S{name}")
        for name in ("L", "M", "N")
    ]
    lead, m, n = agencies
    term = factories.make_term(bloc=bloc, year=2026, agencies=agencies, leader=lead, deputy=m)
    people = {}
    for agency in agencies:
        head = factories.UserFactory(full_name=f"Thủ trưởng {agency.abbreviation}")
        officer = factories.UserFactory(full_name=f"Cán bộ {agency.abbreviation}")
        factories.give_role(head, agency)
        factories.give_role(officer, agency, AgencyRole.Role.OFFICER)
        people[agency.abbreviation] = (head, officer)
    board = factories.UserFactory(full_name="Ban TĐKT")
    BoardOfficer.objects.create(user=board, council=council)
    return term, lead, m, n, people, board


def test_flow_on_time_late_and_nothing(client, three):
    term, lead, m, n, people, board = three
    secretariat = people["SL"][0]
    client.force_login(secretariat)
    due = datetime.date(2026, 7, 10)
    response = client.post(overview_url(term), {"action": "due", "contributions_due": "10/07/2026"})
    assert response.status_code == 302
    review = ReviewReport.objects.get(term=term, period_kind=KIND)
    assert review.contributions_due == due

    write_and_send(term, lead, people["SL"][1], "Báo cáo của L.", when=at(due, 10))
    write_and_send(
        term, m, people["SM"][0], "Báo cáo của M.", when=at(due, 10) + datetime.timedelta(days=3)
    )
    # M's sending told the secretariat (L's people) in the inbox.
    told = Notification.objects.filter(kind=notices.MEMBER_REPORT_SUBMITTED)
    assert {x.user_id for x in told} == {p.pk for p in people["SL"]}

    page = client.get(overview_url(term))
    assert page.status_code == 200
    assert page.context["counts"] == {"on_time": 1, "late": 1, "draft": 0, "not_started": 1}
    statuses = {row.agency.pk: row.status for row in page.context["overview"].rows}
    assert statuses == {lead.pk: "on_time", m.pk: "late", n.pk: "not_started"}

    response = client.post(overview_url(term), {"action": "remind"}, follow=True)
    assert "Đã nhắc 2 người của 1 đơn vị chưa gửi báo cáo." in response.content.decode()
    reminded = Notification.objects.filter(kind=notices.MEMBER_REPORT_REMIND)
    assert sorted(x.user_id for x in reminded) == sorted(p.pk for p in people["SN"])
    reminder = reminded.first()
    assert reminder.url == contributions.member_report_url(term, KIND, n.pk)
    assert "10/07/2026" in reminder.subject

    response = client.post(overview_url(term), {"action": "remind"}, follow=True)
    assert "chỉ nhắc lại sau 60 phút" in response.content.decode()
    assert Notification.objects.filter(kind=notices.MEMBER_REPORT_REMIND).count() == 2

    # An hour later the reminder goes again.
    Notification.objects.filter(kind=notices.MEMBER_REPORT_REMIND).update(
        created_at=timezone.now() - datetime.timedelta(minutes=61)
    )
    client.post(overview_url(term), {"action": "remind"})
    assert Notification.objects.filter(kind=notices.MEMBER_REPORT_REMIND).count() == 4


def test_setting_the_due_date_never_touches_the_sections(client, three):
    term, *_rest, people, _board = three
    ReviewReport.objects.create(term=term, period_kind=KIND, results="Kết quả đã viết.")
    client.force_login(people["SL"][0])
    client.post(overview_url(term), {"action": "due", "contributions_due": "2026-07-15"})
    review = ReviewReport.objects.get(term=term, period_kind=KIND)
    assert review.results == "Kết quả đã viết."
    assert review.contributions_due == datetime.date(2026, 7, 15)
    response = client.post(overview_url(term), {"action": "due", "contributions_due": "31/02/2026"})
    assert response.status_code == 400
    assert "Ngày không hợp lệ" in response.content.decode()


def test_a_member_writes_saves_sends_and_edits_after_sending(client, three):
    term, lead, m, _n, people, _board = three
    head, officer = people["SM"]
    client.force_login(officer)
    url = mine_url(term)
    assert client.get(url).status_code == 200
    response = client.post(url, {"text": "Bản nháp đầu.", "action": "save"})
    assert response.status_code == 302
    report = MemberReport.objects.get(term=term, agency=m, period_kind=KIND)
    assert report.text == "Bản nháp đầu." and report.submitted_at is None

    response = client.post(url, {"text": "Bản gửi.", "files": [pdf()], "action": "submit"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.submitted_at is not None and report.submitted_by == officer
    assert report.files.count() == 1
    assert not contributions.edited_after_submitting(
        submitted_at=report.submitted_at, updated_at=report.updated_at
    )

    client.force_login(head)
    client.post(url, {"text": "Bản gửi, sửa lại.", "action": "save"})
    report.refresh_from_db()
    assert report.text == "Bản gửi, sửa lại."
    page = client.get(overview_url(term))
    assert page.status_code == 403  # a member does not see the overview
    client.force_login(people["SL"][0])
    page = client.get(overview_url(term))
    row = next(r for r in page.context["overview"].rows if r.agency == m)
    assert row.edited_after and row.status == "on_time"
    assert "sửa sau khi gửi" in page.content.decode()
    # Every version is in the history.
    texts = list(report.history.order_by("history_id").values_list("text", flat=True))
    assert "Bản gửi." in texts and texts[-1] == "Bản gửi, sửa lại."


def test_after_the_due_date_the_form_says_late_and_still_takes_it(client, three):
    term, _lead, m, _n, people, _board = three
    ReviewReport.objects.create(
        term=term,
        period_kind=KIND,
        contributions_due=timezone.localdate() - datetime.timedelta(days=2),
    )
    client.force_login(people["SM"][0])
    page = client.get(mine_url(term))
    assert "Đã quá hạn" in page.content.decode()
    response = client.post(mine_url(term), {"text": "Gửi muộn.", "action": "submit"}, follow=True)
    assert "sau hạn gửi" in response.content.decode()
    assert MemberReport.objects.get(agency=m).submitted_at is not None


def test_sending_an_empty_report_is_refused(client, three):
    term, _lead, m, _n, people, _board = three
    client.force_login(people["SM"][0])
    response = client.post(mine_url(term), {"text": "  ", "action": "submit"})
    assert response.status_code == 400
    assert "Hãy viết nội dung báo cáo trước khi gửi." in response.content.decode()
    assert not MemberReport.objects.filter(agency=m, submitted_at__isnull=False).exists()


# --- Files ------------------------------------------------------------------------------------


def test_the_text_survives_a_refused_file(client, three):
    term, _lead, m, _n, people, _board = three
    client.force_login(people["SM"][0])
    fake = SimpleUploadedFile("bao-cao.pdf", b"khong phai pdf")
    response = client.post(
        mine_url(term), {"text": "Nội dung dài đã gõ.", "files": [fake], "action": "submit"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Nội dung dài đã gõ." in body
    assert "không đúng định dạng cho phép" in body
    report = MemberReport.objects.get(agency=m)
    # Kept as a draft, not sent, no file.
    assert report.text == "Nội dung dài đã gõ."
    assert report.submitted_at is None and report.files.count() == 0


@pytest.mark.parametrize(
    "name,content,problem",
    [
        ("bao-cao.exe", PDF, "không đúng định dạng"),
        ("bao-cao.png", PDF, "không đúng định dạng"),
        ("rong.pdf", b"", "rỗng"),
    ],
)
def test_files_are_checked_as_evidence(client, three, name, content, problem):
    term, _lead, m, _n, people, _board = three
    client.force_login(people["SM"][0])
    response = client.post(
        mine_url(term), {"text": "x", "files": [SimpleUploadedFile(name, content)]}
    )
    assert response.status_code == 400
    assert problem in response.content.decode()
    assert not MemberReportFile.objects.exists()


def test_a_file_over_the_evidence_limit_is_refused(client, three, settings):
    settings.EVIDENCE_MAX_BYTES = 40
    term, _lead, _m, _n, people, _board = three
    client.force_login(people["SM"][0])
    response = client.post(mine_url(term), {"text": "x", "files": [pdf()]})
    assert response.status_code == 400
    assert "quá lớn" in response.content.decode()


def test_a_file_is_withdrawn_and_served_under_its_name(client, three):
    term, _lead, m, _n, people, _board = three
    client.force_login(people["SM"][0])
    client.post(mine_url(term), {"text": "Có tệp.", "files": [pdf("Báo cáo 6 tháng.pdf")]})
    attached = MemberReportFile.objects.get()
    file_url = reverse(
        "reports:member_report_file", args=[term.bloc.code, term.year, KIND, attached.pk]
    )
    response = client.get(file_url)
    assert response.status_code == 200
    assert (
        "Báo cáo 6 tháng.pdf" in response["Content-Disposition"]
        or "B%C3%A1o" in response["Content-Disposition"]
    )
    assert b"".join(response.streaming_content) == PDF
    client.post(mine_url(term), {"text": "Có tệp.", "withdraw": [attached.pk]})
    attached.refresh_from_db()
    assert attached.withdrawn_at is not None
    assert client.get(file_url).status_code == 404


# --- Quotations --------------------------------------------------------------------------------


def test_quoting_appends_a_paragraph_and_names_who_quoted(client, three):
    term, _lead, m, _n, people, _board = three
    sent = write_and_send(term, m, people["SM"][0], "Hoàn thành mọi chỉ tiêu. Không có vi phạm.")
    ReviewReport.objects.create(term=term, period_kind=KIND, results="Đoạn đã có.")
    secretariat = people["SL"][0]
    client.force_login(secretariat)
    quote_url = reverse(
        "reports:member_report_quote", args=[term.bloc.code, term.year, KIND, sent.pk]
    )
    response = client.post(quote_url, {"section": "results", "next": "https://evil.example/"})
    assert response["Location"] == overview_url(term)
    review = ReviewReport.objects.get(term=term, period_kind=KIND)
    assert review.results == (
        "Đoạn đã có.\n\nTrích báo cáo của Sở M thử: “Hoàn thành mọi chỉ tiêu. Không có vi phạm.”"
    )
    assert review.history.latest().history_user == secretariat
    back = overview_url(term) + "?x=1"
    response = client.post(quote_url, {"section": "proposals", "next": back})
    assert response["Location"] == back
    response = client.post(quote_url, {"section": "khong-co"}, follow=True)
    assert "Hãy chọn một mục của báo cáo." in response.content.decode()


def test_a_draft_cannot_be_quoted(client, three):
    term, _lead, m, _n, people, _board = three
    draft = contributions.save_member_report(
        term=term, period_kind=KIND, agency=m, by=people["SM"][0], text="Nháp."
    )
    client.force_login(people["SL"][0])
    url = reverse("reports:member_report_quote", args=[term.bloc.code, term.year, KIND, draft.pk])
    assert client.post(url, {"section": "results"}).status_code == 404


# --- Who may see what --------------------------------------------------------------------------


@pytest.fixture
def world(bloc_world):
    """D has a sent report with a file; C (the deputy) a draft with a file."""
    w = bloc_world
    w.sent = contributions.save_member_report(
        term=w.term,
        period_kind=KIND,
        agency=w.d,
        by=w.member_head,
        text="Báo cáo D.",
        uploads=[pdf("d.pdf")],
    )
    contributions.submit_member_report(report=w.sent, by=w.member_head)
    w.draft = contributions.save_member_report(
        term=w.term,
        period_kind=KIND,
        agency=w.c,
        by=w.deputy,
        text="Nháp C.",
        uploads=[pdf("c.pdf")],
    )
    w.sent_file = w.sent.files.get()
    w.draft_file = w.draft.files.get()
    return w


WRITERS = {"secretariat", "secretariat_officer", "deputy", "member_head", "member_officer",
           "last_year_leader"}  # fmt: skip
FOLLOWERS = {"board", "secretariat", "secretariat_officer"}
RUNNERS = {"secretariat", "secretariat_officer"}


def _args(w):
    return [w.bloc.code, w.term.year, KIND]


# url name, method, url, data, who succeeds and their status; everyone else: anonymous to the
# login page, outsider 404, other readers 403 — unless ``others`` says otherwise (a file of
# another agency's report is not disclosed: 404).
MATRIX = {
    "member_report": ("get", lambda w: mine_url(w.term), {}, WRITERS | {"board"}, None, 0),
    "member_report-post": (
        "post",
        lambda w: mine_url(w.term),
        {"text": "Nội dung", "action": "save"},
        WRITERS,
        302,
        403,
    ),
    "member_reports": ("get", lambda w: overview_url(w.term), {}, FOLLOWERS, 200, 403),
    "member_reports-post": (
        "post",
        lambda w: overview_url(w.term),
        {"action": "due", "contributions_due": "10/07/2026"},
        RUNNERS,
        302,
        403,
    ),
    "member_report_quote": (
        "post",
        lambda w: reverse("reports:member_report_quote", args=[*_args(w), w.sent.pk]),
        {"section": "results"},
        RUNNERS,
        302,
        403,
    ),
    "member_report_file": (
        "get",
        lambda w: reverse("reports:member_report_file", args=[*_args(w), w.sent_file.pk]),
        {},
        FOLLOWERS | {"member_head", "member_officer"},
        200,
        404,
    ),
    "member_report_file-draft": (
        "get",
        lambda w: reverse("reports:member_report_file", args=[*_args(w), w.draft_file.pk]),
        {},
        {"deputy"},
        200,
        404,
    ),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", sorted(MATRIX))
def test_access_matrix(client, world, case, persona):
    method, make_url, data, allowed, ok, others = MATRIX[case]
    user = world.personas[persona]
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(make_url(world), data)
    if response.streaming:
        response.close()
    if persona == "anonymous":
        assert response.status_code == 302 and reverse("login") in response["Location"]
        return
    if persona in allowed:
        # The board has no report of its own: its "mine" page leads to the overview.
        expected = ok or (302 if persona == "board" else 200)
    else:
        expected = 404 if persona == "outsider" else others
    assert response.status_code == expected, (case, persona, response.status_code)


def test_matrix_covers_every_view():
    names = {f"reports:{case.split('-')[0]}" for case in MATRIX}
    assert names == url_names_of("reports.views_contributions")


def test_drafts_stay_private_and_sent_text_is_only_for_the_secretariat_and_board(client, world):
    w = world
    client.force_login(w.secretariat)
    body = client.get(overview_url(w.term)).content.decode()
    assert "Báo cáo D." in body and "Nháp C." not in body and "c.pdf" not in body
    client.force_login(w.board)
    body = client.get(overview_url(w.term)).content.decode()
    assert "Báo cáo D." in body and "Nháp C." not in body
    # The board reads but does not quote or remind.
    assert "Trích vào mục" not in body and "Nhắc các đơn vị chưa gửi" not in body
    # Another member cannot open D's report by naming D's agency.
    client.force_login(w.deputy)
    assert client.get(mine_url(w.term, agency=w.d)).status_code == 404
    body = client.get(mine_url(w.term)).content.decode()
    assert "Nháp C." in body and "Báo cáo D." not in body


def test_an_unknown_period_is_404(client, world):
    client.force_login(world.secretariat)
    for name in ("member_report", "member_reports"):
        url = reverse(f"reports:{name}", args=[world.bloc.code, world.term.year, "quy"])
        assert client.get(url).status_code == 404


def test_a_closed_year_is_read_only(client, world):
    w = world
    BlocTerm.objects.filter(pk=w.term.pk).update(status=BlocTerm.Status.CLOSED)
    client.force_login(w.member_head)
    page = client.get(mine_url(w.term))
    assert page.status_code == 200 and "chỉ để xem" in page.content.decode()
    assert client.post(mine_url(w.term), {"text": "Sửa"}).status_code == 403
    client.force_login(w.secretariat)
    assert client.post(overview_url(w.term), {"action": "remind"}).status_code == 403


def test_a_user_of_two_members_chooses_the_agency(client, world):
    w = world
    factories.give_role(w.member_officer, w.a, AgencyRole.Role.OFFICER)
    client.force_login(w.member_officer)
    page = client.get(mine_url(w.term))
    assert [a.pk for a in page.context["agencies"]] == [w.a.pk, w.d.pk]
    assert page.context["agency"] == w.a
    client.post(mine_url(w.term), {"agency": w.d.pk, "text": "Cho D", "action": "save"})
    client.post(mine_url(w.term), {"agency": w.a.pk, "text": "Cho A", "action": "save"})
    assert MemberReport.objects.get(agency=w.d).text == "Cho D"
    assert MemberReport.objects.get(agency=w.a).text == "Cho A"
    assert client.post(mine_url(w.term), {"agency": w.b.pk, "text": "x"}).status_code == 404


def test_wrong_methods_are_refused(client, world):
    w = world
    client.force_login(w.secretariat)
    quote = reverse("reports:member_report_quote", args=[*_args(w), w.sent.pk])
    file_url = reverse("reports:member_report_file", args=[*_args(w), w.sent_file.pk])
    assert client.get(quote).status_code == 405
    assert client.post(file_url).status_code == 405
    assert client.put(overview_url(w.term)).status_code == 405


# --- Speed -------------------------------------------------------------------------------------


def _members(council, n):
    bloc = factories.BlocFactory(council=council)
    agencies = [
        factories.AgencyFactory(council=council, name=f"Đơn vị {i:02d}", abbreviation=f"DV{i}")
        for i in range(n)
    ]
    term = factories.make_term(
        bloc=bloc, year=2026, agencies=agencies, leader=agencies[0], deputy=agencies[1]
    )
    lead = factories.UserFactory()
    factories.give_role(lead, agencies[0])
    for i, agency in enumerate(agencies):
        if i % 2:
            write_and_send(term, agency, lead, f"Báo cáo {i}.")
            contributions.save_member_report(
                term=term, period_kind=KIND, agency=agency, by=lead, uploads=[pdf()]
            )
    return term, lead


@pytest.mark.parametrize("n", [4, 16])
def test_the_overview_runs_a_constant_number_of_queries(
    client, council, django_assert_max_num_queries, n
):
    term, lead = _members(council, n)
    client.force_login(lead)
    with django_assert_max_num_queries(20):
        response = client.get(overview_url(term))
    assert response.status_code == 200
    assert len(response.context["overview"].rows) == n
