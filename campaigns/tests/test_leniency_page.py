"""The period's leniency page: who may see it, the numbers it shows, its link and its queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import Period, Scorecard, ScoreLine
from campaigns.tests import review_helpers as h
from campaigns.views.leniency import review_lines
from tests import factories
from tests.factories import PERSONAS
from tests.urlnames import url_names_of

pytestmark = pytest.mark.django_db

D = Decimal
MINUS = "\u2212"
ZERO = D("0")
SEES = {"board", "secretariat", "secretariat_officer"}


def review(card, reviewer, *, less=ZERO, agreed_less=None, codes=None):
    """Review every line of ``card`` at its self points minus ``less``; ``agreed_less`` maps a
    criterion code to the agreed points' distance below the self points."""
    for line in ScoreLine.objects.filter(scorecard=card).select_related("criterion"):
        if codes is not None and line.criterion.code not in codes:
            continue
        line.review_points = line.self_points - less
        line.reviewer = reviewer
        if agreed_less and line.criterion.code in agreed_less:
            line.agreed_points = line.self_points - agreed_less[line.criterion.code]
        line.save()


def build_scenario(w):
    """The 2026 year-end under review, scored lines only (2 groups × 2 criteria, 24 points
    each by the member): C reviews D and always gives 1 point less; on D's card the meeting
    agreed half-way on 1.1 and 2.1 and kept the review points elsewhere. D reviews E and E
    reviews A, both at the self score. B's card is not reviewed yet."""
    w.e = w.agencies[4]
    table = h.make_table(w.term, bonus=False, penalty=False)
    w.period = h.make_period(w.term)
    w.cards = h.make_cards(w.period, table, [w.a, w.b, w.d, w.e])
    h.assign(w.period, [(w.c, w.d), (w.d, w.e), (w.e, w.a), (w.a, w.b)], by=w.secretariat)
    review(
        w.cards[w.d],
        w.c,
        less=D("1"),
        agreed_less={"1.1": D("0.5"), "1.2": D("1"), "2.1": D("0.5"), "2.2": D("1")},
    )
    review(w.cards[w.e], w.d)
    review(w.cards[w.a], w.e)
    return w


@pytest.fixture
def world(bloc_world):
    return build_scenario(bloc_world)


def url(w, kind="annual", year=None):
    return reverse("campaigns:leniency", args=[w.bloc.code, year or w.term.year, kind])


def login(client, user):
    if user is not None:
        client.force_login(user)
    return client


def cells(html, marker):
    """The text of each cell of the first table row after ``marker``."""
    row = html.split(marker, 1)[1].split("</tr>", 1)[0]
    out = []
    for part in row.split("<td")[1:]:
        text = part.split(">", 1)[1].split("</td>", 1)[0]
        while "<" in text:
            head, _sep, rest = text.partition("<")
            text = head + rest.partition(">")[2]
        out.append(" ".join(text.split()))
    return out


# --- The numbers ---------------------------------------------------------------------------------


def test_the_reviewer_one_point_below_every_self_score_shows_minus_one(client, world):
    w = world
    response = login(client, w.secretariat).get(url(w))
    assert response.status_code == 200
    html = response.content.decode()
    table = html.split('id="leniency-table"', 1)[1].split("</table>", 1)[0]
    # Lines, mean and spread against self, against agreed, apart from the others, the word.
    assert cells(table, f'data-reviewer="{w.c.pk}"') == [
        w.d.name,
        "4",
        f"{MINUS}1",
        "0",
        f"{MINUS}0,25",
        "0,25",
        f"{MINUS}1",
        "khắt khe hơn",
    ]
    # D and E kept the self scores: half a point above the mean of the others' lines.
    for reviewer, reviewed in ((w.d, w.e), (w.e, w.a)):
        assert cells(table, f'data-reviewer="{reviewer.pk}"') == [
            reviewed.name,
            "4",
            "0",
            "0",
            "—",
            "—",
            "+0,5",
            "dễ hơn",
        ]
    # A has not reviewed B yet: no row.
    assert f'data-reviewer="{w.a.pk}"' not in table
    # Every reviewer together: 12 lines, −1/3 on average.
    assert cells(table, "<tfoot>") == [
        "12",
        f"{MINUS}0,33",
        "0,47",
        f"{MINUS}0,25",
        "0,25",
        "—",
        "",
    ]


def test_the_group_table_shows_minus_one_in_each_group(client, world):
    w = world
    html = login(client, w.board).get(url(w)).content.decode()
    groups = html.split('id="leniency-groups"', 1)[1].split("</table>", 1)[0]
    body = groups.split(f'<tbody data-reviewer="{w.c.pk}">', 1)[1].split("</tbody>", 1)[0]
    assert "1. Nhóm tiêu chí 1" in body and "2. Nhóm tiêu chí 2" in body
    first, second = body.split("2. Nhóm tiêu chí 2")
    expected = ["2", f"{MINUS}1", "0", f"{MINUS}0,25", "0,25", f"{MINUS}1", "khắt khe hơn"]
    assert cells(first, "1. Nhóm tiêu chí 1") == expected
    assert cells("x" + second, "x") == expected


def test_the_page_says_it_never_changes_a_score(client, world):
    before = list(ScoreLine.objects.order_by("pk").values_list("review_points", "agreed_points"))
    html = login(client, world.board).get(url(world)).content.decode()
    assert "Bảng này chỉ để tham khảo; nó không thay đổi điểm nào." in html
    assert "Từ −0,25 trở xuống là “khắt khe hơn”" in html
    after = list(ScoreLine.objects.order_by("pk").values_list("review_points", "agreed_points"))
    assert before == after


def test_a_period_without_review_points_says_so(client, world):
    ScoreLine.objects.update(review_points=None, reviewer=None, agreed_points=None)
    html = login(client, world.secretariat).get(url(world)).content.decode()
    assert 'id="leniency-empty"' in html and 'id="leniency-table"' not in html


def test_review_lines_put_each_line_under_its_top_level_group(world):
    lines, agencies = review_lines(world.period)
    assert len(lines) == 12
    assert [ln.group_code for ln in lines[:6]] == ["1"] * 6
    assert {ln.group_code for ln in lines[6:]} == {"2"}
    assert agencies[world.c.pk].name == world.c.name
    mine = [ln for ln in lines if ln.reviewer_id == world.c.pk]
    assert {ln.review_points - ln.self_points for ln in mine} == {D("-1")}


def test_draft_cards_are_left_out(world):
    Scorecard.objects.filter(pk=world.cards[world.d].pk).update(status=Scorecard.Status.DRAFT)
    lines, _agencies = review_lines(world.period)
    assert {ln.reviewer_id for ln in lines} == {world.d.pk, world.e.pk}


# --- Who may see it ------------------------------------------------------------------------------


def expected(persona):
    if persona == "anonymous":
        return "login"
    if persona in SEES:
        return 200
    if persona == "outsider":
        return 404
    return 403


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(client, world, persona):
    response = login(client, world.personas[persona]).get(url(world))
    status = expected(persona)
    if status == "login":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == status, persona


def test_administrator_sees_it(client, world, django_user_model):
    admin = django_user_model.objects.create_superuser("quantri", "qt@example.vn", "x")
    assert login(client, admin).get(url(world)).status_code == 200


def test_a_closed_year_is_shown_to_its_leader(client, world):
    term = world.previous_term
    h.make_period(term, status=Period.Status.AGREED)
    old = reverse("campaigns:leniency", args=[world.bloc.code, term.year, "annual"])
    assert login(client, world.last_year_leader).get(old).status_code == 200


def test_unknown_or_unopened_periods_are_not_found(client, world):
    login(client, world.secretariat)
    assert client.get(url(world, kind="semiannual")).status_code == 404
    assert client.get(url(world, kind="quarterly")).status_code == 404


def test_it_is_read_only(client, world):
    assert login(client, world.secretariat).post(url(world)).status_code == 405


def test_matrix_covers_every_leniency_view():
    assert url_names_of("campaigns.views.leniency") == {"campaigns:leniency"}


def test_the_period_pages_link_it_for_those_who_may_see_it(client, world):
    home = reverse("campaigns:review_home", args=[world.bloc.code, world.term.year, "annual"])
    assert url(world) in login(client, world.secretariat).get(home).content.decode()
    client.logout()
    page = login(client, world.member_head).get(home)
    assert page.status_code == 200 and url(world) not in page.content.decode()


# --- Queries -------------------------------------------------------------------------------------


def reviewed_term(council, n):
    """A bloc of ``n`` agencies; every card reviewed by the next agency, 1 point below."""
    bloc = factories.BlocFactory(council=council)
    agencies = [
        factories.AgencyFactory(council=council, name=f"Cơ quan số {i:02d} khối {bloc.pk}")
        for i in range(n)
    ]
    term = factories.make_term(
        bloc=bloc, year=2026, agencies=agencies, leader=agencies[0], deputy=agencies[1]
    )
    lead = factories.UserFactory()
    factories.give_role(lead, agencies[0])
    period = h.make_period(term)
    cards = h.make_cards(period, h.make_table(term), agencies)
    pairs = [(agencies[i], agencies[(i + 1) % n]) for i in range(n)]
    h.assign(period, pairs, by=lead)
    for reviewer, reviewed in pairs:
        review(cards[reviewed], reviewer, less=D("1"), codes={"1.1", "1.2", "2.1", "2.2"})
    return term, lead


def test_the_page_runs_the_same_queries_for_4_and_12_members(
    client, council, django_assert_max_num_queries
):
    counts = {}
    for n in (4, 12):
        term, lead = reviewed_term(council, n)
        login(client, lead)
        page = reverse("campaigns:leniency", args=[term.bloc.code, 2026, "annual"])
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(page)
        assert response.status_code == 200
        assert response.content.decode().count('<tr data-reviewer="') == n
        counts[n] = len(ctx.captured_queries)
    assert counts[4] == counts[12], counts
    with django_assert_max_num_queries(counts[4]):
        client.get(page)


def test_review_lines_reads_in_two_queries(council, django_assert_num_queries):
    term, _lead = reviewed_term(council, 5)
    period = term.periods.get()
    with django_assert_num_queries(2):
        lines, _agencies = review_lines(period)
    assert len(lines) == 20
