"""Password guessing, the production key, the Content-Security-Policy, the client's address
behind a proxy, and the error pages."""

import datetime
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.http import HttpRequest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.views import defaults

from campaigns.models import PledgeSignature
from campaigns.tests.test_pledge_support import make_open
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 5


def _attempts():
    """The failed attempts django-axes recorded."""
    from axes.models import AccessAttempt

    return AccessAttempt.objects


def _login(client, user, password, **extra):
    return client.post(reverse("login"), {"username": user.username, "password": password}, **extra)


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def _fail_logins(client, user, times=LIMIT, **extra):
    for _ in range(times):
        _login(client, user, "sai-mat-khau", **extra)


# Password guessing (django-axes) -------------------------------------------------------------


def test_login_is_locked_after_five_wrong_passwords_even_with_the_right_one(client, personas):
    user = personas["member_head"]
    _fail_logins(client, user)
    response = _login(client, user, PASSWORD)
    assert response.status_code == 429
    assert not _logged_in(client)
    # The refused attempt counts too: trying while locked starts the wait again.
    assert _attempts().get(username=user.username).failures_since_start == LIMIT + 1


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_a_username_longer_than_any_account_is_refused_and_counted_not_a_server_error(client, url):
    # The lockout's record holds 255 characters; a typed name of 256 once answered 500.
    typed = "a" * 256
    response = client.post(url, {"username": typed, "password": "sai"})
    assert response.status_code == 200
    assert not _logged_in(client)
    assert _attempts().get().username == typed[:150]


def test_four_wrong_passwords_do_not_lock(client, personas):
    user = personas["member_head"]
    _fail_logins(client, user, times=LIMIT - 1)
    assert _login(client, user, PASSWORD).status_code == 302
    # A successful login forgets the failures of this username on this address.
    assert not _attempts().exists()


def test_lockout_page_says_until_when_and_whom_to_contact(client, personas, settings):
    settings.SUPPORT_CONTACT = "Văn phòng Ban Thi đua – Khen thưởng tỉnh, 0233 3852 000"
    user = personas["member_head"]
    _fail_logins(client, user)
    response = _login(client, user, PASSWORD)
    page = response.content.decode()
    retry_at = timezone.localtime() + datetime.timedelta(minutes=15)
    assert '<html lang="vi">' in page and "Tạm khóa do nhập sai mật khẩu" in page
    assert user.username in page and "15 phút" in page
    assert retry_at.strftime("%d/%m/%Y") in page
    assert re.search(r"<strong>\d\d:\d\d ngày", page)
    assert "quản trị viên hệ thống" in page and settings.SUPPORT_CONTACT in page


def test_a_colleague_on_the_same_office_address_still_logs_in(client, personas):
    _fail_logins(client, personas["member_head"])
    assert _login(client, personas["member_officer"], PASSWORD).status_code == 302


def test_the_same_user_from_another_address_still_logs_in(client, personas):
    user = personas["member_head"]
    _fail_logins(client, user, REMOTE_ADDR="198.51.100.7")
    assert _login(client, user, PASSWORD, REMOTE_ADDR="203.0.113.20").status_code == 302


def test_lockout_ends_fifteen_minutes_after_the_last_attempt(client, personas):
    user = personas["member_head"]
    _fail_logins(client, user)
    _attempts().update(attempt_time=timezone.now() - datetime.timedelta(minutes=14))
    assert _login(client, user, PASSWORD).status_code == 429
    # That attempt started the 15 minutes again.
    _attempts().update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert _login(client, user, PASSWORD).status_code == 302


def test_wrong_signing_passwords_lock_the_pledge_too(client, bloc_world):
    pledge = make_open(bloc_world)
    client.force_login(bloc_world.member_head)
    url = reverse("campaigns:pledge_sign", args=[bloc_world.bloc.code, bloc_world.term.year])
    data = {
        "agency": str(bloc_world.d.pk),
        "content_hash": pledge.content_hash,
        "password": "doan-mat-khau",
        "confirm": "on",
    }
    for _ in range(LIMIT - 1):
        response = client.post(url, data)
        assert response.status_code == 200
        assert "Mật khẩu không đúng" in response.content.decode()
    assert client.post(url, data).status_code == 429
    response = client.post(url, {**data, "password": PASSWORD})
    assert response.status_code == 429
    assert "Tạm khóa do nhập sai mật khẩu" in response.content.decode()
    assert not PledgeSignature.objects.exists()
    attempt = _attempts().get(username=bloc_world.member_head.username)
    assert "doan-mat-khau" not in attempt.post_data and "confirm=on" in attempt.post_data


def test_wrong_old_passwords_lock_the_password_change(client, personas):
    user = personas["member_officer"]
    client.force_login(user)
    data = {
        "old_password": "doan-mat-khau",
        "new_password1": "Mat-khau-moi-2027!",
        "new_password2": "Mat-khau-moi-2027!",
    }
    for _ in range(LIMIT):
        client.post(reverse("password_change"), data)
    response = client.post(reverse("password_change"), {**data, "old_password": PASSWORD})
    assert response.status_code == 429
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    # The attempt keeps the form posted, never a password in clear.
    stored = _attempts().get(username=user.username).post_data
    assert "doan-mat-khau" not in stored and "Mat-khau-moi-2027!" not in stored


def test_the_admin_password_change_is_the_throttled_one(admin_client):
    response = admin_client.get("/admin/password_change/")
    assert response.status_code == 302 and response["Location"] == reverse("password_change")


def test_no_password_is_compared_outside_the_authentication_backends():
    """Every password typed again goes through blocs.auth.password_is_correct."""
    offenders = []
    for app in ("blocs", "campaigns", "awards", "reports", "khoithidua"):
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT)
            if "tests" in relative.parts or relative == Path("blocs/auth.py"):
                continue
            if ".check_password(" in path.read_text(encoding="utf-8"):
                offenders.append(str(relative))
    assert offenders == []


def test_an_administrator_unlocks_a_user_in_the_admin(client, admin_client, personas):
    user = personas["member_head"]
    _fail_logins(client, user)
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert user.username in admin_client.get(changelist).content.decode()
    attempt = _attempts().get(username=user.username)
    delete = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert not _attempts().exists()
    assert _login(client, user, PASSWORD).status_code == 302


def test_axes_reset_username_unlocks_a_user(client, personas):
    user = personas["member_head"]
    _fail_logins(client, user)
    out = io.StringIO()
    call_command("axes_reset_username", user.username, stdout=out)
    assert "1 attempts removed" in out.getvalue()
    assert _login(client, user, PASSWORD).status_code == 302


def test_test_clients_still_log_in(client, personas):
    user = personas["member_head"]
    client.force_login(user)
    assert client.get(reverse("dashboard")).status_code == 200
    client.logout()
    from axes.exceptions import AxesBackendRequestParameterRequired

    # The lockout needs the request: authenticate() without one is refused, never unthrottled.
    with pytest.raises(AxesBackendRequestParameterRequired):
        client.login(username=user.username, password=PASSWORD)
    assert client.login(request=HttpRequest(), username=user.username, password=PASSWORD)
    assert client.get(reverse("dashboard")).status_code == 200


# The secret key of production ----------------------------------------------------------------


def _import_settings(**environment):
    """Import the settings in a fresh interpreter, with exactly this environment (no .env)."""
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(environment)
    code = (
        "import environ; environ.Env.read_env = classmethod(lambda *a, **k: None); "
        "import khoithidua.settings as s; print('started', s.DEBUG)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    "key",
    [
        None,
        "",
        "   ",
        "dev-only-insecure-key-change-me-0123456789abcdef",
        "change-me-to-a-long-random-string",
    ],
)
def test_production_refuses_to_start_on_a_public_or_missing_key(key):
    environment = {"DEBUG": "false"}
    if key is not None:
        environment["SECRET_KEY"] = key
    result = _import_settings(**environment)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY" in result.stderr
    assert "started" not in result.stdout


def test_production_starts_on_a_key_of_its_own():
    result = _import_settings(DEBUG="false", SECRET_KEY="k" * 50)
    assert result.returncode == 0, result.stderr
    assert "started False" in result.stdout


def test_development_starts_without_a_key():
    result = _import_settings()
    assert result.returncode == 0, result.stderr
    assert "started True" in result.stdout


def test_a_trusted_proxy_that_is_no_address_refuses_to_start():
    result = _import_settings(TRUSTED_PROXIES="10.0.0.1,proxy.local")
    assert result.returncode != 0 and "TRUSTED_PROXIES" in result.stderr


# Content-Security-Policy ---------------------------------------------------------------------


def _directives(header: str) -> dict:
    parts = [p.strip().split() for p in header.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def test_pages_carry_a_strict_content_security_policy(client, personas):
    client.force_login(personas["member_head"])
    for url in (reverse("login"), reverse("dashboard")):
        policy = _directives(client.get(url)["Content-Security-Policy"])
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert not any("unsafe-eval" in v for values in policy.values() for v in values)


SCRIPT_WITHOUT_SRC = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def test_templates_have_no_inline_script_style_element_or_event_handler():
    """The policy forbids them; PDF templates are read by WeasyPrint, not a browser, and the
    files of ``reports/files`` are written into downloads (the index of a year's zip) and
    opened from disk, never served by the site."""
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        relative = path.relative_to(ROOT / "templates")
        if relative.parts[:2] in (("reports", "pdf"), ("reports", "files")):
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (SCRIPT_WITHOUT_SRC, EVENT_HANDLER, re.compile(r"<style", re.I)):
            offenders += [f"{relative}: {m.group(0)}" for m in pattern.finditer(text)]
    assert offenders == []


def test_htmx_injects_no_style_and_evaluates_no_code(client):
    page = client.get(reverse("login")).content.decode()
    assert '"includeIndicatorStyles": false' in page and '"allowEval": false' in page
    assert ".htmx-indicator" in (ROOT / "static/css/app.css").read_text(encoding="utf-8")


# The client's address behind a reverse proxy -------------------------------------------------


def _request(remote="203.0.113.5", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    "proxies, remote, forwarded, expected",
    [
        # No trusted proxy: X-Forwarded-For is whatever the client wrote.
        ([], "203.0.113.5", "198.51.100.1", "203.0.113.5"),
        # From a trusted proxy: the address it appended.
        (["10.0.0.1"], "10.0.0.1", "198.51.100.1", "198.51.100.1"),
        # Addresses left of the first untrusted one were written by the client: ignored.
        (["10.0.0.1"], "10.0.0.1", "1.1.1.1, 198.51.100.1", "198.51.100.1"),
        # Two proxies in a trusted network, then the client.
        (["10.0.0.0/8"], "10.0.0.2", "1.1.1.1, 198.51.100.1, 10.0.0.9", "198.51.100.1"),
        # A request from an untrusted address never names another client.
        (["10.0.0.0/8"], "192.0.2.4", "198.51.100.1", "192.0.2.4"),
        # Every hop trusted: the left-most is the client (an office inside the network).
        (["10.0.0.0/8"], "10.0.0.2", "10.1.2.3, 10.0.0.9", "10.1.2.3"),
        # A hop that is no address ends the chain at the last proxy.
        (["10.0.0.0/8"], "10.0.0.2", "198.51.100.1, nonsense", "10.0.0.2"),
        # No header at all: the proxy is all there is.
        (["10.0.0.0/8"], "10.0.0.2", None, "10.0.0.2"),
        (["::1", "127.0.0.1"], "::1", "2001:db8::7", "2001:db8::7"),
        (["127.0.0.1"], "::ffff:127.0.0.1", "198.51.100.1", "198.51.100.1"),
    ],
)
def test_client_ip_behind_trusted_proxies(settings, proxies, remote, forwarded, expected):
    from blocs.auth import client_ip

    settings.TRUSTED_PROXIES = proxies
    assert client_ip(_request(remote, forwarded)) == expected


def test_client_ip_is_none_without_an_address():
    from blocs.auth import client_ip

    assert client_ip(_request(remote="")) is None


def test_signature_records_the_client_behind_a_trusted_proxy(client, bloc_world, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    pledge = make_open(bloc_world)
    client.force_login(bloc_world.member_head)
    response = client.post(
        reverse("campaigns:pledge_sign", args=[bloc_world.bloc.code, bloc_world.term.year]),
        {
            "agency": str(bloc_world.d.pk),
            "content_hash": pledge.content_hash,
            "password": PASSWORD,
            "confirm": "on",
        },
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.23",
    )
    assert response.status_code == 302
    assert PledgeSignature.objects.get().ip_address == "198.51.100.23"


def test_lockout_counts_the_client_behind_the_proxy_not_the_proxy(client, personas, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    user = personas["member_head"]
    guesser = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.66"}
    owner = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.20"}
    _fail_logins(client, user, **guesser)
    assert _attempts().get().ip_address == "198.51.100.66"
    assert _login(client, user, PASSWORD, **guesser).status_code == 429
    assert _login(client, user, PASSWORD, **owner).status_code == 302


# Error pages ---------------------------------------------------------------------------------


def test_unknown_url_in_debug_shows_the_site_page_and_no_url_list(client, personas, settings):
    settings.DEBUG = True
    client.force_login(personas["member_head"])
    response = client.get("/khong-co-trang-nay/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Không tìm thấy trang" in page and reverse("dashboard") in page
    assert "Django tried these URL patterns" not in page and "URLconf" not in page
    assert "accounts/login" not in page and "healthz" not in page.split("</main>")[0]


def test_not_found_raised_by_a_view_in_debug_shows_its_message_only(client, personas, settings):
    settings.DEBUG = True
    client.force_login(personas["member_head"])
    response = client.get(reverse("blocs:bloc_detail", args=["khong-co-khoi"]))
    page = response.content.decode()
    assert response.status_code == 404
    assert "Không tìm thấy trang" in page
    assert "URLconf" not in page and "Django tried" not in page


def test_unknown_url_outside_debug_shows_the_site_page(client, personas):
    client.force_login(personas["member_head"])
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_missing_slash_still_redirects_in_debug(client, personas, settings):
    settings.DEBUG = True
    client.force_login(personas["member_head"])
    response = client.get("/blocs")
    assert response.status_code == 301 and response["Location"] == "/blocs/"


def test_forbidden_shows_the_site_page_with_the_reason(client, bloc_world):
    make_open(bloc_world)
    client.force_login(bloc_world.member_officer)
    url = reverse("campaigns:pledge_sign", args=[bloc_world.bloc.code, bloc_world.term.year])
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 403
    assert "Bạn không có quyền thực hiện thao tác này" in page
    assert "Chỉ thủ trưởng đơn vị thành viên" in page
    assert reverse("dashboard") in page


@pytest.mark.parametrize(
    "view, status, title",
    [
        (defaults.server_error, 500, "Hệ thống gặp lỗi khi xử lý yêu cầu"),
        (
            lambda request: defaults.bad_request(request, Exception("x")),
            400,
            "Yêu cầu không hợp lệ",
        ),
    ],
)
def test_server_error_pages_stand_alone(view, status, title, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = view(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == status
    assert title in page and 'href="/"' in page and "bootstrap.min.css" in page
