"""Small things people noticed: the header and footer, the icon, messages, the documents' QR
code, the pledge page, the admin's search and lists, and the demo's timestamps."""

import re
import unicodedata

import pytest
from django.contrib.messages import get_messages
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from campaigns.services import agreement
from campaigns.tests import review_helpers as h
from campaigns.tests.test_review_views import line_url
from campaigns.tests.test_review_views import world as review_world  # noqa: F401
from reports.qr import qr_svg
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


# --- Header and footer --------------------------------------------------------------------------


@override_settings(TASKS_EAGER=True)
def test_the_eager_badge_and_the_healthz_link_are_for_administrators_only(client, bloc_world):
    client.force_login(bloc_world.member_head)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Xử lý tại chỗ (eager)" not in page and 'href="/healthz"' not in page
    client.force_login(UserFactory(is_staff=True))
    page = client.get(reverse("dashboard")).content.decode()
    assert "Xử lý tại chỗ (eager)" in page and 'href="/healthz"' in page


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_language_switch_names_each_language_in_itself(client, bloc_world, language):
    client.force_login(bloc_world.member_head)
    client.cookies["django_language"] = language
    page = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    options = {
        code: unicodedata.normalize("NFC", name)
        for code, name in re.findall(
            r'<option value="(vi|en)" lang="\1"[^>]*>([^<]+)</option>', page
        )
    }
    assert options == {"vi": "Tiếng Việt", "en": "English"}


def test_pages_and_the_admin_link_the_icon_and_favicon_ico_does_not_404(client, bloc_world):
    client.force_login(bloc_world.member_head)
    page = client.get(reverse("dashboard")).content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/favicon.svg"


# --- Messages keep acronyms ---------------------------------------------------------------------


def test_the_boards_adjustment_message_keeps_ban_tdkt_in_capitals(client, review_world):  # noqa: F811
    w = review_world

    agreement.agree_period(period=w.period, by=w.secretariat)
    ln, target = line_url(w, w.d, "board")
    client.force_login(w.board)
    response = client.post(
        target, {f"l{ln.pk}-points": "20", f"l{ln.pk}-reason": "Sai số liệu báo cáo"}
    )
    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("Ban TĐKT" in t for t in texts), texts
    assert not any("tđkt" in t for t in texts)


def test_no_message_lower_cases_a_label():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    offences = [
        str(path.relative_to(root))
        for folder in ("blocs", "campaigns", "awards", "reports", "khoithidua")
        for path in (root / folder).rglob("*.py")
        if "tests" not in path.parts and re.search(r"\.label\.lower\(\)", path.read_text())
    ]
    assert offences == []


# --- Documents: the verification address and its QR code ----------------------------------------


def test_the_qr_code_is_an_inline_svg_sized_in_millimetres():
    svg = str(qr_svg("https://thiduakhoi.example.vn/verify/ABCD-EFGH"))
    assert svg.startswith("<svg") and 'viewBox="0 0 ' in svg and 'width="' in svg
    assert "mm" in svg and "<script" not in svg


@override_settings(SITE_URL="https://thiduakhoi.example.vn/")
def test_a_document_prints_its_verification_address_from_site_url(bloc_world):
    from reports import services as report_services
    from reports.models import Document

    document = Document.objects.create(
        term=bloc_world.term,
        kind="member_list",
        title="Danh sách",
        requested_by=bloc_world.secretariat,
        provisional=True,
    )
    address = document.verify_address()
    assert address == f"https://thiduakhoi.example.vn/verify/{document.verification_code}"
    from django.template.loader import render_to_string

    from reports.kinds import get_kind

    kind = get_kind("member_list")
    with translation.override("vi"):
        context = report_services.document_context(document)
        context.update(kind.build_context(document))
        html = render_to_string(kind.template, context)
    assert context["verify_url"] == address
    assert address in html and "127.0.0.1" not in html
    assert str(context["verify_qr"]) in html


# --- The pledge page ------------------------------------------------------------------------------


def test_no_list_stands_between_the_pledge_text_and_the_sign_form(client, bloc_world):
    from campaigns.tests.test_pledge_support import make_open

    make_open(bloc_world)
    client.force_login(bloc_world.member_head)
    url = reverse("campaigns:pledge_sign", args=[bloc_world.bloc.code, bloc_world.term.year])
    page = client.get(url).content.decode()
    between = page[page.index("</article>") : page.index('<div class="card">')]
    assert "<li" not in between and "<ul" not in between
    card = page[page.index('<div class="card">') :]
    assert "Đơn vị bạn ký thay" in card and bloc_world.d.name in card


# --- The admin ----------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_fold_drops_tone_and_shape_marks():
    from blocs.vnsort import fold

    assert fold("  Đặng   Văn DŨNG ") == "dang van dung"
    assert fold("Ủy ban nhân dân tỉnh Quảng Trị") == "uy ban nhan dan tinh quang tri"


def test_the_admin_links_the_icon(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in page


@pytest.mark.parametrize(
    "model, term, expected",
    [
        ("blocs/user", "hung", "Phạm Văn Hùng"),
        ("blocs/user", "HÙNG", "Phạm Văn Hung"),
        ("blocs/agency", "so noi vu", "Sở Nội vụ"),
        ("blocs/bloc", "khoi dang", "Khối thi đua các cơ quan Đảng"),
    ],
)
def test_admin_search_ignores_tone_marks(admin_client, council, model, term, expected):
    from tests.factories import AgencyFactory, BlocFactory

    # Factory logins are "nguoidungN": the names searched for are not in them.
    UserFactory(full_name="Phạm Văn Hùng")
    UserFactory(full_name="Phạm Văn Hung")
    UserFactory(full_name="Trần Thị Hoa")
    AgencyFactory(council=council, name="Sở Nội vụ", abbreviation="SNV")
    AgencyFactory(council=council, name="Sở Tài chính", abbreviation="STC")
    BlocFactory(council=council, name="Khối thi đua các cơ quan Đảng")
    page = admin_client.get(f"/admin/{model}/", {"q": term}).content.decode()
    assert expected in page
    assert "Trần Thị Hoa" not in page and "Sở Tài chính" not in page


def test_admin_autocomplete_ignores_tone_marks(admin_client, council):
    from tests.factories import AgencyFactory

    AgencyFactory(council=council, name="Sở Nội vụ", abbreviation="SNV")
    AgencyFactory(council=council, name="Sở Tài chính", abbreviation="STC")
    params = {"app_label": "blocs", "model_name": "agency", "field_name": "merged_into"}
    found = admin_client.get("/admin/autocomplete/", {**params, "term": "so noi"}).json()
    assert [row["text"] for row in found["results"]] == ["Sở Nội vụ"]


def test_admin_search_still_matches_marked_text_exactly(admin_client):
    UserFactory(full_name="Lê Thị Ánh")
    page = admin_client.get("/admin/blocs/user/", {"q": "Ánh"}).content.decode()
    assert "Lê Thị Ánh" in page


def test_admin_score_lines_fit_the_screen(admin_client, bloc_world, django_assert_max_num_queries):
    from campaigns.models import Period, ScoreLine

    table = h.make_table(bloc_world.term)
    period = h.make_period(bloc_world.term, Period.Kind.ANNUAL, Period.Status.REVIEWING)
    h.make_cards(period, table, points={bloc_world.d: {"1.1": "4.75"}})
    ScoreLine.objects.filter(criterion__code="1.2").update(self_note="Có báo cáo " * 20)
    with django_assert_max_num_queries(12):
        page = admin_client.get("/admin/campaigns/scoreline/").content.decode()
    headers = re.findall(r'<th scope="col"[^>]*class="[^"]*column-(\w+)', page)
    assert headers == [
        "code",
        "agency",
        "period",
        "self_label",
        "review_label",
        "agreed_label",
        "board_label",
        "short_note",
    ]
    assert ">4,75<" in page
    assert "Có báo cáo Có báo cáo" in page and "Có báo cáo " * 10 not in page


def test_admin_inline_inputs_and_date_time_parts_are_named(admin_client, bloc_world):
    """Screen readers hear a name for each input of the admin's tabular rows and for both parts
    of a date-time (templates/admin/edit_inline/tabular.html, LabelledDateTimeMixin)."""
    user = bloc_world.member_head
    page = admin_client.get(f"/admin/blocs/user/{user.pk}/change/").content.decode()
    row = str(user.agency_roles.get())
    labels = dict(
        re.findall(r'<label class="visually-hidden" for="id_([\w-]+)">([^<]*)</label>', page)
    )
    # A saved row: the column and the row; the empty row a new one is copied from: "dòng mới".
    assert labels["agency_roles-0-role"] == f"Vai trò – {row}"
    assert labels["agency_roles-0-DELETE"].endswith(f" – {row}")
    assert labels["agency_roles-__prefix__-role"] == "Vai trò – dòng mới"
    assert 'aria-label="Lần cuối đăng nhập – ngày" id="id_last_login_0"' in page
    assert 'aria-label="Lần cuối đăng nhập – giờ" id="id_last_login_1"' in page


def test_admin_inline_date_times_name_both_inputs(admin_client, bloc_world):
    from campaigns.models import Period

    period = h.make_period(bloc_world.term, Period.Kind.ANNUAL, Period.Status.REVIEWING)
    page = admin_client.get(f"/admin/campaigns/period/{period.pk}/change/").content.decode()
    until = re.findall(r'<input [^>]*id="id_extensions-__prefix__-until_[01]"[^>]*>', page)
    assert len(until) == 2 and all('aria-label="Gia hạn đến – ' in tag for tag in until)


def test_the_tabular_inline_override_is_djangos_template_plus_its_labels():
    """templates/admin/edit_inline/tabular.html copies Django's to add hidden labels: this fails
    when an upgrade changes Django's, so that the copy is made again from the new one."""
    from pathlib import Path

    import django.contrib.admin

    name = "admin/edit_inline/tabular.html"
    django_own = Path(django.contrib.admin.__file__).parent / "templates" / name
    ours = (Path(__file__).resolve().parent.parent / "templates" / name).read_text("utf-8")
    ours = re.sub(r"\{% comment %\}.*?\{% endcomment %\}\n", "", ours, flags=re.S)
    ours = re.sub(r"\n *\{% if not field\.field\.is_hidden and [^\n]*\{% endif %\}", "", ours)
    ours = re.sub(r'<label class="visually-hidden"[^>]*>[^<]*</label>', "", ours)
    assert ours == django_own.read_text("utf-8")


# --- The demo happened in the past ----------------------------------------------------------------

# Moments that are plans, not records: deadlines, the end of an appeal window and a meeting's
# date may lie ahead.
PLANNED = {"self_deadline", "review_deadline", "until", "closes_at", "held_at"}


def test_the_demo_records_nothing_after_now():
    from django.apps import apps
    from django.core.management import call_command
    from django.db import models
    from django.utils import timezone

    call_command("seed_demo")
    now = timezone.now()
    future = {}
    for model in apps.get_models():
        if model._meta.app_label not in {"blocs", "campaigns", "awards", "reports"}:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateTimeField) and field.name not in PLANNED:
                count = model._default_manager.filter(**{f"{field.name}__gt": now}).count()
                if count:
                    future[f"{model.__name__}.{field.name}"] = count
    assert future == {}


# --- Phones ---------------------------------------------------------------------------------------


@pytest.mark.browser
def test_ranking_periods_and_scorecard_fit_a_390_px_phone(
    transactional_db, bloc_world, chromium_browser, live_server
):
    from campaigns.models import Period
    from tests.browser import login
    from tests.factories import PASSWORD

    term = bloc_world.term
    table = h.make_table(term)
    period = h.make_period(term, Period.Kind.ANNUAL, Period.Status.AGREED)
    cards = h.make_cards(period, table, points={bloc_world.d: {"1.1": "4.75"}})
    context = chromium_browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.base_url = live_server.url
    try:
        login(page, bloc_world.secretariat.username, PASSWORD)
        page.goto(
            live_server.url
            + reverse("campaigns:ranking", args=[term.bloc.code, term.year, period.kind])
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.locator(".ranking-bars").is_visible()
        assert not page.locator("figure.ranking-chart").is_visible()
        # A name keeps whole words: its cell is wider than one word.
        assert page.locator("td.ranking-agency").first.bounding_box()["width"] >= 150

        page.goto(
            live_server.url + reverse("campaigns:period_list", args=[term.bloc.code, term.year])
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

        card = cards[bloc_world.d]
        page.goto(
            live_server.url
            + reverse(
                "campaigns:scorecard_detail",
                args=[term.bloc.code, term.year, period.kind, card.pk],
            )
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # The explanation and the evidence of a line sit below its points, inside the screen.
        row = page.locator("tr[id^=line-]").first
        points = row.locator("td").nth(3).bounding_box()
        for label in ("Giải trình", "Minh chứng"):
            box = row.locator(f'td[data-label="{label}"]').bounding_box()
            assert box["y"] >= points["y"] + points["height"] - 1
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    finally:
        context.close()


# --- Notifications carry points in each reader's language -----------------------------------------


@pytest.mark.parametrize("language, old, new", [("vi", "24", "4,75"), ("en", "24", "4.75")])
def test_a_board_adjustment_reads_its_points_in_the_readers_language(language, old, new):
    from blocs import notices as base_notices
    from campaigns import notices

    kind = base_notices.get(notices.BOARD_ADJUSTED)
    params = {"agency": "Sở Nội vụ", "criterion": "1.1", "old": "24", "new": "4.75"}
    params.update(period_kind="annual", year=2026, reason="Thiếu minh chứng", bloc="KTĐ")
    with translation.override(language):
        assert f"{old} → {new}" in kind.body_for(params)
    # A notification stored with the decimal comma still reads right.
    with translation.override(language):
        assert f"{old} → {new}" in kind.body_for({**params, "new": "4,75"})
