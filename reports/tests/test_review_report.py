"""The bloc's half-year and year-end review reports: facts from the data, the secretariat's
words, preview, issue, replacement, access."""

import io
import re

import pdfplumber
import pytest
from django.core.management import call_command
from django.urls import reverse

from blocs.models import BlocTerm
from campaigns.models import Period
from campaigns.selectors import load_period
from campaigns.services.exports import export_rows
from campaigns.services.points import points_label
from reports import review, services
from reports.forms_review import SECTION_MAX_CHARS
from reports.models import Document, ReviewReport
from tests.factories import PERSONAS
from tests.urlnames import url_names_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)
    return {t.bloc.code: t for t in BlocTerm.objects.filter(year=2025).select_related("bloc")}


def _pdf_text(document) -> str:
    document.refresh_from_db()
    with document.file.open("rb") as f, pdfplumber.open(io.BytesIO(f.read())) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_first_draft_is_written_from_the_data_in_plain_sentences(demo):
    term = demo["khoi-dang"]
    facts = review.gather(term, "annual")
    draft = review.first_draft(facts)
    assert all(text.strip() for text in draft.values())
    signed = len(facts.signed_members)
    last = facts.signed_members[-1]
    expected = (
        f"Khối có {signed}/{len(facts.members)} đơn vị ký giao ước thi đua, chậm nhất là "
        f"{last.agency.name} ngày {review._day(last.signed_at)}."
    )
    assert expected in draft["results"]
    leader = facts.lines[0]
    assert f"dẫn đầu là {leader.name} với {points_label(leader.total)} điểm" in draft["results"]
    assert f"{term.leader.name} là Khối trưởng" in draft["situation"]
    # The proposals name the confirmed nominees of each award proposed upward, and not the
    # bloc's own award, which the bloc decides itself.
    assert facts.proposed_upward
    for award, names in facts.proposed_upward:
        assert award.name in draft["proposals"]
        assert names[0] in draft["proposals"]
    own = [award for award, _names, _confirmed in facts.awards if not award.is_proposed_upward]
    assert own and all(award.name not in draft["proposals"] for award in own)


def test_report_figures_equal_export_ranking(demo):
    term = demo["khoi-tong-hop"]
    period = Period.objects.get(term=term, kind="annual")
    exported = export_rows(load_period(period))
    facts = review.gather(term, "annual")
    assert [ln.export for ln in facts.lines] == [
        {**row, "agency_id": ln.export["agency_id"]}
        for row, ln in zip(exported, facts.lines, strict=True)
    ]
    document = services.request_document(term=term, kind="annual_report").document
    services.render_document(document.pk)
    text = _pdf_text(document)
    annex = text[text.index("Bảng điểm theo nhóm tiêu chí") :]
    for row in exported:
        # Each ranked agency's line of the annex ends with base, bonus, penalty and total.
        tail = " ".join(points_label(row[k]) for k in ("base", "bonus", "penalty", "total"))
        assert re.search(rf"^{row['rank']} .*{re.escape(tail)}$", annex, re.M), row


def test_half_year_report_compares_with_the_same_period_last_year(demo):
    term = BlocTerm.objects.get(bloc__code="khoi-tong-hop", year=2026)
    facts = review.gather(term, "semiannual")
    before = {
        r.agency_id: r
        for r in load_period(
            Period.objects.get(term__year=2025, term__bloc=term.bloc, kind="semiannual")
        ).ranked
    }
    assert facts.last_year == 2025 and facts.last_year_ranked
    for line in facts.lines:
        earlier = before.get(line.export["agency_id"])
        assert line.before_rank == (earlier.rank if earlier else None)
        if earlier:
            assert line.change == line.total - earlier.row.total
            assert line.move == earlier.rank - line.rank
    up, down = len(facts.moved_up), len(facts.moved_down)
    draft = review.first_draft(facts)
    assert (
        f"So với cùng kỳ năm 2025: {up} đơn vị tăng hạng, {down} đơn vị giảm hạng."
        in draft["results"]
    )


def _url(term, kind="annual"):
    return reverse("reports:review_report", args=[term.bloc.code, term.year, kind])


def test_secretariat_saves_a_section_and_the_others_keep_their_text(client, term, personas):
    client.force_login(personas["secretariat"])
    response = client.get(_url(term))
    assert response.status_code == 200
    # The page reads no figures: what is not written yet says so, and is drafted when saved.
    first = response.context["form"].initial
    assert not any(first[name].strip() for name in ReviewReport.SECTIONS)
    assert 'id="review-report-unwritten"' in response.content.decode()
    client.post(_url(term), {"situation": "Đoạn một.\n\nĐoạn hai.", "action": "save"})
    report = ReviewReport.objects.get(term=term, period_kind="annual")
    assert report.situation == "Đoạn một.\n\nĐoạn hai."
    # The sections the request did not send start from the first draft, never empty.
    assert report.results.strip() and report.proposals.strip()
    client.post(_url(term), {"proposals": "Kiến nghị mới.", "action": "save"})
    report.refresh_from_db()
    assert report.situation == "Đoạn một.\n\nĐoạn hai." and report.proposals == "Kiến nghị mới."
    page = client.get(_url(term)).content.decode()
    assert "Kiến nghị mới." in page and "Thủ trưởng B" in page  # the history names who wrote
    assert review.paragraphs(report.situation) == ["Đoạn một.", "Đoạn hai."]
    assert 'id="review-report-unwritten"' not in page


def test_asking_for_the_draft_fills_each_empty_section_from_the_figures(client, term, personas):
    client.force_login(personas["secretariat"])
    draft = review.first_draft(review.gather(term, "annual"))
    # A section typed in the form is kept; those left blank are drafted, once, and saved.
    sent = {name: "" for name in ReviewReport.SECTIONS} | {"situation": "Tự viết."}
    response = client.post(_url(term), sent | {"action": "draft"})
    assert response.status_code == 302
    report = ReviewReport.objects.get(term=term, period_kind="annual")
    assert report.situation == "Tự viết."
    for name in ReviewReport.SECTIONS[1:]:
        assert getattr(report, name) == draft[name], name
    shown = client.get(_url(term)).context["form"].initial
    assert shown == report.sections()
    # A section cleared is drafted again from the figures as they stand.
    client.post(_url(term), {"results": " ", "action": "draft"})
    report.refresh_from_db()
    assert report.results == draft["results"] and report.situation == "Tự viết."


def test_the_board_reads_the_saved_text_and_what_is_not_written_yet(client, term, personas):
    review.save_sections(
        term=term, period_kind="annual", data={"situation": "Đã viết."}, by=personas["secretariat"]
    )
    ReviewReport.objects.filter(term=term).update(proposals="")
    client.force_login(personas["board"])
    page = client.get(_url(term)).content.decode()
    assert "Đã viết." in page and "Chưa viết." in page
    assert 'id="review-report-unwritten"' in page and 'name="action"' not in page


def test_what_was_typed_survives_a_validation_error(client, term, personas):
    client.force_login(personas["secretariat"])
    typed = "Nội dung đã gõ cẩn thận – không được mất."
    response = client.post(
        _url(term),
        {"situation": typed, "results": "x" * (SECTION_MAX_CHARS + 1), "action": "issue"},
    )
    assert response.status_code == 200
    assert typed in response.content.decode()
    assert "quá giới hạn" in response.content.decode()
    assert not ReviewReport.objects.filter(term=term).exists()
    assert not Document.objects.filter(term=term).exists()


def test_preview_is_a_draft_and_issue_is_a_draft_until_the_period_is_agreed(client, term, personas):
    client.force_login(personas["secretariat"])
    response = client.post(_url(term), {"situation": "Bản xem trước.", "action": "preview"})
    preview = Document.objects.get(term=term, kind="annual_report")
    assert response["Location"] == preview.get_absolute_url()
    assert preview.provisional and preview.number is None
    assert preview.narrative["situation"] == "Bản xem trước."
    # The factory's year has no agreed year-end period: what is issued is a draft too.
    client.post(_url(term), {"situation": "Chưa thống nhất.", "action": "issue"})
    assert not Document.objects.filter(term=term, provisional=False).exists()


def test_issued_report_keeps_the_words_it_was_made_from_and_a_new_one_replaces_it(client, demo):
    term = demo["khoi-tong-hop"]
    board = BlocTerm.objects.get(pk=term.pk).bloc.council.board_officers.first().user
    review.save_sections(
        term=term, period_kind="annual", data={"situation": "Bản chính thức."}, by=board
    )
    issued = services.request_document(term=term, kind="annual_report", by=board).document
    assert not issued.provisional and issued.number is not None
    assert issued.narrative["situation"] == "Bản chính thức."
    services.render_document(issued.pk)
    assert "Bản chính thức." in _pdf_text(issued)
    # Regenerating after an edit issues a new number; the old one still verifies, as replaced.
    review.save_sections(
        term=term, period_kind="annual", data={"situation": "Bản sửa lại."}, by=board
    )
    requested = services.replace_document(document=issued, by=board)
    issued.refresh_from_db()
    assert requested.document.number == issued.number + 1
    assert issued.replaced_by == requested.document
    assert requested.document.narrative["situation"] == "Bản sửa lại."
    services.render_document(requested.document.pk)
    page = client.get(reverse("reports:verify", args=[issued.verification_code]))
    assert page.status_code == 200 and "Đã có bản thay thế" in page.content.decode()


def test_a_failed_render_shows_its_reason_and_keeps_the_text(monkeypatch, term, personas):
    def broken(html):
        raise ValueError("bảng điểm hỏng")

    review.save_sections(
        term=term,
        period_kind="annual",
        data={"situation": "Giữ nguyên."},
        by=personas["secretariat"],
    )
    monkeypatch.setattr(services, "html_to_pdf", broken)
    document = services.request_document(
        term=term, kind="annual_report", by=personas["secretariat"]
    ).document
    services.render_document(document.pk)
    document.refresh_from_db()
    assert document.status == Document.Status.FAILED and "bảng điểm hỏng" in document.error
    assert ReviewReport.objects.get(term=term).situation == "Giữ nguyên."


def test_members_read_the_issued_report_but_not_drafts(term, personas):
    from blocs.access import term_access
    from reports.access import can_read_document

    draft = services.request_document(
        term=term, kind="annual_report", params={"preview": True}
    ).document
    assert draft.provisional
    member = term_access(personas["member_head"], term)
    board = term_access(personas["board"], term)
    assert not can_read_document(member, draft)
    assert can_read_document(board, draft)
    issued = Document(term=term, kind="annual_report", provisional=False, number=9)
    assert can_read_document(member, issued)


EDITORS = {"secretariat", "secretariat_officer"}
READERS = EDITORS | {"board"}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_access_matrix(client, personas, term, persona, method):
    if personas[persona] is not None:
        client.force_login(personas[persona])
    response = getattr(client, method)(_url(term), {"situation": "Thử.", "action": "save"})
    allowed = READERS if method == "get" else EDITORS
    if persona in allowed:
        expected = 200 if method == "get" else 302
    else:
        expected = {"anonymous": 302, "outsider": 404}.get(persona, 403)
    assert response.status_code == expected, (persona, method, response.status_code)
    saved = ReviewReport.objects.filter(term=term).exists()
    assert saved == (method == "post" and persona in EDITORS)


def test_unknown_period_kind_is_404(client, term, personas):
    client.force_login(personas["secretariat"])
    assert client.get(_url(term, "quarterly")).status_code == 404


def test_matrix_covers_every_review_view():
    assert url_names_of("reports.views_review") == {"reports:review_report"}


@pytest.mark.parametrize("kind", ["semiannual", "annual"])
def test_report_page_queries_are_constant(
    client, term, personas, kind, django_assert_max_num_queries
):
    """The page reads the saved text, its history and the documents: no figures, so the same
    queries for a report never saved and one saved, whatever the members and documents."""
    import datetime

    from blocs.services.members import add_member
    from tests.factories import AgencyFactory

    client.force_login(personas["secretariat"])
    with django_assert_max_num_queries(11) as unsaved:
        assert client.get(_url(term, kind)).status_code == 200
    review.save_sections(
        term=term, period_kind=kind, data={"situation": "Một."}, by=personas["secretariat"]
    )
    review.save_sections(
        term=term, period_kind=kind, data={"situation": "Hai."}, by=personas["secretariat"]
    )
    with django_assert_max_num_queries(12) as saved:
        assert client.get(_url(term, kind)).status_code == 200
    for n in range(3):
        agency = AgencyFactory(council=term.bloc.council)
        add_member(term=term, agency=agency, joined_on=datetime.date(term.year, 1, 15))
        services.request_document(term=term, kind=review.KINDS[kind], params={"n": n})
    with django_assert_max_num_queries(len(saved.captured_queries)):
        assert client.get(_url(term, kind)).status_code == 200
    assert len(unsaved.captured_queries) <= len(saved.captured_queries)


def test_gathering_the_facts_costs_the_same_whatever_the_documents(term, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cost():
        with CaptureQueriesContext(connection) as queries:
            facts = review.gather(term, "annual")
            [d.header_number for d in facts.documents]
        return len(queries.captured_queries)

    before = cost()
    for n in range(3):
        # Different parameters: three documents in force, none replacing another.
        document = services.request_document(
            term=term, kind="member_list", params={"n": n}
        ).document
        services.render_document(document.pk)
    assert len(review.gather(term, "annual").documents) == 3
    assert cost() == before
