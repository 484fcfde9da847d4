"""A bloc's whole first year through its pages, never through the Django admin.

The board officer creates a bloc of five agencies and opens its first year; the secretariat (the
leader agency's head) sets the year's rules, builds and adopts the criteria table and opens the
annual period; every member scores itself and submits; the secretariat assigns the cross-checks,
each member reviews the card it was given, the secretariat agrees the period and the ranking
shows. Every request the browser makes is recorded: none may go to /admin/.
"""

import datetime
import os

import pytest
from django.utils import timezone

from blocs.models import AgencyRole, Bloc, BlocTerm, BoardOfficer
from campaigns.models import CriteriaTable, Period, Scorecard, ScoringRules
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SCREENSHOT_DIR", "")
PASSWORD = factories.PASSWORD
AGENCIES = [
    # (name, abbreviation, what an officer types in the search box, position in the rotation)
    ("Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL", "van hoa", 1),
    ("Sở Giáo dục và Đào tạo", "SGDĐT", "so giao duc", 2),
    ("Sở Y tế", "SYT", "y te", 3),
    ("Sở Lao động – Thương binh và Xã hội", "SLĐTBXH", "thuong binh", 4),
    ("Đài Phát thanh và Truyền hình tỉnh", "ĐPTTH", "dai phat thanh", 5),
]
# Self scores of criteria 1.1 (max 60) and 1.2 (max 40), by abbreviation.
SCORES = {
    "SVHTTDL": ("58", "39"),
    "SGDĐT": ("57", "36,5"),
    "SYT": ("55", "38"),
    "SLĐTBXH": ("50", "30"),
    "ĐPTTH": ("45", "25"),
}
CODE = "khoi-van-hoa-xa-hoi"
YEAR = 2026


@pytest.fixture
def council_world(db):
    council = factories.CouncilFactory(name="Hội đồng Thi đua – Khen thưởng tỉnh Thử")
    # Agencies of the council that stay outside the new bloc.
    for i in range(3):
        factories.AgencyFactory(
            council=council, name=f"Ban Quản lý thử {i}", abbreviation=f"BQL{i}"
        )
    heads = {}
    for name, abbreviation, _typed, _position in AGENCIES:
        agency = factories.AgencyFactory(council=council, name=name, abbreviation=abbreviation)
        user = factories.UserFactory(
            username=f"tt.{len(heads) + 1}", full_name=f"Thủ trưởng {abbreviation}"
        )
        factories.give_role(user, agency, AgencyRole.Role.HEAD)
        heads[abbreviation] = user
    board = factories.UserFactory(username="ban.tdkt", full_name="Cán bộ Ban TĐKT")
    BoardOfficer.objects.create(user=board, council=council)
    return council, board, heads


class Session:
    """One person's browser context; every URL it requests is kept."""

    def __init__(self, browser, base_url, username, requests):
        self.context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 900})
        self.context.on("request", lambda request: requests.append(request.url))
        self.page = self.context.new_page()
        self.page.set_default_timeout(20000)
        # Confirmations the pages ask for (submitting a card, locking a period) are accepted.
        self.page.on("dialog", lambda dialog: dialog.accept())
        self.base = base_url
        page = self.page
        page.goto(base_url + "/accounts/login/")
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        send(page, page.get_by_role("button", name="Đăng nhập"))

    def go(self, path):
        self.page.goto(self.base + path)
        return self.page

    def close(self):
        self.context.close()


def send(page, button):
    """Click a button that sends a form and wait for the page it leads to."""
    with page.expect_navigation():
        button.click()
    return page


def problems(page) -> list[str]:
    """The errors a page shows, for the failure message."""
    return page.locator(".alert-danger, .invalid-feedback, .text-danger").all_inner_texts()


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_a_bloc_runs_its_first_year_without_the_admin(chromium_browser, live_server, council_world):
    council, board, heads = council_world
    requests = []
    term_path = f"/blocs/{CODE}/{YEAR}/"

    # 1. The board officer creates the bloc from the bloc list, finding agencies without accents.
    officer = Session(chromium_browser, live_server.url, board.username, requests)
    page = officer.go("/blocs/")
    page.get_by_role("link", name="Tạo khối mới").click()
    page.get_by_label("Tên khối").fill("Khối thi đua các cơ quan Văn hóa – Xã hội")
    page.get_by_label("Mã khối").fill(CODE)
    page.get_by_label("Quyết định thành lập").fill(
        "Quyết định số 15/QĐ-HĐTĐKT ngày 10/01/2026 của Chủ tịch Hội đồng"
    )
    search = page.get_by_label("Tìm đơn vị (gõ có dấu hoặc không dấu)")
    for name, _abbreviation, typed, position in AGENCIES:
        search.fill(typed)
        visible = page.locator("#agency-rows tr:not([hidden])")
        assert visible.count() >= 1, typed
        row = visible.filter(has_text=name)
        assert row.count() == 1, (typed, visible.all_inner_texts())
        row.locator("input").fill(str(position))
    search.fill("")
    send(page, page.get_by_role("button", name="Tạo khối và tiếp tục"))
    assert "Đề xuất khối trưởng" in page.content()

    # 2. ... and opens its first year: the lead proposed by the rotation, the year running.
    page.get_by_label("Năm thi đua").fill(str(YEAR))
    assert (
        page.get_by_label("Khối trưởng").input_value()
        != page.get_by_label("Khối phó").input_value()
    )
    page.get_by_label("Trạng thái").select_option("active")
    send(page, page.get_by_role("button", name="Mở năm thi đua"))
    term = BlocTerm.objects.get(bloc__code=CODE, year=YEAR)
    assert term.leader.abbreviation == "SVHTTDL"
    assert term.deputy.abbreviation == "SGDĐT"
    assert term.status == BlocTerm.Status.ACTIVE
    assert term.memberships.count() == 5
    officer.close()

    # 3. The secretariat (head of the leader agency) sets the year's rules.
    secretariat = Session(chromium_browser, live_server.url, heads["SVHTTDL"].username, requests)
    page = secretariat.go(term_path)
    page.get_by_role("link", name="Quy định năm").click()
    page.wait_for_url(f"**{term_path}rules/")
    page.get_by_label("Tên mức 2").fill("Hoàn thành tốt")
    page.locator("input[name='band2_min']").fill("80")
    page.get_by_label("Tiêu chí phân định thứ nhất").select_option("first_group")
    page.get_by_label("Tiêu chí phân định thứ hai").select_option("fewer_penalty")
    page.get_by_label("Tỷ lệ có mặt tối thiểu của hội nghị (%)").fill("75")
    send(page, page.get_by_role("button", name="Lưu quy định"))
    assert "Đã lưu quy định năm 2026" in page.content(), problems(page)
    assert "Hoàn thành tốt ≥ 80" in page.locator("table").last.inner_text()
    rules = ScoringRules.objects.get(term=term)
    assert rules.tie_breaks[:2] == ["first_group", "fewer_penalty"]
    assert rules.changed_by == heads["SVHTTDL"]

    # 4. ... creates the criteria table, adds its rows and adopts it.
    page.get_by_role("link", name="Tiêu chí", exact=True).click()
    send(page, page.get_by_role("button", name="Tạo bảng trống"))
    for code, title, kind, points, parent in [
        ("1", "Thực hiện nhiệm vụ chính trị, chuyên môn", "group", "", None),
        ("1.1", "Hoàn thành chương trình công tác năm", "scored", "60", "1"),
        ("1.2", "Chất lượng tham mưu, phối hợp", "scored", "40", "1"),
    ]:
        add = page.locator("form[action$='/rows/add/']")
        if parent:
            # The table's only group, first after "(cấp cao nhất)".
            add.get_by_label("Thuộc nhóm").select_option(index=1)
        add.get_by_label("Mã").fill(code)
        add.get_by_label("Nội dung tiêu chí").fill(title)
        add.get_by_label("Loại").select_option(kind)
        if points:
            add.get_by_label("Điểm tối đa").fill(points)
        send(page, add.get_by_role("button", name="Thêm dòng"))
    send(page, page.get_by_role("button", name="Thông qua bảng tiêu chí"))
    table = CriteriaTable.objects.get(term=term, version=1)
    assert table.status == CriteriaTable.Status.ADOPTED, page.content()

    # 5. ... opens the annual period.
    page = secretariat.go(term_path + "periods/")
    page.get_by_role("link", name="Mở kỳ chấm điểm").last.click()
    today = timezone.localdate()
    for name, day in (("self_deadline", 10), ("review_deadline", 20)):
        moment = today + datetime.timedelta(days=day)
        page.locator(f"input[name='{name}_date']").fill(moment.strftime("%d/%m/%Y"))
        page.locator(f"input[name='{name}_time']").fill("17:00")
    send(page, page.get_by_role("button", name="Lưu", exact=True))
    period = Period.objects.get(term=term, kind=Period.Kind.ANNUAL)

    # 6. Every member scores itself and submits.
    leaves = {c.code: c for c in table.criteria.all()}
    for abbreviation, (first, second) in SCORES.items():
        member = (
            secretariat
            if abbreviation == "SVHTTDL"
            else Session(chromium_browser, live_server.url, heads[abbreviation].username, requests)
        )
        page = member.go(term_path + "periods/")
        send(page, page.get_by_role("button", name="Bắt đầu tự chấm").first)
        page.locator(f"#points-{leaves['1.1'].pk}").fill(first)
        page.locator(f"#points-{leaves['1.2'].pk}").fill(second)
        send(page, page.get_by_role("button", name="Lưu và nộp phiếu"))
        card = Scorecard.objects.get(period=period, agency__abbreviation=abbreviation)
        assert card.status == Scorecard.Status.SUBMITTED, (abbreviation, page.content()[:2000])
        if member is not secretariat:
            member.close()

    # 7. The secretariat assigns the cross-checks (the rotation) ...
    page = secretariat.go(term_path + "review/annual/")
    send(page, page.get_by_role("button", name="Phân công tự động (luân phiên)"))
    pairs = {c.reviewed.abbreviation: c.reviewer.abbreviation for c in period.cross_checks.all()}
    assert len(pairs) == 5

    # ... and each member reviews the card it was given: it agrees with the self scores.
    reviewers = {reviewer: reviewed for reviewed, reviewer in pairs.items()}
    for reviewer, reviewed in reviewers.items():
        member = (
            secretariat
            if reviewer == "SVHTTDL"
            else Session(chromium_browser, live_server.url, heads[reviewer].username, requests)
        )
        agency_id = term.memberships.get(agency__abbreviation=reviewed).agency_id
        page = member.go(term_path + f"review/annual/{agency_id}/")
        entries = page.locator("input[form='review-all'][name$='points']")
        assert entries.count() == 2, (reviewer, reviewed)
        for entry, value in zip(entries.all(), SCORES[reviewed], strict=True):
            entry.fill(value)
        send(page, page.get_by_role("button", name="Lưu tất cả").first)
        card = Scorecard.objects.get(period=period, agency__abbreviation=reviewed)
        assert card.status == Scorecard.Status.REVIEWED, (reviewer, reviewed)
        if member is not secretariat:
            member.close()

    # 8. The secretariat agrees the period, confirming the lock, and the ranking shows.
    page = secretariat.go(term_path + "review/annual/")
    send(page, page.get_by_role("button", name="Thống nhất điểm và khóa kỳ"))
    page.locator("input[name='confirm']").check()
    send(page, page.get_by_role("button", name="Xác nhận thống nhất điểm và khóa kỳ"))
    period.refresh_from_db()
    assert period.status == Period.Status.AGREED
    page = secretariat.go(term_path + "ranking/annual/")
    text = page.locator("main").inner_text()
    order = [text.find(name) for name, *_rest in AGENCIES]
    assert all(i >= 0 for i in order), text
    assert order == sorted(order), text
    assert "Xuất sắc" in text and "Hoàn thành tốt" in text
    shot(page, "bloc-setup-ranking")

    # 9. Nothing of it went through the admin.
    secretariat.close()
    assert requests, "no request was recorded"
    assert not [url for url in requests if "/admin/" in url]
    assert Bloc.objects.filter(code=CODE).count() == 1


@pytest.mark.parametrize("width", [1366, 390])
def test_the_setup_pages_are_accessible(page, council_world, width):
    from blocs.services import setup as setup_services
    from tests.browser import assert_accessible, login

    council, board, heads = council_world
    page.set_viewport_size({"width": width, "height": 900})
    login(page, board.username, PASSWORD)
    page.goto(page.base_url + "/board/blocs/new/")
    assert_accessible(page)
    # With errors shown beside the fields.
    page.get_by_label("Mã khối").fill("Mã có dấu")
    send(page, page.get_by_role("button", name="Tạo khối và tiếp tục"))
    assert "chữ thường không dấu" in page.content()
    assert_accessible(page)
    agencies = list(council.agencies.filter(abbreviation__in=[a[1] for a in AGENCIES]))
    bloc = setup_services.create_bloc(
        council=council, code=CODE, name="Khối thử", members=agencies, by=board
    )
    page.goto(page.base_url + f"/blocs/{bloc.code}/first-year/")
    assert_accessible(page)
    send(page, page.get_by_role("button", name="Mở năm thi đua"))
    page.goto(page.base_url + f"/blocs/{bloc.code}/{BlocTerm.objects.get(bloc=bloc).year}/rules/")
    page.locator("input[name='quorum']").fill("40")
    send(page, page.get_by_role("button", name="Lưu quy định"))
    assert "từ 50% đến 100%" in page.content()
    assert_accessible(page)
