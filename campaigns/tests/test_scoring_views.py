"""Every scoring view × every persona; the self-scoring page without JavaScript; query counts."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone
from openpyxl import Workbook

from campaigns import criteria_import
from campaigns.demo.scoring import make_table
from campaigns.models import CriteriaTable, Evidence, Period, Scorecard
from campaigns.services import criteria as criteria_services
from campaigns.services import scorecards as scorecard_services
from tests.factories import PERSONAS
from tests.urlnames import url_names_of

pytestmark = pytest.mark.django_db

D = Decimal
ROWS = [
    ("1", "", "group", "Thực hiện nhiệm vụ chính trị, chuyên môn", 0, False),
    ("1.1", "1", "scored", "Hoàn thành chương trình công tác năm", 60, True),
    ("1.2", "1", "scored", "Chất lượng tham mưu", 40, False),
    ("2", "", "group", "Điểm thưởng", 0, False),
    ("2.1", "2", "bonus", "Sáng kiến được công nhận", 10, False),
    ("2.2", "2", "bonus", "Được tặng Bằng khen", 10, False),
    ("3", "", "penalty", "Nộp báo cáo chậm", 5, False),
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SEES_CARD = {
    "board",
    "secretariat",
    "secretariat_officer",
    "deputy",
    "member_head",
    "member_officer",
}
MANAGERS = {"secretariat", "secretariat_officer"}
OWN = {"member_head", "member_officer"}


def _period(term, kind, days):
    return Period.objects.create(
        term=term,
        kind=kind,
        self_deadline=timezone.now() + datetime.timedelta(days=days),
        review_deadline=timezone.now() + datetime.timedelta(days=days + 10),
    )


@pytest.fixture
def world(bloc_world):
    """Adopted v1 with a draft v2; D's half-year card is a draft with evidence, its annual card
    is submitted."""
    w = bloc_world
    term = w.term
    w.table = make_table(term, ROWS, by=w.secretariat)
    w.draft = criteria_services.start_new_version(
        table=w.table, by=w.secretariat, change_note="Sửa"
    )
    w.semi = _period(term, Period.Kind.SEMIANNUAL, 5)
    w.annual = _period(term, Period.Kind.ANNUAL, 60)
    w.card = scorecard_services.open_scorecard(period=w.semi, agency=w.d)
    w.leaf = {c.code: c for c in w.table.criteria.all()}
    w.evidence = scorecard_services.attach_evidence(
        scorecard=w.card,
        criterion=w.leaf["1.1"],
        uploaded=SimpleUploadedFile("bao-cao.pdf", PDF),
        by=w.member_officer,
    )
    w.submitted = scorecard_services.open_scorecard(period=w.annual, agency=w.d)
    Scorecard.objects.filter(pk=w.submitted.pk).update(status=Scorecard.Status.SUBMITTED)
    return w


def _xlsx_upload():
    book = Workbook()
    sheet = book.active
    sheet.append([str(label) for _k, label, _w in criteria_import.COLUMNS])
    for row in ROWS:
        sheet.append(list(row[:5]) + ["có" if row[5] else "không", ""])
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("bang.xlsx", out.getvalue())


def _term_args(w):
    return [w.bloc.code, w.term.year]


# name: (method, url builder, data builder, who succeeds, their status)
VIEWS = {
    "criteria_list": (
        "get",
        lambda w: reverse("campaigns:criteria_list", args=_term_args(w)),
        None,
        "read",
        302,
    ),
    "criteria_detail": (
        "get",
        lambda w: reverse("campaigns:criteria_detail", args=[*_term_args(w), 1]),
        None,
        "read",
        200,
    ),
    "criteria_export": (
        "get",
        lambda w: reverse("campaigns:criteria_export", args=[*_term_args(w), 1]),
        None,
        "read",
        200,
    ),
    "criteria_template": (
        "get",
        lambda w: reverse("campaigns:criteria_template", args=_term_args(w)),
        None,
        "read",
        200,
    ),
    "criteria_create": (
        "post",
        lambda w: reverse("campaigns:criteria_create", args=_term_args(w)),
        lambda w: {"source": "blank"},
        "manage",
        302,
    ),
    "criteria_settings": (
        "post",
        lambda w: reverse("campaigns:criteria_settings", args=[*_term_args(w), 2]),
        lambda w: {
            "title": "Bảng",
            "base_max": "100",
            "bonus_cap": "10",
            "penalty_cap": "10",
            "change_note": "x",
        },
        "manage",
        302,
    ),
    "criterion_add": (
        "get",
        lambda w: reverse("campaigns:criterion_add", args=[*_term_args(w), 2]),
        None,
        "manage",
        200,
    ),
    "criterion_edit": (
        "get",
        lambda w: reverse(
            "campaigns:criterion_edit",
            args=[*_term_args(w), 2, w.draft.criteria.get(code="1.2").pk],
        ),
        None,
        "manage",
        200,
    ),
    "criterion_delete": (
        "post",
        lambda w: reverse(
            "campaigns:criterion_delete",
            args=[*_term_args(w), 2, w.draft.criteria.get(code="1.2").pk],
        ),
        lambda w: {},
        "manage",
        302,
    ),
    "criteria_adopt": (
        "post",
        lambda w: reverse("campaigns:criteria_adopt", args=[*_term_args(w), 2]),
        lambda w: {},
        "manage",
        302,
    ),
    "criteria_revise": (
        "post",
        lambda w: reverse("campaigns:criteria_revise", args=[*_term_args(w), 1]),
        lambda w: {"change_note": "Thay đổi"},
        "manage",
        # The world already has a draft version: refused, the page comes back with the note.
        400,
    ),
    "criteria_import": (
        "post",
        lambda w: reverse("campaigns:criteria_import", args=[*_term_args(w), 2]),
        lambda w: {"file": _xlsx_upload()},
        "manage",
        302,
    ),
    "period_list": (
        "get",
        lambda w: reverse("campaigns:period_list", args=_term_args(w)),
        None,
        "read",
        200,
    ),
    "period_edit": (
        "get",
        lambda w: reverse("campaigns:period_edit", args=[*_term_args(w), "annual"]),
        None,
        "manage",
        200,
    ),
    "period_extend": (
        "post",
        lambda w: reverse("campaigns:period_extend", args=[*_term_args(w), "semiannual"]),
        lambda w: {
            "semiannual-agency": w.d.pk,
            "semiannual-until": (
                timezone.localtime(w.semi.self_deadline) + datetime.timedelta(days=3)
            ).strftime("%Y-%m-%dT%H:%M"),
            "semiannual-reason": "Xin gia hạn",
        },
        "manage",
        302,
    ),
    "scorecard_open": (
        "post",
        lambda w: reverse("campaigns:scorecard_open", args=[*_term_args(w), "semiannual", w.d.pk]),
        lambda w: {},
        "own",
        302,
    ),
    "scorecard_detail": (
        "get",
        lambda w: reverse(
            "campaigns:scorecard_detail", args=[*_term_args(w), "semiannual", w.card.pk]
        ),
        None,
        "card",
        200,
    ),
    "scorecard_save": (
        "post",
        lambda w: reverse(
            "campaigns:scorecard_detail", args=[*_term_args(w), "semiannual", w.card.pk]
        ),
        lambda w: {"action": "save", f"points-{w.leaf['1.2'].pk}": "30"},
        "own_card",
        302,
    ),
    "scorecard_history": (
        "get",
        lambda w: reverse(
            "campaigns:scorecard_history", args=[*_term_args(w), "semiannual", w.card.pk]
        ),
        None,
        "card",
        200,
    ),
    "scorecard_reopen": (
        "post",
        lambda w: reverse(
            "campaigns:scorecard_reopen", args=[*_term_args(w), "annual", w.submitted.pk]
        ),
        lambda w: {"reason": "Bổ sung minh chứng"},
        "manage_card",
        302,
    ),
    "scorecard_recall": (
        "post",
        lambda w: reverse(
            "campaigns:scorecard_recall", args=[*_term_args(w), "annual", w.submitted.pk]
        ),
        lambda w: {"confirm": "on"},
        "head_card",
        302,
    ),
    "scorecard_export": (
        "get",
        lambda w: reverse(
            "campaigns:scorecard_export", args=[*_term_args(w), "semiannual", w.card.pk]
        ),
        None,
        "card",
        200,
    ),
    "evidence_download": (
        "get",
        lambda w: reverse("campaigns:evidence_download", args=[*_term_args(w), w.evidence.pk]),
        None,
        "card",
        200,
    ),
}


def expected_status(rule, persona, success):
    if persona == "anonymous":
        return 302
    if persona == "outsider":
        return 404
    if rule == "read":
        return success
    if rule == "manage":
        return success if persona in MANAGERS else 403
    if rule == "own":
        return success if persona in OWN else 403
    # Rules on D's scorecard: who cannot see it gets 404 before any write check.
    if persona not in SEES_CARD:
        return 404
    if rule == "card":
        return success
    if rule == "own_card":
        return success if persona in OWN else 403
    if rule == "manage_card":
        return success if persona in MANAGERS else 403
    if rule == "head_card":
        return success if persona == "member_head" else 403
    raise AssertionError(rule)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("view", sorted(VIEWS))
def test_permission_matrix(client, world, view, persona):
    method, url_of, data_of, rule, status = VIEWS[view]
    user = world.personas[persona]
    if user is not None:
        client.force_login(user)
    url = url_of(world)
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, data_of(world))
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
        response.close()
    expected = expected_status(rule, persona, status)
    assert response.status_code == expected, (view, persona, response.status_code)
    if persona == "anonymous":
        assert reverse("login") in response["Location"]


def test_matrix_covers_every_scoring_view(world):
    covered = {resolve(url_of(world)).view_name for _method, url_of, *_rest in VIEWS.values()}
    assert covered == url_names_of(
        "campaigns.views.criteria", "campaigns.views.periods", "campaigns.views.scorecards"
    )


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_wrong_method_is_refused(client, world, view):
    method, url_of, _data, _rule, _status = VIEWS[view]
    client.force_login(world.secretariat)
    url = url_of(world)
    if view in {
        "scorecard_detail",
        "scorecard_save",
        "criterion_add",
        "criterion_edit",
        "period_edit",
        "scorecard_recall",
    }:
        response = client.delete(url)
    elif method == "get":
        response = client.post(url, {})
    else:
        response = client.get(url)
    assert response.status_code == 405


def test_a_member_cannot_download_another_members_evidence(client, world):
    client.force_login(world.last_year_leader)
    url = reverse("campaigns:evidence_download", args=[*_term_args(world), world.evidence.pk])
    assert client.get(url).status_code == 404
    client.force_login(world.member_officer)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    response.close()
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]


def test_evidence_is_not_reachable_under_another_bloc_year(client, world):
    client.force_login(world.member_officer)
    url = reverse("campaigns:evidence_download", args=[world.bloc.code, 2025, world.evidence.pk])
    assert client.get(url).status_code == 404


def test_the_officer_saves_a_draft_without_javascript_and_the_server_recomputes(client, world):
    client.force_login(world.member_officer)
    url = reverse(
        "campaigns:scorecard_detail", args=[*_term_args(world), "semiannual", world.card.pk]
    )
    data = {
        "action": "save",
        f"points-{world.leaf['1.1'].pk}": "60",
        f"points-{world.leaf['1.2'].pk}": "38",
        f"points-{world.leaf['2.1'].pk}": "8",
        f"points-{world.leaf['2.2'].pk}": "6",
        f"points-{world.leaf['3'].pk}": "3",
        f"note-{world.leaf['1.1'].pk}": "Có báo cáo tổng kết",
        f"points-{world.leaf['1'].pk}": "100",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'data-total="total">105<' in page
    line = world.card.lines.get(criterion=world.leaf["1.1"])
    assert (line.self_points, line.self_note) == (D("60"), "Có báo cáo tổng kết")
    # An officer cannot submit.
    assert client.post(url, {**data, "action": "submit"}).status_code == 403
    world.card.refresh_from_db()
    assert world.card.status == Scorecard.Status.DRAFT


def test_a_typing_error_keeps_everything_typed_and_saves_nothing(client, world):
    client.force_login(world.member_officer)
    url = reverse(
        "campaigns:scorecard_detail", args=[*_term_args(world), "semiannual", world.card.pk]
    )
    response = client.post(
        url,
        {
            f"points-{world.leaf['1.1'].pk}": "năm mươi",
            f"points-{world.leaf['1.2'].pk}": "37,5",
            f"note-{world.leaf['1.2'].pk}": "Ghi chú đang gõ",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "“năm mươi” không phải là số." in page
    assert 'value="37,5"' in page and "Ghi chú đang gõ" in page
    assert not world.card.lines.filter(self_points__isnull=False).exists()


def test_a_fake_pdf_upload_is_refused_on_the_page_and_nothing_is_saved(client, world):
    client.force_login(world.member_officer)
    url = reverse(
        "campaigns:scorecard_detail", args=[*_term_args(world), "semiannual", world.card.pk]
    )
    fake = SimpleUploadedFile("minh-chung.pdf", b"not a pdf at all" * 20)
    response = client.post(
        url, {f"points-{world.leaf['1.2'].pk}": "30", f"file-{world.leaf['1.2'].pk}": fake}
    )
    assert response.status_code == 400
    assert "không đúng định dạng" in response.content.decode()
    assert Evidence.objects.filter(scorecard=world.card).count() == 1
    assert world.card.lines.get(criterion=world.leaf["1.2"]).self_points is None


def test_the_head_submits_from_the_page_and_the_card_becomes_read_only(client, world):
    client.force_login(world.member_head)
    url = reverse(
        "campaigns:scorecard_detail", args=[*_term_args(world), "semiannual", world.card.pk]
    )
    values = {"1.1": "60", "1.2": "40", "2.1": "0", "2.2": "0", "3": "0"}
    data = {f"points-{world.leaf[c].pk}": v for c, v in values.items()}
    response = client.post(url, {**data, "action": "submit"})
    assert response.status_code == 302
    world.card.refresh_from_db()
    assert world.card.status == Scorecard.Status.SUBMITTED
    page = client.get(url).content.decode()
    assert "Lưu nháp" not in page and 'name="points-' not in page
    assert client.post(url, data).status_code == 403


def test_submission_problems_are_shown_by_line(client, world):
    Evidence.objects.filter(pk=world.evidence.pk).update(withdrawn_at=timezone.now())
    client.force_login(world.member_head)
    url = reverse(
        "campaigns:scorecard_detail", args=[*_term_args(world), "semiannual", world.card.pk]
    )
    response = client.post(
        url, {f"points-{world.leaf['1.1'].pk}": "60", "action": "submit"}, follow=True
    )
    page = response.content.decode()
    assert "Tiêu chí 1.1 “Hoàn thành chương trình công tác năm”: thiếu minh chứng bắt buộc." in page
    assert "Tiêu chí 1.2 “Chất lượng tham mưu”: chưa nhập điểm." in page


def test_an_xlsx_with_bad_rows_is_reported_on_the_page(client, world):
    client.force_login(world.secretariat)
    book = Workbook()
    sheet = book.active
    sheet.append([str(label) for _k, label, _w in criteria_import.COLUMNS])
    sheet.append(["1", "", "nhóm", "Nhóm", None, "không", ""])
    sheet.append(["1.1", "1", "loại lạ", "A", 50, "không", ""])
    sheet.append(["1.1", "1", "chấm điểm", "B", 50, "có thể", ""])
    out = io.BytesIO()
    book.save(out)
    response = client.post(
        reverse("campaigns:criteria_import", args=[*_term_args(world), 2]),
        {"file": SimpleUploadedFile("bang.xlsx", out.getvalue())},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Dòng 3: loại “loại lạ” không hợp lệ" in page
    assert "Dòng 4: cột bắt buộc minh chứng phải là “có” hoặc “không”" in page
    assert world.draft.criteria.count() == 7


def _card_with(bloc_world, leaves):
    """A scorecard on a table of ``leaves`` scored criteria in groups of ten, with files."""
    rows = []
    for g in range(leaves // 10):
        rows.append((f"{g + 1}", "", "group", f"Nhóm {g + 1}", 0, False))
        for i in range(10):
            rows.append(
                (
                    f"{g + 1}.{i + 1}",
                    f"{g + 1}",
                    "scored",
                    f"Tiêu chí {g}.{i}",
                    D(100) / leaves,
                    i == 0,
                )
            )
    table = make_table(
        bloc_world.term,
        rows,
        by=bloc_world.secretariat,
        version=CriteriaTable.objects.filter(term=bloc_world.term).count() + 1,
        status=CriteriaTable.Status.SUPERSEDED,
    )
    period = Period.objects.get_or_create(
        term=bloc_world.term,
        kind=Period.Kind.SEMIANNUAL,
        defaults={
            "self_deadline": timezone.now() + datetime.timedelta(days=3),
            "review_deadline": timezone.now() + datetime.timedelta(days=9),
        },
    )[0]
    Scorecard.objects.filter(period=period, agency=bloc_world.d).delete()
    card = Scorecard.objects.create(period=period, agency=bloc_world.d, table=table)
    from campaigns.models import ScoreLine

    ScoreLine.objects.bulk_create(
        ScoreLine(scorecard=card, criterion=c, self_points=c.max_points)
        for c in table.criteria.exclude(kind="group")
    )
    for c in table.criteria.filter(evidence_required=True):
        scorecard_services.attach_evidence(
            scorecard=card,
            criterion=c,
            uploaded=SimpleUploadedFile("bao-cao.pdf", PDF),
            by=bloc_world.member_officer,
        )
    return card


def test_the_scoring_page_runs_the_same_number_of_queries_for_20_and_120_criteria(
    client, bloc_world
):
    client.force_login(bloc_world.member_officer)
    counts = {}
    for leaves in (20, 120):
        card = _card_with(bloc_world, leaves)
        url = reverse(
            "campaigns:scorecard_detail", args=[*_term_args(bloc_world), "semiannual", card.pk]
        )
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert response.content.decode().count('data-points data-kind="scored"') == leaves
        counts[leaves] = len(queries)
        Evidence.objects.filter(scorecard=card).delete()
        card.delete()
    assert counts[20] == counts[120], counts
    assert counts[20] <= 15, counts


def test_the_period_page_runs_the_same_number_of_queries_for_2_and_6_cards(client, world):
    client.force_login(world.secretariat)
    url = reverse("campaigns:period_list", args=_term_args(world))
    counts = []
    for agencies in (world.agencies[:1], world.agencies[1:]):
        for agency in agencies:
            scorecard_services.open_scorecard(period=world.semi, agency=agency)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert response.content.decode().count("Xem phiếu") == 7


def test_the_scorecard_export_uses_the_same_totals_as_the_page(client, world):
    from openpyxl import load_workbook

    entries = {
        world.leaf["1.1"].pk: (D("60"), ""),
        world.leaf["1.2"].pk: (D("38"), ""),
        world.leaf["2.1"].pk: (D("8"), ""),
        world.leaf["2.2"].pk: (D("6"), ""),
        world.leaf["3"].pk: (D("3"), ""),
    }
    scorecard_services.save_self_scores(
        scorecard=world.card, by=world.member_officer, entries=entries
    )
    client.force_login(world.member_officer)
    url = reverse(
        "campaigns:scorecard_export", args=[*_term_args(world), "semiannual", world.card.pk]
    )
    response = client.get(url)
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = {row[1]: row[4] for row in sheet.iter_rows(values_only=True) if row and len(row) > 4}
    assert values["Tổng điểm"] == 105
    assert values["Điểm thưởng (sau khi áp trần)"] == 10
    assert values["Thực hiện nhiệm vụ chính trị, chuyên môn"] == 98


def test_a_post_carrying_only_some_lines_leaves_the_others_as_they_were(client, world):
    client.force_login(world.member_officer)
    url = reverse(
        "campaigns:scorecard_detail", args=[*_term_args(world), "semiannual", world.card.pk]
    )
    first, second = world.leaf["1.1"].pk, world.leaf["1.2"].pk
    client.post(url, {f"points-{first}": "60", f"note-{first}": "Có", f"points-{second}": "38"})
    # A request carrying only a file, then one carrying only the second line's points.
    pdf = SimpleUploadedFile(
        "bao-cao.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF"
    )
    assert client.post(url, {f"file-{first}": pdf}).status_code == 302
    assert client.post(url, {f"points-{second}": "37"}).status_code == 302
    lines = {ln.criterion_id: ln for ln in world.card.lines.all()}
    assert (lines[first].self_points, lines[first].self_note) == (D("60"), "Có")
    assert lines[second].self_points == D("37")


def test_a_draft_refused_under_lock_keeps_what_was_typed_and_saves_nothing(client, world):
    from unittest import mock

    from django.core.exceptions import ValidationError

    client.force_login(world.member_officer)
    url = reverse(
        "campaigns:scorecard_detail", args=[*_term_args(world), "semiannual", world.card.pk]
    )
    leaf = world.leaf["1.1"].pk
    refusal = ValidationError("Kỳ chấm điểm đã thống nhất; không thể thay đổi nữa.")
    pdf = SimpleUploadedFile("bc.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF")
    # The file is refused after the points were written, inside the draft's one transaction.
    with mock.patch("campaigns.services.scorecards.attach_evidence", side_effect=refusal):
        response = client.post(url, {f"points-{leaf}": "42,5", f"file-{leaf}": pdf})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Kỳ chấm điểm đã thống nhất" in page and 'value="42,5"' in page
    assert world.card.lines.get(criterion_id=leaf).self_points is None
