"""The total of every layer side by side, the reviewer's whole-card save, the queue of cards to
cross-check and the grid as a conference sheet."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from blocs.models import AgencyRole
from campaigns.models import CrossCheck, Period, Scorecard, ScoreLine, ScoreLineChange
from campaigns.services import agreement
from campaigns.services import review as review_services
from campaigns.tests import review_helpers as h
from campaigns.tests.test_review_views import (
    ALL,
    MEMBERS,
    OFFICERS,
    client_for,
    expect,
    read_expectation,
    url,
)
from tests import factories

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def world(bloc_world):
    """The 2026 annual period under review (as in ``test_review_views``): A–E submitted, each
    member cross-checking the next, so D checks E; F's card still a draft."""
    w = bloc_world
    w.e, w.f = w.agencies[4], w.agencies[5]
    table = h.make_table(w.term)
    w.period = h.make_period(w.term)
    w.cards = h.make_cards(w.period, table, w.agencies[:5])
    w.cards.update(h.make_cards(w.period, table, [w.f], status=Scorecard.Status.DRAFT))
    review_services.assign_cross_checks(
        period=w.period, pairs=review_services.proposed_rotation(w.period), by=w.secretariat
    )
    assert CrossCheck.objects.get(period=w.period, reviewed=w.e).reviewer == w.d
    return w


REVIEWERS = {"member_head", "member_officer"}  # D's users; D cross-checks E


def _set_layers(card, **layers):
    """Spread each layer's total evenly over the card's four scored leaves (bonus, penalty 0)."""
    for name, total in layers.items():
        extra = {"board_reason": "Kiểm tra lại hồ sơ"} if name == "board" else {}
        share = D(total) / 4
        ScoreLine.objects.filter(scorecard=card, criterion__kind="scored").update(
            **{f"{name}_points": share}, **extra
        )
        ScoreLine.objects.filter(scorecard=card).exclude(criterion__kind="scored").update(
            **{f"{name}_points": D("0")}, **extra
        )


def _layer_cells(body, layer):
    marker = f'data-layer="{layer}">'
    values, start = [], 0
    while (i := body.find(marker, start)) != -1:
        j = body.index("<", i + len(marker))
        values.append(body[i + len(marker) : j])
        start = j
    return values


# --- Per-layer totals -------------------------------------------------------------------------


def test_grid_shows_every_layer_total_side_by_side(client, world):
    w = world
    _set_layers(w.cards[w.e], self="90", review="88", agreed="89", board="87")
    client.force_login(w.secretariat)
    body = client.get(url(w, "review_grid")).content.decode()
    row = body[body.index(f">{w.e.abbreviation}</a>") :]
    row = row[: row.index("</tr>")]
    assert [_layer_cells(row, la)[0] for la in ("self", "review", "agreed", "board")] == [
        "90",
        "88",
        "89",
        "87",
    ]


def test_a_layer_nobody_wrote_shows_a_dash(client, world):
    w = world
    client.force_login(w.secretariat)
    body = client.get(url(w, "review_grid")).content.decode()
    row = body[body.index(f">{w.a.abbreviation}</a>") :]
    row = row[: row.index("</tr>")]
    # A's card has only its self score: 4 × 24.
    assert [_layer_cells(row, la)[0] for la in ("self", "review", "agreed", "board")] == [
        "96",
        "—",
        "—",
        "—",
    ]


def test_review_card_shows_the_layer_totals_with_the_decimal_comma(client, world):
    w = world
    _set_layers(w.cards[w.e], self="90", review="88", agreed="89", board="86.8")
    client.force_login(w.board)
    body = client.get(url(w, "review_scorecard", agency_id=w.e.pk)).content.decode()
    # The summary at the top and the foot of each layer's column.
    assert _layer_cells(body, "self") == ["90", "90"]
    assert _layer_cells(body, "review") == ["88", "88"]
    assert _layer_cells(body, "agreed") == ["89", "89"]
    assert _layer_cells(body, "board") == ["86,8", "86,8"]


def test_a_line_not_yet_cross_checked_counts_its_self_points_in_the_review_total(client, world):
    w = world
    line = h.line(w.cards[w.e], "1.1")
    review_services.record_review(
        line=line, points="20", note="Thiếu minh chứng", reviewer_id=w.d.pk, by=w.member_head
    )
    client.force_login(w.secretariat)
    body = client.get(url(w, "review_scorecard", agency_id=w.e.pk)).content.decode()
    assert _layer_cells(body, "self")[0] == "96"
    assert _layer_cells(body, "review")[0] == "92"
    assert _layer_cells(body, "agreed")[0] == "—"


# --- The whole card saved at once -------------------------------------------------------------


def _lines(card):
    return {ln.criterion.code: ln for ln in card.lines.select_related("criterion")}


def test_reviewer_saves_the_whole_card_in_one_post(client, world):
    w = world
    lines = _lines(w.cards[w.e])
    client.force_login(w.member_officer)
    response = client.post(
        url(w, "review_save_all", agency_id=w.e.pk),
        {
            f"l{lines['1.1'].pk}-points": "20",
            f"l{lines['1.1'].pk}-note": "Thiếu báo cáo quý IV",
            f"l{lines['1.2'].pk}-points": "24",
            f"l{lines['2.1'].pk}-points": "22,5",
            f"l{lines['2.1'].pk}-note": "Chỉ đạt một phần",
        },
    )
    assert response.status_code == 302
    after = _lines(w.cards[w.e])
    assert after["1.1"].review_points == D("20")
    assert after["1.1"].review_note == "Thiếu báo cáo quý IV"
    assert after["1.2"].review_points == D("24")
    assert after["2.1"].review_points == D("22.5")
    # Lines the request did not carry are not written.
    assert after["2.2"].review_points is None and after["T"].review_points is None
    assert {ln.reviewer_id for code, ln in after.items() if code in ("1.1", "1.2", "2.1")} == {
        w.d.pk
    }
    changes = ScoreLineChange.objects.filter(line__scorecard=w.cards[w.e], layer="review")
    assert sorted(c.line.criterion.code for c in changes) == ["1.1", "1.2", "2.1"]
    assert all(c.changed_by == w.member_officer for c in changes)
    w.cards[w.e].refresh_from_db()
    assert w.cards[w.e].status == Scorecard.Status.REVIEWED


def test_saving_the_same_values_again_writes_nothing(client, world):
    w = world
    lines = _lines(w.cards[w.e])
    data = {f"l{lines['1.1'].pk}-points": "20", f"l{lines['1.1'].pk}-note": "Thiếu"}
    client.force_login(w.member_head)
    expect(client.post(url(w, "review_save_all", agency_id=w.e.pk), data), 302)
    expect(client.post(url(w, "review_save_all", agency_id=w.e.pk), data), 302)
    assert ScoreLineChange.objects.filter(line__scorecard=w.cards[w.e]).count() == 1


def test_a_note_alone_changes_only_the_note(client, world):
    w = world
    line = h.line(w.cards[w.e], "1.2")
    review_services.record_review(
        line=line, points="20", note="Thiếu", reviewer_id=w.d.pk, by=w.member_head
    )
    client.force_login(w.member_head)
    response = client.post(
        url(w, "review_save_all", agency_id=w.e.pk), {f"l{line.pk}-note": "Thiếu báo cáo"}
    )
    expect(response, 302)
    line.refresh_from_db()
    assert (line.review_points, line.review_note) == (D("20"), "Thiếu báo cáo")


def test_one_refused_line_stores_nothing_and_keeps_what_was_typed(client, world):
    w = world
    lines = _lines(w.cards[w.e])
    client.force_login(w.member_head)
    response = client.post(
        url(w, "review_save_all", agency_id=w.e.pk),
        {
            f"l{lines['1.1'].pk}-points": "21",
            f"l{lines['1.1'].pk}-note": "Có lý do",
            f"l{lines['1.2'].pk}-points": "19",
            f"l{lines['1.2'].pk}-note": "",
            f"l{lines['2.1'].pk}-points": "30",
            f"l{lines['2.1'].pk}-note": "Quá điểm",
            f"l{lines['2.2'].pk}-points": "mười",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "cần ghi nhận xét nêu lý do" in body
    assert "phải từ 0 đến 25" in body
    assert "Chưa lưu" in body
    assert 'value="21"' in body and "Có lý do" in body and 'value="mười"' in body
    assert "Điểm phải là một số, ví dụ 7,5." in body
    assert not ScoreLine.objects.filter(
        scorecard=w.cards[w.e], review_points__isnull=False
    ).exists()
    assert not ScoreLineChange.objects.filter(line__scorecard=w.cards[w.e]).exists()


def test_range_and_note_errors_name_their_lines_after_a_valid_form(client, world):
    w = world
    lines = _lines(w.cards[w.e])
    client.force_login(w.member_head)
    response = client.post(
        url(w, "review_save_all", agency_id=w.e.pk),
        {
            f"l{lines['1.1'].pk}-points": "21",
            f"l{lines['1.1'].pk}-note": "Có lý do",
            f"l{lines['1.2'].pk}-points": "19",
        },
    )
    assert response.status_code == 400
    form = response.context["rows"][2]["forms"]["review"]
    assert form.errors["note"] == ["Điểm chấm chéo khác điểm tự chấm: cần ghi nhận xét nêu lý do."]
    assert not ScoreLineChange.objects.filter(line__scorecard=w.cards[w.e]).exists()


def test_save_and_next_opens_the_next_card_waiting(client, world):
    w = world
    CrossCheck.objects.filter(period=w.period, reviewed=w.a).delete()
    h.assign(w.period, [(w.d, w.a)], w.secretariat)
    lines = _lines(w.cards[w.e])
    client.force_login(w.member_head)
    page = client.get(url(w, "review_scorecard", agency_id=w.e.pk)).content.decode()
    assert "Lưu tất cả" in page and "Lưu và mở phiếu tiếp theo" in page
    assert url(w, "review_scorecard", agency_id=w.a.pk) in page
    data = {f"l{ln.pk}-points": str(ln.self_points) for ln in lines.values()}
    response = client.post(url(w, "review_save_all", agency_id=w.e.pk), {**data, "next": "1"})
    assert response["Location"] == url(w, "review_scorecard", agency_id=w.a.pk)
    # Nothing left after A: the queue says so.
    a_lines = _lines(w.cards[w.a])
    data = {f"l{ln.pk}-points": str(ln.self_points) for ln in a_lines.values()}
    response = client.post(url(w, "review_save_all", agency_id=w.a.pk), {**data, "next": "1"})
    assert response["Location"] == url(w, "review_queue")


def test_the_per_line_save_still_works(client, world):
    w = world
    line = h.line(w.cards[w.e], "1.1")
    client.force_login(w.member_head)
    response = client.post(
        url(w, "review_line", agency_id=w.e.pk, line_id=line.pk, layer="review"),
        {f"l{line.pk}-points": "22", f"l{line.pk}-note": "Thiếu"},
    )
    expect(response, 302)
    line.refresh_from_db()
    assert line.review_points == D("22")


@pytest.mark.parametrize("persona", ALL)
def test_only_the_assigned_reviewer_saves_the_whole_card(client, world, persona):
    w = world
    line = h.line(w.cards[w.e], "1.1")
    response = client_for(client, w.personas[persona]).post(
        url(w, "review_save_all", agency_id=w.e.pk),
        {f"l{line.pk}-points": "20", f"l{line.pk}-note": "Thiếu"},
    )
    if persona == "anonymous":
        expect(response, "login")
    elif persona in ("outsider", "last_year_leader"):
        expect(response, 404)
    elif persona in REVIEWERS:
        expect(response, 302)
    else:
        expect(response, 403)
    line.refresh_from_db()
    assert (line.review_points == D("20")) == (persona in REVIEWERS)


def test_the_whole_card_save_refuses_get_and_an_agreed_period(client, world):
    w = world
    client.force_login(w.member_head)
    expect(client.get(url(w, "review_save_all", agency_id=w.e.pk)), 405)
    agreement.agree_period(period=w.period, by=w.secretariat)
    line = h.line(w.cards[w.e], "1.1")
    response = client.post(
        url(w, "review_save_all", agency_id=w.e.pk),
        {f"l{line.pk}-points": "20", f"l{line.pk}-note": "Thiếu"},
    )
    expect(response, 403)


# --- The queue ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ALL)
def test_queue_lists_the_cards_given_to_the_readers_agency(client, world, persona):
    response = client_for(client, world.personas[persona]).get(url(world, "review_queue"))
    expect(response, read_expectation(persona, OFFICERS | MEMBERS))
    if response.status_code == 200:
        user = world.personas[persona]
        mine = AgencyRole.objects.filter(user=user).values_list("agency_id", flat=True)
        expected = sorted(
            CrossCheck.objects.filter(period=world.period, reviewer_id__in=mine)
            .exclude(reviewed=world.f)
            .values_list("reviewed_id", flat=True)
        )
        assert sorted(r["agency_id"] for r in response.context["waiting"]) == expected
        if persona in REVIEWERS:
            assert expected == [world.e.pk]


def test_a_fully_reviewed_card_leaves_the_waiting_list(client, world):
    w = world
    for line in w.cards[w.e].lines.all():
        review_services.record_review(
            line=line, points=line.self_points, note="", reviewer_id=w.d.pk, by=w.member_head
        )
    client.force_login(w.member_head)
    response = client.get(url(w, "review_queue"))
    assert response.context["waiting"] == []
    assert [r["agency_id"] for r in response.context["done"]] == [w.e.pk]
    assert "Không còn phiếu nào chờ" in response.content.decode()


def test_queue_refuses_post(client, world):
    client.force_login(world.member_head)
    expect(client.post(url(world, "review_queue")), 405)


# --- The grid as a conference sheet ---------------------------------------------------------------


@pytest.mark.parametrize("persona", ALL)
def test_grid_sheet_is_for_secretariat_deputy_and_board(client, world, persona):
    response = client_for(client, world.personas[persona]).get(url(world, "review_grid_export"))
    expect(response, read_expectation(persona, OFFICERS) or 403)


def test_grid_sheet_has_a_row_per_agency_with_groups_layers_and_rank(client, world):
    w = world
    _set_layers(w.cards[w.e], review="88", agreed="89")
    client.force_login(w.secretariat)
    response = client.get(url(w, "review_grid_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Hạng", "Cơ quan, đơn vị", "Viết tắt")
    assert rows[0][3:] == (
        "1. Nhóm tiêu chí 1",
        "2. Nhóm tiêu chí 2",
        "Tổng Tự chấm",
        "Tổng Chấm chéo",
        "Tổng Thống nhất",
        "Tổng Ban TĐKT",
        "Tổng điểm",
        "Xếp loại",
    )
    by_name = {r[1]: r for r in rows[1:]}
    e = by_name[w.e.name]
    assert e[0] == 5  # 89 after four cards of 96
    assert [D(str(v)) for v in e[3:5]] == [D("44.5"), D("44.5")]
    assert [None if v is None else D(str(v)) for v in e[5:9]] == [D("96"), D("88"), D("89"), None]
    assert D(str(e[9])) == D("89")
    # F's draft is listed after the ranked agencies, as not submitted.
    assert rows[-1][1] == w.f.name and rows[-1][0] == "Chưa nộp"
    assert len(rows) == 1 + 6


def test_grid_sheet_refuses_post(client, world):
    client.force_login(world.secretariat)
    expect(client.post(url(world, "review_grid_export")), 405)


# --- Constant queries ---------------------------------------------------------------------------


def reviewer_world(council, n, leaves):
    """``n`` agencies, each cross-checking the next; the first one's head is the user."""
    bloc = factories.BlocFactory(council=council)
    agencies = [
        factories.AgencyFactory(council=council, name=f"Cơ quan số {i:02d} khối {bloc.pk}")
        for i in range(n)
    ]
    term = factories.make_term(
        bloc=bloc, year=2026, agencies=agencies, leader=agencies[0], deputy=agencies[1]
    )
    user = factories.UserFactory()
    factories.give_role(user, agencies[0], AgencyRole.Role.HEAD)
    table = h.make_table(term, groups=leaves, leaves=leaves, leaf_max="10")
    period = h.make_period(term, status=Period.Status.REVIEWING)
    h.make_cards(period, table, agencies)
    review_services.assign_cross_checks(
        period=period, pairs=review_services.proposed_rotation(period), by=user
    )
    reviewed = CrossCheck.objects.get(period=period, reviewer=agencies[0]).reviewed
    return bloc, user, reviewed


@pytest.mark.parametrize(
    "page", ["review_queue", "review_scorecard", "review_grid", "review_grid_export"]
)
def test_reviewer_pages_run_a_constant_number_of_queries(
    client, council, page, django_assert_max_num_queries
):
    counts = []
    for n, leaves in ((4, 2), (8, 4)):
        bloc, user, reviewed = reviewer_world(council, n, leaves)
        client.force_login(user)
        kwargs = {"bloc_code": bloc.code, "year": 2026, "kind": "annual"}
        if page == "review_scorecard":
            kwargs["agency_id"] = reviewed.pk
        path = reverse(f"campaigns:{page}", kwargs=kwargs)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
        with django_assert_max_num_queries(20):
            client.get(path)
    assert counts[0] == counts[1], counts
