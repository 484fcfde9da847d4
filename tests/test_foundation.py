import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_eager_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "eager", "documents_waiting": 0}


def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405


def test_login_page_is_vietnamese(client):
    response = client.get(reverse("login"))
    content = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in content
    assert "Tên đăng nhập" in content and "Mật khẩu" in content


def test_login_with_wrong_password_keeps_username_and_says_why(client, personas):
    user = personas["member_head"]
    response = client.post(reverse("login"), {"username": user.username, "password": "sai"})
    content = response.content.decode()
    assert response.status_code == 200
    assert user.username in content
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in content


def test_login_leads_to_dashboard_with_own_bloc(client, bloc_world):
    from tests.factories import PASSWORD

    response = client.post(
        reverse("login"),
        {"username": bloc_world.member_head.username, "password": PASSWORD},
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert bloc_world.bloc.name in response.content.decode()


def test_dashboard_requires_login(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_password_change_in_vietnamese(client, personas):
    from tests.factories import PASSWORD

    user = personas["member_officer"]
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Khoi-thi-dua-2027!",
            "new_password2": "Khoi-thi-dua-2027!",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Khoi-thi-dua-2027!")


def test_english_is_available(client, personas):
    client.force_login(personas["member_head"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("dashboard"))
    assert '<html lang="en">' in response.content.decode()


def test_browser_language_does_not_override_vietnamese(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="vi">' in response.content.decode()
