"""One agency's history across the years: bloc, rank and band, awards with the council's answer,
holds; who may read it; and a query count that does not grow with the years."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.models import EligibilityHold, RankingPublication
from awards.services import catalogue
from campaigns.models import Period
from campaigns.tests.review_helpers import make_cards, make_period, make_table
from reports.agency_history import GRANTED, NOT_GRANTED, PENDING, REVOKED, history_of
from reports.tests.test_province_awards import award, decide, propose, revoke
from tests.factories import PERSONAS, UserFactory, build_bloc_world

pytestmark = pytest.mark.django_db


def score(term, agencies, *, status=Period.Status.AGREED, final=False, by=None):
    """An annual period of ``term`` ranking ``agencies`` in their order: agency i scores
    97 - i/2 (so the fourth, 95.5, is "Xuất sắc" and ranked 4)."""
    table = make_table(term)
    period = make_period(term, Period.Kind.ANNUAL, status=status)
    make_cards(
        period,
        table,
        agencies,
        points={a: {"1.1": str(Decimal(25) - Decimal(i) / 2)} for i, a in enumerate(agencies)},
    )
    if final:
        now = timezone.now()
        RankingPublication.objects.create(
            period=period,
            published_at=now - datetime.timedelta(days=10),
            published_by=by,
            appeal_days=5,
            closes_at=now - datetime.timedelta(days=5),
            finalized_at=now - datetime.timedelta(days=1),
        )
    return period


def build_history_world(council, years=(2025, 2026)):
    """A bloc over ``years``: every year scored and agreed (the first one final); in the last
    year Bằng khen proposed for A and D, the decision granting D only; in the first year D
    granted the provincial flag, later revoked; a hold on D in the last year."""
    world = build_bloc_world(council=council, members=6, years=years)
    catalogue.ensure_award_types(council=council)
    merit = award(council, catalogue.PROVINCE_MERIT)
    flag = award(council, catalogue.PROVINCE_FLAG)
    for i, term in enumerate(world.terms):
        score(term, world.agencies, final=i == 0, by=world.secretariat)
    a, d = propose(world.term, merit, [world.a, world.d], by=world.secretariat)
    decide(world.term, {a: False, d: True}, by=world.board)
    (flagged,) = propose(world.terms[0], flag, [world.d], by=world.secretariat)
    decide(world.terms[0], {flagged: True}, by=world.board, number="2/QĐ-UBND")
    revoke(flagged, by=world.board)
    EligibilityHold.objects.create(
        agency=world.d,
        reason=EligibilityHold.Reason.INSPECTION,
        details="Thanh tra tài chính",
        starts_on=datetime.date(world.term.year, 3, 1),
        until=datetime.date(world.term.year, 5, 31),
    )
    return world


def test_the_history_lists_every_year_newest_first_with_bloc_rank_and_band(council):
    world = build_history_world(council)

    rows = history_of(world.d)

    assert [row.year for row in rows] == [2026, 2025]
    assert all(row.bloc == world.bloc for row in rows)
    latest, earlier = rows
    assert (latest.standing.rank, latest.standing.of, latest.standing.band) == (4, 6, "Xuất sắc")
    assert latest.standing.total == Decimal("95.5")
    assert latest.standing.state_label == "Đã thống nhất, chưa công bố"
    assert earlier.standing.state_label == "Chính thức"
    assert earlier.standing.rank == 4


def test_the_decision_granting_one_of_two_merits_shows_in_both_histories(council):
    world = build_history_world(council)

    (a_latest, _a_earlier) = history_of(world.a)
    (d_latest, d_earlier) = history_of(world.d)

    assert [(x.award_name, x.state, x.granted) for x in a_latest.awards] == [
        ("Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", NOT_GRANTED, False)
    ]
    assert [(x.award_name, x.state, x.granted) for x in d_latest.awards] == [
        ("Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", GRANTED, True)
    ]
    assert d_latest.awards[0].decision_number == "15/QĐ-UBND"
    (flag,) = d_earlier.awards
    assert (flag.award_name, flag.state, flag.revoked, flag.granted) == (
        "Cờ thi đua của Ủy ban nhân dân tỉnh",
        REVOKED,
        True,
        False,
    )
    assert flag.revocation_reason == "Phát hiện khai man thành tích"


def test_a_proposal_without_decision_is_pending_and_a_draft_list_is_not_shown(council):
    world = build_history_world(council)
    excellent = award(council, catalogue.EXCELLENT_COLLECTIVE)
    propose(world.term, excellent, [world.b], by=world.secretariat)
    propose(
        world.term,
        award(council, catalogue.GOV_FLAG),
        [world.b],
        by=world.secretariat,
        confirmed=False,
    )

    (latest, _earlier) = history_of(world.b)

    assert [(x.award_name, x.state) for x in latest.awards] == [
        ("Tập thể lao động xuất sắc", PENDING)
    ]


def test_holds_show_in_the_years_they_overlap(council):
    world = build_history_world(council)

    latest, earlier = history_of(world.d)

    assert [h.details for h in latest.holds] == ["Thanh tra tài chính"]
    assert earlier.holds == []


def test_an_unagreed_rank_is_hidden_unless_asked_for(council):
    world = build_bloc_world(council=council, members=6, years=(2026,))
    score(world.term, world.agencies, status=Period.Status.REVIEWING)

    (hidden,) = history_of(world.d)
    (shown,) = history_of(world.d, show_unagreed=True)

    assert hidden.standing.rank is None
    assert hidden.standing.state_label == "Chưa thống nhất"
    assert shown.standing.rank == 4
    assert shown.standing.state_label == "Xếp hạng tạm thời, kỳ chưa thống nhất"


def test_the_page_shows_the_years_awards_and_holds(client, council):
    world = build_history_world(council)
    client.force_login(world.member_head)

    response = client.get(reverse("reports:agency_history", args=[world.d.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert world.d.name in page and world.bloc.name in page
    assert "Hạng 4/6" in page and "Xuất sắc" in page
    assert "Được khen thưởng" in page and "Đã bị thu hồi" in page
    assert "Quyết định số 15/QĐ-UBND ngày 20/01/2027" in page
    assert "Thanh tra tài chính" in page and "01/03/2026" in page


@pytest.mark.parametrize("persona", [*PERSONAS, "admin"])
def test_the_agencys_own_users_its_board_and_administrators_read_its_history(
    client, council, persona
):
    world = build_history_world(council)
    user = UserFactory(is_superuser=True, is_staff=True) if persona == "admin" else None
    user = user or world.personas[persona]
    if user is not None:
        client.force_login(user)

    # D's users are the member head and officer; the secretariat (B) is another member.
    response = client.get(reverse("reports:agency_history", args=[world.d.pk]))

    if user is None:
        assert response.status_code == 302
        assert reverse("login") in response["Location"]
    elif persona in {"board", "admin", "member_head", "member_officer"}:
        assert response.status_code == 200
    else:
        assert response.status_code == 404


def test_an_unknown_agency_is_a_404(client, council):
    world = build_history_world(council)
    client.force_login(world.board)

    assert client.get(reverse("reports:agency_history", args=[999999])).status_code == 404


def test_the_history_page_refuses_post(client, council):
    world = build_history_world(council)
    client.force_login(world.board)

    response = client.post(reverse("reports:agency_history", args=[world.d.pk]))

    assert response.status_code == 405


def test_history_of_reads_a_fixed_number_of_queries_whatever_the_years(
    council, django_assert_num_queries, django_assert_max_num_queries
):
    two = build_history_world(council, years=(2025, 2026))
    five = build_history_world(council, years=(2022, 2023, 2024, 2025, 2026))
    # Memberships, periods with their publications, five for the periods' rankings (cards,
    # lines, criteria, rules, members), their meeting votes, nominations, holds.
    with django_assert_max_num_queries(10) as small:
        assert len(history_of(two.d)) == 2

    with django_assert_num_queries(len(small.captured_queries)):
        assert len(history_of(five.d)) == 5


@pytest.mark.parametrize("persona", ["board", "member_head", "admin"])
def test_the_history_page_reads_a_fixed_number_of_queries_whatever_the_years(
    client, council, django_assert_max_num_queries, persona
):
    two = build_history_world(council, years=(2025, 2026))
    five = build_history_world(council, years=(2022, 2023, 2024, 2025, 2026))
    if persona == "admin":
        reader = UserFactory(is_superuser=True, is_staff=True)
    else:
        reader = two.personas[persona]
        if persona == "member_head":
            # The same person works for D in the larger world too.
            five.d.roles.create(user=reader, role=reader.agency_roles.get().role)
    client.force_login(reader)
    with django_assert_max_num_queries(15) as small:
        assert client.get(reverse("reports:agency_history", args=[two.d.pk])).status_code == 200

    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse("reports:agency_history", args=[five.d.pk])).status_code == 200


def test_the_member_list_links_the_histories_its_reader_may_open(client, council):
    world = build_bloc_world(council=council, members=6, years=(2026,))
    url = reverse("blocs:term_detail", args=[world.bloc.code, 2026])
    history = [reverse("reports:agency_history", args=[a.pk]) for a in world.agencies]

    client.force_login(world.board)
    board_page = client.get(url).content.decode()
    client.force_login(world.member_head)
    member_page = client.get(url).content.decode()

    assert all(link in board_page for link in history)
    # A member opens its own agency's history (D), never another member's.
    assert [link for link in history if link in member_page] == [history[3]]
