"""The ranking of a period as an official report (score_table_semiannual / _annual)."""

import subprocess

import pytest

from campaigns.models import Period
from campaigns.tests import review_helpers as h
from reports import services
from reports.models import Document

pytestmark = pytest.mark.django_db


def pdf_text(document) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", document.file.path, "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_the_report_lists_every_ranked_agency_with_its_rank_and_band(bloc_world):
    term = bloc_world.term
    table = h.make_table(term)
    period = h.make_period(term, status=Period.Status.AGREED)
    h.make_cards(period, table)
    document = services.request_document(
        term=term, kind="score_table_annual", by=bloc_world.secretariat
    )
    services.render_document(document.pk)
    document.refresh_from_db()
    assert document.status == Document.Status.READY, document.error
    text = pdf_text(document)
    assert "BÁO CÁO" in text
    assert "Kết quả chấm điểm, xếp hạng thi đua tổng kết năm 2026" in text
    assert "Số: 01/BC-" in text
    for agency in bloc_world.agencies:
        assert agency.name in text
    assert "Kết quả tạm thời" not in text


def test_a_period_not_yet_agreed_is_marked_provisional(bloc_world):
    term = bloc_world.term
    table = h.make_table(term)
    period = h.make_period(term, kind=Period.Kind.SEMIANNUAL)
    h.make_cards(period, table)
    document = services.request_document(term=term, kind="score_table_semiannual")
    services.render_document(document.pk)
    document.refresh_from_db()
    assert "Kết quả tạm thời" in pdf_text(document)


def test_a_missing_period_fails_the_document_with_a_clear_message(bloc_world):
    document = services.request_document(term=bloc_world.term, kind="score_table_annual")
    services.render_document(document.pk)
    document.refresh_from_db()
    assert document.status == Document.Status.FAILED
    assert "chưa có kỳ Tổng kết năm" in document.error
