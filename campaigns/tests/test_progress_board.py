"""The board overview: what each bloc row says, the filters, the workbook and the query count."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from blocs.models import BlocTerm, BoardOfficer
from campaigns import progress as reads
from campaigns.models import Period
from campaigns.tests.test_progress_views import big_term, build_scenario
from tests import factories

pytestmark = pytest.mark.django_db

BOARD = reverse("campaigns:board_overview")
EXPORT = reverse("campaigns:board_overview_export")


@pytest.fixture
def world(bloc_world):
    """The scenario bloc (overdue: F never submitted, its self-score deadline passed) and two
    quiet blocs of the same council, all in 2026; a bloc of another council the board also
    oversees."""
    w = build_scenario(bloc_world)
    w.bloc.name = "Khối thi đua các cơ quan Đảng"
    w.bloc.save(update_fields=["name"])
    w.quiet = []
    for name in ("Khối doanh nghiệp", "Khối tổng hợp"):
        bloc = factories.BlocFactory(council=w.council, name=name)
        agencies = [factories.AgencyFactory(council=w.council) for _ in range(3)]
        factories.make_term(
            bloc=bloc, year=2026, agencies=agencies, leader=agencies[0], deputy=agencies[1]
        )
        w.quiet.append(bloc)
    w.other_council = factories.CouncilFactory(name="Hội đồng Thi đua tỉnh Khác")
    w.other = factories.BlocFactory(council=w.other_council, name="Khối các huyện")
    agencies = [factories.AgencyFactory(council=w.other_council) for _ in range(2)]
    factories.make_term(
        bloc=w.other, year=2025, agencies=agencies, leader=agencies[0], deputy=agencies[1]
    )
    BoardOfficer.objects.create(user=w.board, council=w.other_council)
    return w


def names(response):
    return [r.bloc.name for r in response.context["rows"]]


def test_rows_say_lead_members_pledge_scores_periods_and_overdue(client, world):
    client.force_login(world.board)
    response = client.get(BOARD + "?year=2026")
    assert response.status_code == 200
    [row] = [r for r in response.context["rows"] if r.bloc == world.bloc]
    p = row.progress
    assert p.leader.id == world.b.pk and p.member_count == 6
    assert (p.column("pledge").done, p.column("pledge").asked) == (1, 6)
    assert (p.column("selfscore").done, p.column("selfscore").asked) == (5, 6)
    assert p.agreed_periods == [(world.period, False)]
    assert p.overdue_count == 1
    html = response.content.decode()
    assert "1/6" in html and "5/6" in html and "1 quá hạn" in html
    assert 'tabindex="0"' in html
    # The other council's bloc has no 2026: it is listed, saying so.
    assert "Chưa mở năm 2026." in html


def test_blocs_are_in_vietnamese_order_by_council(client, world):
    client.force_login(world.board)
    got = names(client.get(BOARD + "?year=2026"))
    mine = [n for n in got if n != "Khối các huyện"]
    assert mine == ["Khối doanh nghiệp", "Khối thi đua các cơ quan Đảng", "Khối tổng hợp"]


@pytest.mark.parametrize(
    "query,expected",
    [
        ("dang", ["Khối thi đua các cơ quan Đảng"]),
        ("ĐẢNG", ["Khối thi đua các cơ quan Đảng"]),
        ("khoi tong", ["Khối tổng hợp"]),
        ("tổng hợp", ["Khối tổng hợp"]),
        ("không có", []),
    ],
)
def test_search_ignores_tone_marks_and_case(client, world, query, expected):
    client.force_login(world.board)
    assert names(client.get(BOARD, {"q": query, "year": 2026})) == expected


def test_filters_by_council_year_and_overdue(client, world):
    client.force_login(world.board)
    only_other = names(client.get(BOARD, {"council": world.other_council.pk, "year": 2025}))
    assert only_other == ["Khối các huyện"]
    response = client.get(BOARD, {"council": world.other_council.pk, "year": 2025})
    assert response.context["rows"][0].progress.term.year == 2025
    overdue = names(client.get(BOARD, {"overdue": "on", "year": 2026}))
    assert overdue == ["Khối thi đua các cơ quan Đảng"]


def test_bad_filters_say_what_is_wrong_and_keep_the_page(client, world):
    client.force_login(world.board)
    response = client.get(BOARD, {"council": "999999", "year": "1900", "q": "đ" * 101})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hãy chọn một hội đồng trong danh sách." in html
    assert "Hãy chọn một năm trong danh sách." in html


def test_a_council_the_officer_does_not_oversee_is_not_offered(client, world):
    stranger = factories.CouncilFactory()
    client.force_login(world.board)
    response = client.get(BOARD, {"council": stranger.pk})
    assert "Hãy chọn một hội đồng trong danh sách." in response.content.decode()


def test_workbook_follows_the_filters(client, world):
    client.force_login(world.board)
    response = client.get(EXPORT, {"q": "dang", "year": 2026})
    assert response.status_code == 200
    assert "tong-quan-cac-khoi.xlsx" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Hội đồng", "Khối thi đua", "Năm")
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Khối thi đua"] == "Khối thi đua các cơ quan Đảng"
    assert row["Khối trưởng"] == world.b.name
    assert row["Đã ký giao ước"] == "1/6" and row["Đã nộp phiếu tự chấm"] == "5/6"
    assert row["Tổng kết năm đã thống nhất"] == "Chưa"
    assert row["Sơ kết 6 tháng đã thống nhất"] is None
    assert row["Số việc quá hạn"] == 1


def test_workbook_keeps_a_formula_like_bloc_name_as_text(client, world):
    world.quiet[0].name = "=1+1 Khối"
    world.quiet[0].save(update_fields=["name"])
    client.force_login(world.board)
    sheet = load_workbook(io.BytesIO(client.get(EXPORT, {"year": 2026}).content)).active
    cell = next(c for c in sheet["B"] if c.value == "=1+1 Khối")
    assert cell.data_type == "s" and cell.quotePrefix


def test_default_year_is_this_year_or_the_latest_before_it():
    assert reads.default_year([2027, 2026, 2025], today=datetime.date(2026, 5, 1)) == 2026
    assert reads.default_year([2024, 2023], today=datetime.date(2026, 5, 1)) == 2024
    assert reads.default_year([2030], today=datetime.date(2026, 5, 1)) == 2030


def test_overview_runs_the_same_queries_for_twice_the_blocs_and_agencies(
    client, council, django_assert_max_num_queries
):
    board = factories.UserFactory()
    BoardOfficer.objects.create(user=board, council=council)
    client.force_login(board)
    counts = {}
    for total in (2, 4):
        while len({t.bloc_id for t in BlocTerm.objects.all()}) < total:
            big_term(council, 4 if total == 2 else 8)
        for url in (BOARD, EXPORT):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url, {"year": 2026}).status_code == 200
            counts[(url, total)] = len(ctx.captured_queries)
    assert counts[(BOARD, 2)] == counts[(BOARD, 4)], counts
    assert counts[(EXPORT, 2)] == counts[(EXPORT, 4)], counts
    with django_assert_max_num_queries(counts[(BOARD, 2)]):
        client.get(BOARD, {"year": 2026})
    assert counts[(BOARD, 4)] <= 15, counts


def test_overdue_counts_stop_once_the_period_is_agreed(world):
    now = timezone.now()
    assert reads.term_progress(world.term, now=now).overdue_count == 1
    Period.objects.filter(pk=world.period.pk).update(status=Period.Status.AGREED)
    assert reads.term_progress(world.term, now=now).overdue_count == 0


def test_councils_are_offered_in_vietnamese_order(client, world):
    world.council.name = "Hội đồng Thi đua thành phố"
    world.council.save(update_fields=["name"])
    world.other_council.name = "Hội đồng Thi đua Đảng bộ"
    world.other_council.save(update_fields=["name"])
    client.force_login(world.board)
    councils = client.get(BOARD).context["councils"]
    assert [c.name for c in councils] == ["Hội đồng Thi đua Đảng bộ", "Hội đồng Thi đua thành phố"]


def test_a_bloc_outside_four_to_fourteen_members_is_flagged(client, world):
    client.force_login(world.board)
    html = client.get(BOARD, {"year": 2026}).content.decode()
    # The quiet blocs have three members each; the scenario's bloc has six.
    assert html.count("Khối chỉ có 3 thành viên, ít hơn mức tối thiểu 4.") == 2


def test_a_long_list_comes_a_page_at_a_time_with_every_bloc_counted_by_state(
    client, council, monkeypatch
):
    """Only the page's blocs have their progress read; the heading and the states count all."""
    from campaigns.views import progress as views

    monkeypatch.setattr(views, "BOARD_PAGE", 2)
    board = factories.UserFactory()
    BoardOfficer.objects.create(user=board, council=council)
    client.force_login(board)
    for name in ("Khối A", "Khối B", "Khối C"):
        bloc = factories.BlocFactory(council=council, name=name)
        agencies = [factories.AgencyFactory(council=council) for _ in range(2)]
        factories.make_term(
            bloc=bloc, year=2026, agencies=agencies, leader=agencies[0], deputy=agencies[1]
        )
    factories.BlocFactory(council=council, name="Khối D")  # 2026 not opened
    read = []
    real = reads.board_progress
    monkeypatch.setattr(
        reads,
        "board_progress",
        lambda blocs, **kw: read.append([b.name for b in blocs]) or real(blocs, **kw),
    )

    first = client.get(BOARD, {"year": 2026})
    assert names(first) == ["Khối A", "Khối B"]
    assert read == [["Khối A", "Khối B"]]
    html = first.content.decode()
    assert "4 khối, năm 2026" in html
    assert "Trang 1/2" in html and "year=2026&amp;page=2" in html
    states = dict(first.context["states"])
    assert sum(states.values()) == 4
    assert states["Chưa mở năm"] == 1

    second = client.get(BOARD, {"year": 2026, "page": 2})
    assert names(second) == ["Khối C", "Khối D"]
    assert second.context["rows"][1].progress is None
    # Past the end: the last page, never an error.
    assert names(client.get(BOARD, {"year": 2026, "page": 9})) == ["Khối C", "Khối D"]


def test_the_overdue_filter_pages_the_overdue_blocs_only(client, world, monkeypatch):
    from campaigns.views import progress as views

    monkeypatch.setattr(views, "BOARD_PAGE", 1)
    client.force_login(world.board)
    response = client.get(BOARD, {"year": 2026, "overdue": "on"})
    assert names(response) == [world.bloc.name]
    assert response.context["page"].paginator.num_pages == 1
