"""One zip of a bloc-year's documents, with an index to check each file against."""

import csv
import hashlib
import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from campaigns.models import Period
from campaigns.tests import review_helpers as h
from reports import services
from reports.archive import archive_name, build_archive, readable_documents
from reports.models import Document

pytestmark = pytest.mark.django_db


def _ready(term, kind="member_list", params=None, *, content=b"") -> Document:
    """A ready document with a small stand-in PDF (rendering is tested elsewhere)."""
    document = services.request_document(term=term, kind=kind, params=params).document
    pdf = b"%PDF-1.7\n" + (content or f"{kind} {params}".encode()) + b"\n%%EOF\n"
    services.store_pdf(document, pdf, pages=2)
    document.refresh_from_db()
    return document


@pytest.fixture
def year(bloc_world):
    """Two numbered documents (the first replaced by the second, which has a Word copy) and a
    draft ranking of a half-year the bloc has not agreed yet."""
    term = bloc_world.term
    first = _ready(term)
    second = _ready(term, params={"n": 2})
    second.docx_file.save("ds.docx", ContentFile(b"PK\x03\x04 word copy"), save=True)
    Document.objects.filter(pk=first.pk).update(replaced_by=second)
    period = h.make_period(term, kind=Period.Kind.SEMIANNUAL)
    h.make_cards(period, h.make_table(term))
    draft = _ready(term, "score_table_semiannual")
    assert draft.provisional
    # Not ready: left out of the zip.
    services.request_document(term=term, kind="member_list", params={"n": 3})
    for document in (first, second, draft):
        document.refresh_from_db()
    return {"term": term, "first": first, "second": second, "draft": draft}


def download(client, user, term):
    client.force_login(user)
    url = reverse("reports:term_documents_zip", args=[term.bloc.code, term.year])
    response = client.get(url)
    return response


def open_zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def index_rows(archive: zipfile.ZipFile) -> list[dict]:
    raw = archive.read("index.csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_the_zip_holds_every_ready_document_its_word_copy_and_an_index(client, year, personas):
    term, first, second, draft = year["term"], year["first"], year["second"], year["draft"]
    response = download(client, personas["secretariat"], term)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert f'filename="{archive_name(term)}"' in response["Content-Disposition"]
    assert archive_name(term) == f"van-ban-{term.bloc.code}-{term.year}.zip"
    archive = open_zip(response)
    assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in archive.infolist())
    assert sorted(archive.namelist()) == sorted(
        [
            first.download_name,
            second.download_name,
            second.docx_download_name,
            f"du-thao/{draft.download_name}",
            "index.html",
            "index.csv",
        ]
    )
    assert archive.read(second.docx_download_name) == b"PK\x03\x04 word copy"
    rows = index_rows(archive)
    assert [r["Số"] for r in rows] == ["Số: 01/DS-KTĐ", "Số: 02/DS-KTĐ", "Dự thảo (không số)"]
    one, two, three = rows
    assert one["Trích yếu"] == first.title
    assert one["Loại văn bản"] == "Danh sách đơn vị thành viên"
    assert one["Ngày ban hành"] == first.issued_on.strftime("%d/%m/%Y")
    assert one["Số trang"] == "2"
    assert one["SHA-256"] == first.sha256
    assert one["Mã xác thực"] == first.verification_code
    assert one["Địa chỉ xác thực"] == first.verify_address()
    assert one["Được thay bằng"] == "Số: 02/DS-KTĐ" and two["Được thay bằng"] == ""
    assert (one["Dự thảo"], three["Dự thảo"]) == ("", "Có")
    assert three["Tệp PDF"] == f"du-thao/{draft.download_name}"
    assert two["Tệp Word"] == second.docx_download_name
    index = archive.read("index.html").decode("utf-8")
    assert '<meta charset="utf-8">' in index
    for document in (first, second, draft):
        assert document.sha256 in index and document.verify_address() in index
    assert f'href="du-thao/{draft.download_name}"' in index
    assert "Dự thảo" in index


def test_each_file_in_the_zip_has_the_documents_sha256(client, year, personas):
    archive = open_zip(download(client, personas["board"], year["term"]))
    for document in (year["first"], year["second"], year["draft"]):
        folder = "du-thao/" if document.provisional else ""
        data = archive.read(folder + document.download_name)
        assert hashlib.sha256(data).hexdigest() == document.sha256


def test_an_outsider_gets_404(client, year, personas):
    assert download(client, personas["outsider"], year["term"]).status_code == 404


def test_a_members_zip_leaves_out_what_they_may_not_read(client, year, personas):
    # A member sees a ranking only once the bloc has agreed it: the draft stays out.
    archive = open_zip(download(client, personas["member_head"], year["term"]))
    names = archive.namelist()
    assert year["first"].download_name in names and year["second"].download_name in names
    assert not any(name.startswith("du-thao/") for name in names)
    assert [r["Số"] for r in index_rows(archive)] == ["Số: 01/DS-KTĐ", "Số: 02/DS-KTĐ"]
    assert year["draft"].sha256 not in archive.read("index.html").decode()


def test_two_drafts_of_one_kind_keep_both_files(bloc_world):
    term = bloc_world.term
    period = h.make_period(term, kind=Period.Kind.SEMIANNUAL)
    h.make_cards(period, h.make_table(term))
    older = _ready(term, "score_table_semiannual", content=b"older")
    newer = _ready(term, "score_table_semiannual", content=b"newer")
    archive = zipfile.ZipFile(io.BytesIO(build_archive(term, [older, newer])))
    drafts = [n for n in archive.namelist() if n.startswith("du-thao/")]
    assert len(drafts) == 2
    assert {hashlib.sha256(archive.read(n)).hexdigest() for n in drafts} == {
        older.sha256,
        newer.sha256,
    }


def test_the_zip_takes_a_constant_number_of_queries(
    client, year, personas, django_assert_max_num_queries
):
    term = year["term"]
    client.force_login(personas["member_head"])
    url = reverse("reports:term_documents_zip", args=[term.bloc.code, term.year])
    with django_assert_max_num_queries(8) as few:
        b"".join(client.get(url).streaming_content)
    for n in range(4, 10):
        _ready(term, params={"n": n})
        _ready(term, "score_table_semiannual", content=f"draft {n}".encode())
    with django_assert_max_num_queries(len(few.captured_queries)):
        archive = open_zip(client.get(url))
    # Eight member lists (one with its Word copy) and the index; the drafts stay out.
    assert len(archive.namelist()) == 8 + 1 + 2


def test_the_documents_page_takes_a_constant_number_of_queries(
    client, year, personas, django_assert_max_num_queries
):
    term = year["term"]
    client.force_login(personas["member_head"])
    url = reverse("reports:term_documents", args=[term.bloc.code, term.year])
    with django_assert_max_num_queries(10) as few:
        assert client.get(url).status_code == 200
    for n in range(4, 10):
        _ready(term, params={"n": n})
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_readable_documents_asks_each_kinds_rule_once(year, personas, monkeypatch):
    from blocs.access import term_access
    from reports import access as report_access

    calls = []
    real = report_access.can_read_document

    def counting(access, document):
        calls.append(document.pk)
        return real(access, document)

    monkeypatch.setattr(report_access, "can_read_document", counting)
    access = term_access(personas["board"], year["term"])
    documents = readable_documents(year["term"], access)
    assert {d.pk for d in documents} == {year["first"].pk, year["second"].pk, year["draft"].pk}
    # Two numbered member lists with different parameters and one draft ranking.
    assert len(calls) == 3
