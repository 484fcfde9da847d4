"""Every reports view × every persona."""

import pytest
from django.urls import reverse

from reports import services
from tests.factories import PERSONAS

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


def expected(persona, allowed):
    if persona == "anonymous":
        return 302
    if persona == "outsider":
        return 404
    return 200 if persona in allowed else 403


@pytest.fixture
def ready_document(term, personas):
    document = services.request_document(term=term, kind="member_list", by=personas["secretariat"])
    services.render_document(document.pk)
    document.refresh_from_db()
    return document


def login(client, user):
    if user is not None:
        client.force_login(user)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "name", ["term_documents", "document_detail", "document_status", "document_download"]
)
def test_read_views(client, personas, ready_document, persona, name):
    login(client, personas[persona])
    term = ready_document.term
    args = [term.bloc.code, term.year] if name == "term_documents" else [ready_document.pk]
    response = client.get(reverse(f"reports:{name}", args=args))
    response.close()
    if persona == "last_year_leader":
        # Agency A is still a member this year, so its users read the documents.
        assert response.status_code == 200
    else:
        assert response.status_code == expected(persona, READERS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_request_document(client, personas, term, persona):
    login(client, personas[persona])
    url = reverse("reports:document_request", args=[term.bloc.code, term.year])
    response = client.post(url, {"kind": "member_list"})
    if persona in REQUESTERS:
        assert response.status_code == 302
        assert term.documents.count() == 1
    else:
        assert response.status_code == expected(persona, REQUESTERS)
        assert term.documents.count() == 0


@pytest.mark.parametrize(
    "persona", ["board", "secretariat", "deputy", "member_head", "outsider", "anonymous"]
)
def test_rerender_document(client, personas, ready_document, persona):
    login(client, personas[persona])
    response = client.post(reverse("reports:document_rerender", args=[ready_document.pk]))
    assert response.status_code == (302 if persona in REQUESTERS else expected(persona, REQUESTERS))


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


def test_verify_is_public(client, ready_document):
    assert (
        client.get(reverse("reports:verify", args=[ready_document.verification_code])).status_code
        == 200
    )
