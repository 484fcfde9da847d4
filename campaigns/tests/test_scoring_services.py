"""Scenarios of criteria tables, periods, self-scoring and evidence, with numbers."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from campaigns import card_totals, criteria_import
from campaigns.demo.scoring import make_table
from campaigns.evidence import check_upload
from campaigns.models import (
    CriteriaTable,
    Criterion,
    Evidence,
    Period,
    Scorecard,
    ScorecardEvent,
    ScoreLineChange,
)
from campaigns.services import criteria as criteria_services
from campaigns.services import periods as period_services
from campaigns.services import scorecards as scorecard_services

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
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def pdf(name="bao-cao.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def office(name, part):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(f"{part}/document.xml", "<x/>")
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def world(bloc_world):
    term = bloc_world.term
    table = make_table(term, ROWS, by=bloc_world.secretariat)
    period = Period.objects.create(
        term=term,
        kind=Period.Kind.SEMIANNUAL,
        self_deadline=timezone.now() + datetime.timedelta(days=5),
        review_deadline=timezone.now() + datetime.timedelta(days=15),
    )
    card = scorecard_services.open_scorecard(period=period, agency=bloc_world.d)
    bloc_world.table, bloc_world.period, bloc_world.card = table, period, card
    bloc_world.leaf = {c.code: c for c in table.criteria.all()}
    return bloc_world


def fill(world, **points):
    entries = {world.leaf[code.replace("_", ".")].pk: (D(v), "") for code, v in points.items()}
    scorecard_services.save_self_scores(
        scorecard=world.card, by=world.member_officer, entries=entries
    )


def complete(world):
    fill(world, **{"1_1": "60", "1_2": "38", "2_1": "8", "2_2": "6", "3": "3"})
    scorecard_services.attach_evidence(
        scorecard=world.card, criterion=world.leaf["1.1"], uploaded=pdf(), by=world.member_officer
    )


def test_scorecard_has_one_line_per_leaf_and_parents_are_never_entered(world):
    codes = sorted(world.card.lines.values_list("criterion__code", flat=True))
    assert codes == ["1.1", "1.2", "2.1", "2.2", "3"]
    group = world.leaf["1"]
    scorecard_services.save_self_scores(
        scorecard=world.card, by=world.member_officer, entries={group.pk: (D("99"), "")}
    )
    assert not world.card.lines.filter(criterion=group).exists()


def test_member_claiming_98_14_and_3_gets_105_and_can_submit(world):
    complete(world)
    totals = card_totals.scorecard_totals(world.card)
    assert (totals.base, totals.bonus, totals.penalty, totals.total) == (98, 10, 3, D("105"))
    scorecard_services.submit_scorecard(scorecard=world.card, by=world.member_head)
    world.card.refresh_from_db()
    assert world.card.status == Scorecard.Status.SUBMITTED
    assert world.card.submitted_by == world.member_head
    assert ScorecardEvent.objects.filter(scorecard=world.card, kind="submitted").count() == 1


def test_every_change_of_a_line_is_in_its_history(world):
    fill(world, **{"1_1": "50"})
    fill(world, **{"1_1": "55.5"})
    changes = list(ScoreLineChange.objects.filter(line__criterion=world.leaf["1.1"]).order_by("pk"))
    assert [(c.old_value, c.new_value, c.layer) for c in changes] == [
        ("", "50", "self"),
        ("50", "55.5", "self"),
    ]
    assert changes[0].changed_by == world.member_officer


def test_submission_is_blocked_without_required_evidence_and_names_the_criterion(world):
    fill(world, **{"1_1": "60", "1_2": "38", "2_1": "0", "2_2": "0", "3": "0"})
    with pytest.raises(ValidationError) as exc:
        scorecard_services.submit_scorecard(scorecard=world.card, by=world.member_head)
    assert exc.value.messages == [
        "Tiêu chí 1.1 “Hoàn thành chương trình công tác năm”: thiếu minh chứng bắt buộc."
    ]
    world.card.refresh_from_db()
    assert world.card.status == Scorecard.Status.DRAFT


def test_submission_names_every_line_out_of_range_or_off_step(world):
    complete(world)
    # No save stores such points any more; a card may still hold them from before that rule.
    for code, value in (("1.2", "41"), ("2.1", "2.3")):
        world.card.lines.filter(criterion=world.leaf[code]).update(self_points=D(value))
    with pytest.raises(ValidationError) as exc:
        scorecard_services.submit_scorecard(scorecard=world.card, by=world.member_head)
    assert exc.value.messages == [
        "Tiêu chí 1.2 “Chất lượng tham mưu”: điểm 41 nằm ngoài khoảng 0 – 40.",
        "Tiêu chí 2.1 “Sáng kiến được công nhận”: điểm 2,3 không phải bội số của bước điểm 0,25.",
    ]


def test_submission_is_blocked_after_the_deadline_and_allowed_with_an_extension(world):
    complete(world)
    late = world.period.self_deadline + datetime.timedelta(hours=1)
    with pytest.raises(ValidationError) as exc:
        scorecard_services.submit_scorecard(scorecard=world.card, by=world.member_head, now=late)
    assert "Đã quá hạn tự chấm" in exc.value.messages[0]
    assert "(GMT+7)" in exc.value.messages[0]
    period_services.extend_deadline(
        period=world.period,
        agency=world.d,
        until=world.period.self_deadline + datetime.timedelta(days=2),
        reason="Đơn vị có văn bản xin gia hạn",
        by=world.secretariat,
    )
    scorecard_services.submit_scorecard(scorecard=world.card, by=world.member_head, now=late)
    world.card.refresh_from_db()
    assert world.card.status == Scorecard.Status.SUBMITTED


def test_an_extension_for_another_agency_does_not_help(world):
    complete(world)
    period_services.extend_deadline(
        period=world.period,
        agency=world.c,
        until=world.period.self_deadline + datetime.timedelta(days=2),
        reason="Gia hạn cho đơn vị C",
        by=world.secretariat,
    )
    late = world.period.self_deadline + datetime.timedelta(hours=1)
    with pytest.raises(ValidationError):
        scorecard_services.submit_scorecard(scorecard=world.card, by=world.member_head, now=late)


def test_submitted_card_is_read_only_until_the_secretariat_reopens_it_with_a_reason(world):
    complete(world)
    scorecard_services.submit_scorecard(scorecard=world.card, by=world.member_head)
    with pytest.raises(ValidationError):
        fill(world, **{"1_2": "40"})
    with pytest.raises(ValidationError):
        scorecard_services.reopen_scorecard(scorecard=world.card, by=world.secretariat, reason="  ")
    scorecard_services.reopen_scorecard(
        scorecard=world.card, by=world.secretariat, reason="Đơn vị xin bổ sung minh chứng"
    )
    world.card.refresh_from_db()
    assert world.card.status == Scorecard.Status.DRAFT
    event = world.card.events.get(kind="reopened")
    assert (event.by, event.reason) == (world.secretariat, "Đơn vị xin bổ sung minh chứng")


def test_a_file_replaced_after_submission_keeps_the_old_one_in_history(world):
    complete(world)
    scorecard_services.submit_scorecard(scorecard=world.card, by=world.member_head)
    scorecard_services.reopen_scorecard(
        scorecard=world.card, by=world.secretariat, reason="Thay tệp"
    )
    world.card.refresh_from_db()
    old = Evidence.objects.get(scorecard=world.card)
    new = scorecard_services.attach_evidence(
        scorecard=world.card,
        criterion=world.leaf["1.1"],
        uploaded=SimpleUploadedFile("anh.png", PNG),
        by=world.member_officer,
        replaces=old,
    )
    old.refresh_from_db()
    assert old.replaced_by == new and not old.is_current
    assert old.file.storage.exists(old.file.name)
    assert new.content_type == "image/png" and len(new.sha256) == 64


def test_changing_the_table_after_adoption_makes_version_2_and_tells_every_member(
    world, django_capture_on_commit_callbacks
):
    complete(world)
    draft = criteria_services.start_new_version(
        table=world.table, by=world.secretariat, change_note="Tách tiêu chí 1.2"
    )
    assert (draft.version, draft.status, draft.supersedes) == (2, "draft", world.table)
    with pytest.raises(ValidationError):
        criteria_services.save_criterion(
            table=world.table,
            by=world.secretariat,
            criterion=world.leaf["1.2"],
            parent=world.leaf["1"],
            code="1.2",
            title="Sửa",
            kind="scored",
            max_points=D("30"),
            evidence_required=False,
        )
    row = draft.criteria.get(code="1.2")
    group = draft.criteria.get(code="1")
    criteria_services.save_criterion(
        table=draft,
        by=world.secretariat,
        criterion=row,
        parent=group,
        code="1.2",
        title=row.title,
        kind="scored",
        max_points=D("30"),
        evidence_required=False,
    )
    criteria_services.save_criterion(
        table=draft,
        by=world.secretariat,
        parent=group,
        code="1.3",
        title="Chuyển đổi số",
        kind="scored",
        max_points=D("10"),
        evidence_required=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        criteria_services.adopt_criteria_table(table=draft, by=world.secretariat)
    world.table.refresh_from_db()
    assert world.table.status == CriteriaTable.Status.SUPERSEDED
    world.card.refresh_from_db()
    assert world.card.table == world.table
    assert world.card.lines.count() == 5
    assert card_totals.scorecard_totals(world.card).total == D("105")
    recipients = sorted(m.to[0] for m in mail.outbox)
    expected = sorted(
        u.email
        for u in (
            world.secretariat,
            world.secretariat_officer,
            world.deputy,
            world.member_head,
            world.member_officer,
            world.last_year_leader,
        )
    )
    assert recipients == expected
    assert "phiên bản 2" in mail.outbox[0].subject
    annual = Period.objects.create(
        term=world.term,
        kind=Period.Kind.ANNUAL,
        self_deadline=timezone.now() + datetime.timedelta(days=30),
        review_deadline=timezone.now() + datetime.timedelta(days=40),
    )
    new_card = scorecard_services.open_scorecard(period=annual, agency=world.d)
    assert new_card.table == draft and new_card.lines.count() == 6


def test_adoption_is_refused_when_scored_leaves_do_not_add_up_or_codes_repeat(world):
    draft = criteria_services.start_new_version(
        table=world.table, by=world.secretariat, change_note="x"
    )
    row = draft.criteria.get(code="1.2")
    Criterion.objects.filter(pk=row.pk).update(max_points=D("35"))
    with pytest.raises(ValidationError) as exc:
        criteria_services.adopt_criteria_table(table=draft, by=world.secretariat)
    assert exc.value.messages == [
        "Tổng điểm tối đa của các tiêu chí chấm điểm là 95, chưa bằng điểm chuẩn 100."
    ]
    with pytest.raises(ValidationError) as exc:
        criteria_services.save_criterion(
            table=draft,
            by=world.secretariat,
            parent=None,
            code="1.1",
            title="Trùng",
            kind="scored",
            max_points=D("5"),
            evidence_required=False,
        )
    assert exc.value.message_dict == {"code": ["Mã “1.1” đã có trong bảng."]}
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_copying_last_year_makes_a_draft_with_the_same_tree(bloc_world):
    last = make_table(bloc_world.previous_term, ROWS, by=bloc_world.last_year_leader)
    draft = criteria_services.copy_last_year_table(term=bloc_world.term, by=bloc_world.secretariat)
    assert (draft.version, draft.status, draft.supersedes) == (1, "draft", None)
    copied = {c.code: c for c in draft.criteria.select_related("parent")}
    assert sorted(copied) == sorted(last.criteria.values_list("code", flat=True))
    assert copied["1.1"].parent == copied["1"] and copied["1.1"].evidence_required
    assert criteria_services.adoption_problems(draft) == []
    with pytest.raises(ValidationError):
        criteria_services.copy_last_year_table(term=bloc_world.term, by=bloc_world.secretariat)


def _xlsx(rows):
    book = Workbook()
    sheet = book.active
    sheet.append([str(label) for _k, label, _w in criteria_import.COLUMNS])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_with_two_bad_rows_imports_nothing_and_reports_both(world):
    draft = criteria_services.start_new_version(
        table=world.table, by=world.secretariat, change_note="x"
    )
    before = list(draft.criteria.values_list("code", flat=True))
    data = _xlsx(
        [
            ["1", "", "nhóm", "Nhiệm vụ", None, "không", ""],
            ["1.1", "1", "chấm điểm", "Hoàn thành", 60, "có", ""],
            ["1.2", "1", "chấm điểm", "", "bốn mươi", "không", ""],
            ["1.3", "9", "chấm điểm", "Tham mưu", 40, "không", ""],
        ]
    )
    with pytest.raises(ValidationError) as exc:
        criteria_import.import_table(table=draft, data=data, by=world.secretariat)
    assert exc.value.messages == [
        "Dòng 4: thiếu nội dung tiêu chí; điểm tối đa “bốn mươi” không hợp lệ (số dương, tối đa 2 "
        "chữ số thập phân).",
        "Dòng 5: mã nhóm cha “9” không có trong bảng.",
    ]
    assert list(draft.criteria.values_list("code", flat=True)) == before


def test_the_exported_table_imports_back_unchanged(world):
    draft = criteria_services.start_new_version(
        table=world.table, by=world.secretariat, change_note="x"
    )
    data = criteria_import.export_table(world.table)
    count = criteria_import.import_table(table=draft, data=data, by=world.secretariat)
    assert count == 7
    rows = {c.code: c for c in draft.criteria.select_related("parent")}
    assert rows["1.1"].parent.code == "1" and rows["1.1"].evidence_required
    assert rows["2.2"].kind == "bonus" and rows["2.2"].max_points == D("10")
    assert criteria_services.adoption_problems(draft) == []


def test_a_table_exported_in_english_imports_in_vietnamese(world):
    from django.utils import translation

    draft = criteria_services.start_new_version(
        table=world.table, by=world.secretariat, change_note="x"
    )
    with translation.override("en"):
        data = criteria_import.export_table(world.table)
    with translation.override("vi"):
        count = criteria_import.import_table(table=draft, data=data, by=world.secretariat)
    assert count == 7
    assert criteria_services.adoption_problems(draft) == []


def test_the_template_imports_as_a_valid_table(world):
    draft = criteria_services.start_new_version(
        table=world.table, by=world.secretariat, change_note="x"
    )
    criteria_import.import_table(table=draft, data=criteria_import.template(), by=world.secretariat)
    assert criteria_services.adoption_problems(draft) == []


def test_a_file_renamed_to_pdf_that_is_not_a_pdf_is_refused():
    fake = SimpleUploadedFile("minh-chung.pdf", b"MZ\x90\x00 this is an executable" * 10)
    with pytest.raises(ValidationError) as exc:
        check_upload(fake)
    assert "không đúng định dạng" in exc.value.messages[0]
    png_as_pdf = SimpleUploadedFile("anh.pdf", PNG)
    with pytest.raises(ValidationError):
        check_upload(png_as_pdf)


def test_an_oversize_file_is_refused(settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    big = SimpleUploadedFile("lon.pdf", PDF + b"0" * 2000)
    with pytest.raises(ValidationError) as exc:
        check_upload(big)
    assert "quá lớn" in exc.value.messages[0]


def test_office_files_are_recognised_by_their_parts():
    assert check_upload(office("bao-cao.docx", "word")).kind == "docx"
    assert check_upload(office("bang.xlsx", "xl")).kind == "xlsx"
    with pytest.raises(ValidationError):
        check_upload(office("bao-cao.docx", "xl"))
    with pytest.raises(ValidationError):
        check_upload(office("tep.docx", "other"))
    assert check_upload(pdf()).sha256 == __import__("hashlib").sha256(PDF).hexdigest()
