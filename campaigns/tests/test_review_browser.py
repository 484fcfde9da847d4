"""The grid at 14 agencies × 80 criteria and the ranking chart, in Debian's Chromium."""

import os
from decimal import Decimal

import pytest

from blocs.models import AgencyRole, BoardOfficer
from campaigns.models import Criterion, ScoreLine
from campaigns.services import agreement
from campaigns.services import review as review_services
from campaigns.tests import review_helpers as h
from tests import factories
from tests.browser import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SCREENSHOT_DIR", "")


def wide_world():
    council = factories.CouncilFactory()
    bloc = factories.BlocFactory(council=council, name="Khối các cơ quan Đảng tỉnh (thử)")
    names = [
        "Văn phòng Tỉnh ủy",
        "Ban Tổ chức Tỉnh ủy",
        "Ủy ban Kiểm tra Tỉnh ủy",
        "Ban Tuyên giáo và Dân vận Tỉnh ủy",
        "Ban Nội chính Tỉnh ủy",
        "Báo Quảng Trị",
        "Trường Chính trị Lê Duẩn",
        "Đảng ủy các cơ quan Đảng tỉnh",
        "Ban Bảo vệ sức khỏe cán bộ tỉnh",
        "Nhà xuất bản Quảng Trị",
        "Hội Nông dân tỉnh",
        "Hội Cựu chiến binh tỉnh",
        "Tỉnh đoàn",
        "Hội Liên hiệp Phụ nữ tỉnh",
    ]
    agencies = [
        factories.AgencyFactory(council=council, name=n, abbreviation=f"DV{i:02d}")
        for i, n in enumerate(names)
    ]
    term = factories.make_term(
        bloc=bloc, year=2026, agencies=agencies, leader=agencies[0], deputy=agencies[1]
    )
    user = factories.UserFactory(username="thuky.thu", full_name="Thư ký khối")
    factories.give_role(user, agencies[0], AgencyRole.Role.HEAD)
    board = factories.UserFactory(username="ban.thu", full_name="Cán bộ Ban TĐKT")
    BoardOfficer.objects.create(user=board, council=council)
    # 4 groups of 19 leaves + bonus + penalty + 4 group rows = 80 criteria rows, 78 leaves.
    table = h.make_table(term, groups=4, leaves=19, leaf_max="1.25")
    table.base_max = Decimal("95")
    table.save(update_fields=["base_max"])
    assert Criterion.objects.filter(table=table).count() == 82
    period = h.make_period(term)
    cards = h.make_cards(period, table, agencies)
    review_services.assign_cross_checks(
        period=period, pairs=review_services.proposed_rotation(period), by=user
    )
    lines = list(
        ScoreLine.objects.filter(scorecard__period=period).select_related("criterion", "scorecard")
    )
    for i, ln in enumerate(lines):
        if ln.criterion.kind == Criterion.Kind.SCORED:
            ln.self_points = ln.criterion.max_points - Decimal("0.25") * (i % 3)
            if i % 7 == 0:
                ln.review_points = ln.self_points - Decimal("0.25")
        elif ln.criterion.kind == Criterion.Kind.BONUS:
            ln.self_points = Decimal(i % 4)
        else:
            ln.self_points = Decimal(i % 3)
    ScoreLine.objects.bulk_update(lines, ["self_points", "review_points"])
    agreement.agree_period(period=period, by=user)
    first = ScoreLine.objects.filter(scorecard=cards[agencies[3]], criterion__code="1.1").first()
    first = ScoreLine.objects.select_related("criterion", "scorecard").get(pk=first.pk)
    review_services.adjust_by_board(line=first, points="0.5", reason="Sai số liệu", by=board)
    return bloc, user


def test_grid_and_ranking_chart_render(page, tmp_path):
    bloc, user = wide_world()
    login(page, user.username, factories.PASSWORD)
    base = f"{page.base_url}/blocs/{bloc.code}/2026/"
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(base + "review/annual/grid/")
    assert page.locator("table.grid-table tbody tr").count() == 14
    # Agency, final total, the total of each of the four layers, then the leaves.
    assert page.locator("table.grid-table thead th").count() == 2 + 4 + 78
    # The header stays on top and the agency column on the left while scrolling the grid.
    page.locator(".grid-wrap").evaluate("el => { el.scrollTop = 400; el.scrollLeft = 900; }")
    header = page.locator("table.grid-table thead th").first.bounding_box()
    wrap = page.locator(".grid-wrap").bounding_box()
    assert abs(header["y"] - wrap["y"]) < 3 and abs(header["x"] - wrap["x"]) < 3
    out = SHOTS or str(tmp_path)
    page.screenshot(path=os.path.join(out, "review_grid.png"))
    assert_accessible(page)
    page.goto(base + "ranking/annual/")
    assert page.locator("figure.ranking-chart svg rect").count() >= 14
    page.get_by_role("link", name="Tiêu chí").count()
    page.screenshot(path=os.path.join(out, "ranking_chart.png"), full_page=True)
    assert_accessible(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="Excel (.xlsx)").click()
    assert info.value.suggested_filename.endswith(".xlsx")


def test_reviewer_saves_the_whole_card_with_one_button(page):
    """The review inputs sit in the table's cells and belong to one form outside it."""
    council = factories.CouncilFactory()
    bloc = factories.BlocFactory(council=council)
    agencies = [factories.AgencyFactory(council=council) for _ in range(4)]
    term = factories.make_term(
        bloc=bloc, year=2026, agencies=agencies, leader=agencies[0], deputy=agencies[1]
    )
    user = factories.UserFactory(username="chamcheo.thu", full_name="Người chấm chéo")
    factories.give_role(user, agencies[0], AgencyRole.Role.HEAD)
    table = h.make_table(term)
    period = h.make_period(term)
    cards = h.make_cards(period, table, agencies)
    h.assign(period, [(agencies[0], agencies[2]), (agencies[0], agencies[3])], user)
    login(page, user.username, factories.PASSWORD)
    base = f"{page.base_url}/blocs/{bloc.code}/2026/review/annual/"
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(base + f"{agencies[2].pk}/")
    first = h.line(cards[agencies[2]], "1.1")
    second = h.line(cards[agencies[2]], "1.2")
    page.fill(f"#id_l{first.pk}-points", "20,5")
    page.fill(f"#id_l{first.pk}-note", "Thiếu báo cáo quý IV")
    page.fill(f"#id_l{second.pk}-points", "19")
    # A refused line keeps both lines as typed and names the reason.
    page.get_by_role("button", name="Lưu tất cả").last.click()
    assert "cần ghi nhận xét nêu lý do" in page.content()
    assert page.input_value(f"#id_l{first.pk}-points") == "20,5"
    assert page.input_value(f"#id_l{second.pk}-points") == "19"
    page.fill(f"#id_l{second.pk}-note", "Chưa đủ minh chứng")
    page.get_by_role("button", name="Lưu và mở phiếu tiếp theo").first.click()
    page.wait_for_url(base + f"{agencies[3].pk}/")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.review_points, second.review_points) == (Decimal("20.5"), Decimal("19"))
    assert_accessible(page)
