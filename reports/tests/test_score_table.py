"""The ranking of a period as an official report (score_table_semiannual / _annual)."""

import subprocess

import pytest
from django.urls import reverse
from django.utils import translation

from campaigns.models import Period
from campaigns.tests import review_helpers as h
from reports import services
from reports.kinds.score_table import GROUP_MAX, NOTES_MIN, column_widths
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
    ).document
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


def test_a_period_not_yet_agreed_gives_a_draft_without_number_or_signature(bloc_world):
    term = bloc_world.term
    table = h.make_table(term)
    period = h.make_period(term, kind=Period.Kind.SEMIANNUAL)
    h.make_cards(period, table)
    official = services.request_document(term=term, kind="member_list").document
    document = services.request_document(term=term, kind="score_table_semiannual").document
    assert document.provisional and document.number is None
    services.render_document(document.pk)
    document.refresh_from_db()
    assert document.status == Document.Status.READY, document.error
    text = pdf_text(document)
    assert "Kết quả tạm thời" in text
    # "DỰ THẢO" on every page, in the corner and across the page; no number, no signature.
    pages = text.split("\f")[: document.pages]
    assert all(page.count("DỰ THẢO") >= 1 for page in pages), pages
    assert "Số: 01/BC" not in text and "/BC-" in text
    assert "KHỐI TRƯỞNG" not in text
    assert "không ký ban hành" in text
    # The official series goes on without it.
    after = services.request_document(term=term, kind="member_list", params={"n": 2}).document
    assert (official.number, after.number) == (1, 2)
    # Once the period is agreed, the same request is an official, numbered document.
    Period.objects.filter(pk=period.pk).update(status=Period.Status.AGREED)
    final = services.request_document(term=term, kind="score_table_semiannual").document
    assert not final.provisional and final.number == 3
    services.render_document(final.pk)
    final.refresh_from_db()
    final_text = pdf_text(final)
    assert "DỰ THẢO" not in final_text and "KHỐI TRƯỞNG" in final_text


def test_a_draft_is_named_a_draft_in_each_readers_language(bloc_world):
    from blocs.models import Notification

    term = bloc_world.term
    h.make_cards(h.make_period(term), h.make_table(term))
    document = services.request_document(
        term=term, kind="score_table_annual", by=bloc_world.secretariat
    ).document
    services.render_document(document.pk)
    told = Notification.objects.get(user=bloc_world.secretariat, params__title=document.title)
    assert "Dự thảo (không số)" in told.body
    with translation.override("en"):
        assert "Draft (unnumbered)" in told.body


def test_a_missing_period_fails_the_document_with_a_clear_message(bloc_world):
    document = services.request_document(term=bloc_world.term, kind="score_table_annual").document
    services.render_document(document.pk)
    document.refresh_from_db()
    assert document.status == Document.Status.FAILED
    assert "chưa có kỳ Tổng kết năm" in document.error


@pytest.fixture
def provisional_table(bloc_world):
    term = bloc_world.term
    table = h.make_table(term)
    period = h.make_period(term)
    h.make_cards(period, table)
    document = services.request_document(term=term, kind="score_table_annual").document
    services.render_document(document.pk)
    return period, document


@pytest.mark.parametrize(
    "persona, before, after",
    [
        ("secretariat", 200, 200),
        ("deputy", 200, 200),
        ("board", 200, 200),
        ("member_head", 404, 200),
        ("member_officer", 404, 200),
        ("outsider", 404, 404),
    ],
)
def test_members_read_the_ranking_report_only_once_the_period_is_agreed(
    client, bloc_world, provisional_table, persona, before, after
):
    period, document = provisional_table
    client.force_login(bloc_world.personas[persona])
    url = reverse("reports:document_detail", args=[document.pk])
    listing = reverse("reports:term_documents", args=[bloc_world.bloc.code, 2026])
    assert client.get(url).status_code == before
    if persona != "outsider":
        listed = document.number_label in client.get(listing).content.decode()
        assert listed == (before == 200)
    period.status = Period.Status.AGREED
    period.save(update_fields=["status"])
    assert client.get(url).status_code == after
    # The download goes through the same check (closing a file response ends the request).
    response = client.get(reverse("reports:document_download", args=[document.pk]))
    response.close()
    assert response.status_code == after


@pytest.mark.parametrize("groups", [0, 1, 5, 6, 10, 15])
def test_the_columns_fill_the_text_width_whatever_the_number_of_groups(groups):
    widths = column_widths(groups)
    total = sum(w for name, w in widths.items() if name != "group") + widths["group"] * groups
    assert total == pytest.approx(100, abs=0.05)
    assert widths["notes"] >= NOTES_MIN
    assert 0 < widths["group"] <= GROUP_MAX or groups == 0


def test_ten_groups_keep_every_column_readable_and_the_word_copy(bloc_world):
    """With ten groups the notes column once came out negative: every row was drawn a letter
    wide and pages long, and the Word copy could not be made at all."""
    term = bloc_world.term
    table = h.make_table(term, groups=10, leaves=1, leaf_max="10")
    period = h.make_period(term, status=Period.Status.AGREED)
    h.make_cards(period, table)
    document = services.request_document(term=term, kind="score_table_annual").document
    services.render_document(document.pk)
    document.refresh_from_db()
    assert document.status == Document.Status.READY, document.error
    assert document.docx_file
    text = pdf_text(document)
    # The notes are read in words across their column, not a letter a line.
    assert "tiêu chí nào phân" in text
    assert document.pages <= 2
