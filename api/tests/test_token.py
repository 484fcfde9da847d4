"""A user makes, reads once and revokes their API token; the API knows them by it."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from api.tests.conftest import EVERYONE

pytestmark = pytest.mark.django_db


def term_url(api_world):
    return reverse("api:term_detail", args=[api_world.term.bloc.code, api_world.term.year])


def with_token(client, url, key):
    return client.get(url, headers={"Authorization": f"Token {key}"})


@pytest.mark.parametrize("persona", EVERYONE)
def test_every_signed_in_user_has_the_token_page(client, users, persona):
    user = users[persona]
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("api:token"))
    if user is None:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == 200
        assert "Đồng chí chưa có mã truy cập." in response.content.decode()
        assert "no-store" in response["Cache-Control"]


def test_a_new_token_is_shown_once_and_opens_the_api(client, api_world, users):
    user = users["member_head"]
    client.force_login(user)
    response = client.post(reverse("api:token"), {"action": "create"})
    assert response.status_code == 302 and response["Location"] == reverse("api:token")
    key = Token.objects.get(user=user).key
    first = client.get(reverse("api:token")).content.decode()
    assert key in first and "chỉ hiện một lần" in first
    again = client.get(reverse("api:token")).content.decode()
    assert key not in again and "Đồng chí đang có một mã truy cập" in again
    client.logout()
    assert with_token(client, term_url(api_world), key).status_code == 200


def test_a_new_token_replaces_the_old_one(client, api_world, users):
    user = users["board"]
    client.force_login(user)
    client.post(reverse("api:token"), {"action": "create"})
    old = Token.objects.get(user=user).key
    client.post(reverse("api:token"), {"action": "create"})
    new = Token.objects.get(user=user).key
    assert new != old
    client.logout()
    assert with_token(client, term_url(api_world), old).status_code == 401
    assert with_token(client, term_url(api_world), new).status_code == 200


def test_a_revoked_token_opens_nothing(client, api_world, users, token_for):
    user = users["secretariat"]
    key = token_for(user)
    client.force_login(user)
    response = client.post(reverse("api:token"), {"action": "revoke"}, follow=True)
    assert "Đã thu hồi mã truy cập." in response.content.decode()
    assert not Token.objects.filter(user=user).exists()
    client.logout()
    response = with_token(client, term_url(api_world), key)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_revoking_without_a_token_says_so(client, users):
    client.force_login(users["member_officer"])
    response = client.post(reverse("api:token"), {"action": "revoke"}, follow=True)
    assert "chưa có mã truy cập nào để thu hồi" in response.content.decode()


def test_an_unknown_action_is_refused_and_makes_no_token(client, users):
    client.force_login(users["member_officer"])
    response = client.post(reverse("api:token"), {"action": "xoa-het"})
    assert response.status_code == 400
    assert "Thao tác với mã truy cập không hợp lệ." in response.content.decode()
    assert not Token.objects.exists()


def test_the_token_page_needs_the_csrf_token(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["member_officer"])
    assert client.post(reverse("api:token"), {"action": "create"}).status_code == 403
    assert not Token.objects.exists()


def test_the_token_page_takes_only_get_and_post(client, users):
    client.force_login(users["member_officer"])
    assert client.put(reverse("api:token")).status_code == 405


def test_a_wrong_token_is_refused(client, api_world):
    response = with_token(client, term_url(api_world), "0" * 40)
    assert response.status_code == 401
    assert response.json()["detail"]


def test_the_token_of_a_deactivated_user_is_refused(client, api_world, users, token_for):
    user = users["member_head"]
    key = token_for(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert with_token(client, term_url(api_world), key).status_code == 401


def test_a_token_sees_what_its_user_sees_and_no_more(client, api_world, users, token_for):
    url = term_url(api_world)
    assert with_token(client, url, token_for(users["outsider"])).status_code == 404
    assert with_token(client, url, token_for(users["member_officer"])).status_code == 200


def test_the_signed_in_browser_reads_the_browsable_api(client, api_world, users):
    client.force_login(users["member_officer"])
    response = client.get(term_url(api_world), headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert api_world.term.bloc.name in response.content.decode()


def test_a_token_downloads_the_pdf_it_may_read(client, api_world, users, token_for):
    from django.urls import reverse

    document = api_world.member_list
    key = token_for(users["member_officer"])
    response = client.get(
        reverse("api:document_file", args=[document.pk]), headers={"Authorization": f"Token {key}"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    with document.file.open("rb") as f:
        assert b"".join(response.streaming_content) == f.read()
    listed = client.get(
        reverse("api:document_detail", args=[document.pk]),
        headers={"Authorization": f"Token {key}"},
    ).json()
    assert listed["file_url"].endswith(reverse("api:document_file", args=[document.pk]))
