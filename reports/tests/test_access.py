"""Every reports view × every persona."""

import pytest
from django.urls import reverse

from reports import services
from tests.factories import PERSONAS
from tests.urlnames import url_names_of

pytestmark = pytest.mark.django_db

READERS = {
    "board",
    "secretariat",
    "secretariat_officer",
    "deputy",
    "member_head",
    "member_officer",
    "last_year_leader",
}
REQUESTERS = {"board", "secretariat", "secretariat_officer"}


@pytest.fixture
def ready_document(term, personas):
    document = services.request_document(
        term=term, kind="member_list", by=personas["secretariat"]
    ).document
    services.render_document(document.pk)
    document.refresh_from_db()
    return document


def login(client, user):
    if user is not None:
        client.force_login(user)


# url name, method, who succeeds, their status. Everyone else: an anonymous visitor is sent to
# the login page, an outsider gets 404 and any other user 403.
MATRIX = [
    ("verify", "get", set(PERSONAS), 200),
    ("term_documents", "get", READERS, 200),
    ("document_detail", "get", READERS, 200),
    ("document_status", "get", READERS, 200),
    ("document_download", "get", READERS, 200),
    ("term_documents_zip", "get", READERS, 200),
    ("document_docx", "get", READERS, 200),
    ("document_request", "post", REQUESTERS, 302),
    # The document is ready, so asking again issues a new one under the next number.
    ("document_rerender", "post", REQUESTERS, 302),
]


def url_of(name, document):
    term = document.term
    if name == "verify":
        args = [document.verification_code]
    elif name in ("term_documents", "document_request", "term_documents_zip"):
        args = [term.bloc.code, term.year]
    else:
        args = [document.pk]
    return reverse(f"reports:{name}", args=args)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name,method,allowed,status", MATRIX, ids=[row[0] for row in MATRIX])
def test_access_matrix(client, personas, ready_document, persona, name, method, allowed, status):
    login(client, personas[persona])
    data = {"kind": "member_list"} if name == "document_request" else {}
    response = getattr(client, method)(url_of(name, ready_document), data)
    if response.streaming:
        # A download holds its file open. Closing a response ends the request and, on
        # PostgreSQL, the test's connection: only downloads, after which nothing is queried.
        response.close()
    if persona in allowed:
        expected = status
    else:
        expected = {"anonymous": 302, "outsider": 404}.get(persona, 403)
    assert response.status_code == expected, (name, persona, response.status_code)
    if persona == "anonymous" and persona not in allowed:
        assert reverse("login") in response["Location"]
    if method == "post":
        # A refused write leaves nothing behind.
        assert ready_document.term.documents.count() == (2 if persona in allowed else 1)


def test_matrix_covers_every_reports_view():
    assert {f"reports:{name}" for name, *_rest in MATRIX} == url_names_of("reports.views")


def test_request_needs_post(client, personas, term):
    client.force_login(personas["secretariat"])
    url = reverse("reports:document_request", args=[term.bloc.code, term.year])
    assert client.get(url).status_code == 405


def test_request_refuses_an_unknown_kind_with_a_message(client, personas, term):
    client.force_login(personas["secretariat"])
    url = reverse("reports:document_request", args=[term.bloc.code, term.year])
    response = client.post(url, {"kind": "khong-co"}, follow=True)
    assert "Loại văn bản không hợp lệ" in response.content.decode()
    assert term.documents.count() == 0


def test_read_views_are_get_only(client, personas, ready_document):
    client.force_login(personas["secretariat"])
    assert (
        client.post(reverse("reports:document_detail", args=[ready_document.pk])).status_code == 405
    )
    assert (
        client.post(reverse("reports:document_download", args=[ready_document.pk])).status_code
        == 405
    )


def test_every_other_method_is_refused(client, personas, term, ready_document):
    client.force_login(personas["secretariat"])
    documents = reverse("reports:term_documents", args=[term.bloc.code, term.year])
    status = reverse("reports:document_status", args=[ready_document.pk])
    rerender = reverse("reports:document_rerender", args=[ready_document.pk])
    verify = reverse("reports:verify", args=[ready_document.verification_code])
    assert client.post(documents).status_code == 405
    assert client.post(status).status_code == 405
    assert client.get(rerender).status_code == 405
    assert client.put(verify).status_code == 405
