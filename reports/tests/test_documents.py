import hashlib
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from reports import services, tasks
from reports.models import Document

pytestmark = pytest.mark.django_db


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def member_list(term, personas):
    return services.request_document(
        term=term, kind="member_list", by=personas["secretariat"]
    ).document


def test_member_list_renders_in_the_state_layout(
    member_list, bloc_world, django_capture_on_commit_callbacks
):
    # Eager tasks run on commit; the test transaction never commits, so render directly.
    services.render_document(member_list.pk)
    member_list.refresh_from_db()
    assert member_list.status == Document.Status.READY
    with member_list.file.open("rb") as f:
        data = f.read()
    assert data.startswith(b"%PDF-")
    assert member_list.sha256 == hashlib.sha256(data).hexdigest()
    assert member_list.pages >= 1
    text = pdf_text(member_list.file.path)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" not in text
    assert "Số: 01/DS-KTĐ" in text
    assert "DANH SÁCH" in text
    for agency in bloc_world.agencies:
        assert agency.name in text
    assert member_list.verification_code in text


def test_member_list_renders_in_the_party_layout(term, personas):
    """A Party leader agency issues the bloc's documents in the Party layout."""
    from blocs.models import Agency

    Agency.objects.filter(pk=term.leader.pk).update(kind=Agency.Kind.PARTY)
    term.refresh_from_db()
    member_list = services.request_document(
        term=term, kind="member_list", by=personas["secretariat"]
    ).document
    assert member_list.layout == "party"
    services.render_document(member_list.pk)
    member_list.refresh_from_db()
    text = pdf_text(member_list.file.path)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in text
    assert "Số 01-DS/KTĐ" in text


def test_the_bloc_may_fix_its_layout_and_an_issued_document_keeps_its_own(term, personas):
    from blocs.models import Agency, Bloc

    Agency.objects.filter(pk=term.leader.pk).update(kind=Agency.Kind.PARTY)
    Bloc.objects.filter(pk=term.bloc_id).update(document_profile="state")
    term = type(term).objects.get(pk=term.pk)
    first = services.request_document(
        term=term, kind="member_list", by=personas["secretariat"]
    ).document
    assert first.layout == "state"
    assert first.header_number == "Số: 01/DS-KTĐ"
    Bloc.objects.filter(pk=term.bloc_id).update(document_profile="")
    term = type(term).objects.get(pk=term.pk)
    assert term.document_profile == "party"
    first.refresh_from_db()
    assert first.header_number == "Số: 01/DS-KTĐ"
    services.render_document(first.pk)
    second = services.request_document(
        term=term, kind="member_list", by=personas["secretariat"]
    ).document
    assert (second.layout, second.header_number) == ("party", "Số 02-DS/KTĐ")


def test_queued_documents_render_on_commit_and_number_in_series(
    term, personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = services.request_document(term=term, kind="member_list", by=personas["board"])
        tasks.queue_render(first.document.pk)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.request_document(term=term, kind="member_list", by=personas["board"])
        tasks.queue_render(second.document.pk)
    # One render queued on commit (the mail telling the board it is ready queues itself too).
    assert sum("queue_render" in c.__qualname__ for c in callbacks) == 1
    first, second = first.document, second.document
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.number, second.number) == (1, 2)
    assert first.status == second.status == Document.Status.READY
    assert first.verification_code != second.verification_code


def test_a_repeated_request_joins_the_one_in_progress_and_spends_no_number(term, personas):
    first = services.request_document(term=term, kind="member_list", by=personas["secretariat"])
    again = services.request_document(term=term, kind="member_list", by=personas["board"])
    assert first.created and not again.created
    assert again.document.pk == first.document.pk
    assert Document.objects.filter(term=term).count() == 1
    # Different parameters are a different document.
    other = services.request_document(
        term=term, kind="member_list", by=personas["board"], params={"x": "1"}
    )
    assert other.created and other.document.number == 2
    # Once the first is ready, a new request is a new document with the next number.
    services.render_document(first.document.pk)
    fresh = services.request_document(term=term, kind="member_list", by=personas["board"])
    assert fresh.created and fresh.document.number == 3


def test_a_request_after_a_failure_takes_the_failed_number_up_again(term, personas):
    first = services.request_document(term=term, kind="member_list").document
    Document.objects.filter(pk=first.pk).update(status="failed", error="x", attempts=1)
    again = services.request_document(term=term, kind="member_list")
    assert not again.created and again.document.pk == first.pk
    again.document.refresh_from_db()
    assert (again.document.status, again.document.error) == ("pending", "")


def test_rerendering_replaces_the_file_and_never_adds_one(member_list):
    services.render_document(member_list.pk)
    member_list.refresh_from_db()
    first_name = member_list.file.name
    folder = member_list.file.storage.path(first_name).rsplit("/", 1)[0]
    services.render_document(member_list.pk, force=True)
    member_list.refresh_from_db()
    assert member_list.file.name == first_name
    assert member_list.attempts == 2
    import os

    # One PDF and its Word copy, each replaced in place.
    stem = first_name.rsplit("/", 1)[1].removesuffix(".pdf")
    assert sorted(os.listdir(folder)) == [f"{stem}.docx", f"{stem}.pdf"]


def test_a_claimed_document_is_not_rendered_twice(member_list):
    assert services.claim_document(member_list.pk) is True
    assert services.claim_document(member_list.pk) is False
    assert services.render_document(member_list.pk) is None


def test_a_template_error_fails_fast_and_keeps_the_message(member_list, monkeypatch):
    from reports.kinds import KINDS

    kind = KINDS["member_list"]
    monkeypatch.setitem(
        KINDS,
        "member_list",
        type(kind)(**{**kind.__dict__, "template": "reports/pdf/does_not_exist.html"}),
    )
    services.render_document(member_list.pk)
    member_list.refresh_from_db()
    assert member_list.status == Document.Status.FAILED
    assert "does_not_exist.html" in member_list.error
    assert not member_list.file


def test_failed_document_shows_its_error_on_the_page(client, member_list, personas):
    Document.objects.filter(pk=member_list.pk).update(
        status="failed", error="TemplateSyntaxError: x"
    )
    client.force_login(personas["secretariat"])
    response = client.get(reverse("reports:document_detail", args=[member_list.pk]))
    assert "Không tạo được văn bản" in response.content.decode()
    assert "TemplateSyntaxError: x" in response.content.decode()


def test_verify_page_confirms_a_matching_copy_and_refuses_a_changed_one(client, member_list):
    services.render_document(member_list.pk)
    member_list.refresh_from_db()
    url = reverse("reports:verify", args=[member_list.verification_code])
    response = client.get(url)
    assert response.status_code == 200
    assert member_list.sha256 in response.content.decode()
    with member_list.file.open("rb") as f:
        original = f.read()
    ok = client.post(url, {"file": SimpleUploadedFile("copy.pdf", original)})
    assert "Khớp." in ok.content.decode()
    tampered = client.post(url, {"file": SimpleUploadedFile("copy.pdf", original + b"%")})
    assert "Không khớp." in tampered.content.decode()


def test_verify_page_says_when_a_code_is_unknown(client):
    response = client.get(reverse("reports:verify", args=["XXXX-XXXX-XXXX"]))
    assert response.status_code == 404
    assert "Không có văn bản nào mang mã xác thực" in response.content.decode()


def test_render_document_command_prints_the_path(term, tmp_path, capsys):
    output = tmp_path / "ds.pdf"
    call_command(
        "render_document", term.bloc.code, str(term.year), "member_list", "--output", str(output)
    )
    assert capsys.readouterr().out.strip() == str(output)
    assert output.read_bytes().startswith(b"%PDF-")


def test_render_document_command_refuses_an_unknown_kind(term):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="unknown kind"):
        call_command("render_document", term.bloc.code, str(term.year), "nope")


def test_pdf_fetcher_refuses_remote_and_file_urls():
    from reports.rendering import LocalStaticFetcher

    fetcher = LocalStaticFetcher()
    for url in (
        "https://example.com/x.css",
        "file:///etc/passwd",
        "http://khoithidua.local/media/x.pdf",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.fetch("http://khoithidua.local/static/fonts/Tinos-Regular.ttf").status == 200


def test_vietnamese_date_pads_days_and_first_two_months():
    import datetime

    assert services.vietnamese_date(datetime.date(2025, 8, 5)) == "ngày 05 tháng 8 năm 2025"
    assert services.vietnamese_date(datetime.date(2026, 2, 14)) == "ngày 14 tháng 02 năm 2026"
    assert services.vietnamese_date(datetime.date(2026, 12, 1)) == "ngày 01 tháng 12 năm 2026"


def test_asking_again_for_a_ready_document_issues_a_new_one_and_keeps_the_old(
    client, member_list, personas, django_capture_on_commit_callbacks
):
    services.render_document(member_list.pk)
    member_list.refresh_from_db()
    old_hash = member_list.sha256
    client.force_login(personas["secretariat"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:document_rerender", args=[member_list.pk]))
    fresh = Document.objects.exclude(pk=member_list.pk).get()
    assert response["Location"] == fresh.get_absolute_url()
    assert fresh.number == member_list.number + 1
    member_list.refresh_from_db()
    assert member_list.sha256 == old_hash
    assert member_list.status == Document.Status.READY


def test_a_failed_document_is_rendered_again_under_its_number(
    client, member_list, personas, django_capture_on_commit_callbacks
):
    Document.objects.filter(pk=member_list.pk).update(status="failed", error="x")
    client.force_login(personas["secretariat"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:document_rerender", args=[member_list.pk]))
    member_list.refresh_from_db()
    assert member_list.status == Document.Status.READY
    assert Document.objects.count() == 1


def test_a_document_asked_for_on_the_page_is_rendered_after_commit(
    client, term, personas, django_capture_on_commit_callbacks
):
    client.force_login(personas["secretariat"])
    url = reverse("reports:document_request", args=[term.bloc.code, term.year])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url, {"kind": "member_list"})
    document = Document.objects.get()
    assert response["Location"] == document.get_absolute_url()
    assert sum("queue_render" in c.__qualname__ for c in callbacks) == 1
    document.refresh_from_db()
    assert document.status == Document.Status.READY


def test_the_board_may_ask_for_documents_of_a_closed_year(client, bloc_world):
    previous = bloc_world.previous_term
    client.force_login(bloc_world.board)
    url = reverse("reports:document_request", args=[previous.bloc.code, previous.year])
    assert client.post(url, {"kind": "member_list"}).status_code == 302
    client.force_login(bloc_world.last_year_leader)
    assert client.post(url, {"kind": "member_list"}).status_code == 403


def test_an_issued_pdf_is_signed_and_the_verify_page_checks_its_signature(client, member_list):
    from reports.signing import signature_status

    services.render_document(member_list.pk)
    member_list.refresh_from_db()
    with member_list.file.open("rb") as f:
        data = f.read()
    status = signature_status(data)
    assert status.valid and status.covers_whole_file, status.detail
    page = client.get(reverse("reports:verify", args=[member_list.verification_code]))
    text = page.content.decode()
    assert "Chữ ký số trong tệp PDF" in text and "alert-success" in text
    assert status.signer in text


def test_a_draft_is_not_signed(term, personas):
    from reports.signing import signature_status

    draft = services.request_document(
        term=term, kind="annual_report", by=personas["secretariat"], params={"preview": True}
    ).document
    services.render_document(draft.pk)
    draft.refresh_from_db()
    with draft.file.open("rb") as f:
        assert not signature_status(f.read()).signed
