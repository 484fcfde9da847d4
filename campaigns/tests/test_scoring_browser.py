"""The member head drafts the self-score, attaches evidence and submits, in Chromium."""

import datetime

import pytest
from django.utils import timezone

from campaigns import card_totals
from campaigns.demo.scoring import make_table
from campaigns.models import Evidence, Period, Scorecard
from tests.browser import assert_accessible, login
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

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


def test_head_drafts_attaches_evidence_and_submits(page, bloc_world, tmp_path):
    w = bloc_world
    table = make_table(w.term, ROWS, by=w.secretariat)
    Period.objects.create(
        term=w.term,
        kind=Period.Kind.SEMIANNUAL,
        self_deadline=timezone.now() + datetime.timedelta(days=5),
        review_deadline=timezone.now() + datetime.timedelta(days=15),
    )
    leaf = {c.code: c for c in table.criteria.all()}
    evidence_file = tmp_path / "bao-cao-tong-ket.pdf"
    evidence_file.write_bytes(PDF)

    login(page, w.member_head.username, PASSWORD)
    page.goto(f"{page.base_url}/blocs/{w.bloc.code}/{w.term.year}/")
    page.get_by_role("link", name="Chấm điểm").click()
    assert_accessible(page)
    page.get_by_role("button", name="Bắt đầu tự chấm").first.click()
    assert_accessible(page)
    page.get_by_label("Hoàn thành chương trình công tác năm").fill("60")
    page.get_by_label("Chất lượng tham mưu").fill("38")
    page.get_by_label("Sáng kiến được công nhận").fill("8")
    page.get_by_label("Được tặng Bằng khen").fill("6")
    page.get_by_label("Nộp báo cáo chậm").fill("3")
    # The running totals follow the typing before anything is saved.
    assert page.locator('[data-total="total"]').inner_text() == "105"
    assert page.locator(f'[data-group-sum="{leaf["1"].pk}"]').inner_text() == "98"
    page.locator(f"#file-{leaf['1.1'].pk}").set_input_files(str(evidence_file))
    page.get_by_role("button", name="Lưu nháp").click()
    page.get_by_text("Đã lưu nháp").wait_for()
    assert_accessible(page)
    assert page.get_by_role("link", name="bao-cao-tong-ket.pdf").is_visible()

    page.get_by_role("button", name="Lưu và nộp phiếu").click()
    page.get_by_text("Đã nộp phiếu tự chấm điểm.").wait_for()
    assert_accessible(page)
    card = Scorecard.objects.get(agency=w.d)
    assert card.status == Scorecard.Status.SUBMITTED
    assert Evidence.objects.get(scorecard=card).original_name == "bao-cao-tong-ket.pdf"
    assert card_totals.scorecard_totals(card).total == 105
    assert page.locator('[data-total="total"]').inner_text() == "105"
