"""Every endpoint runs the same number of queries on a small year and on a large one."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from api.tests.conftest import make_document
from awards.models import GrantedAward, Nomination
from blocs.models import AgencyNameChange, Membership
from campaigns.tests import review_helpers as h
from tests.factories import AgencyFactory, BlocFactory, make_term

pytestmark = pytest.mark.django_db

# The most queries each endpoint may run for a token's user, whatever the size of the year.
LIMITS = {
    "bloc_list": 2,
    "term_list": 3,
    "term_detail": 8,
    "member_list": 7,
    "ranking": 12,
    "awards": 8,
    "document_list": 6,
    "document_detail": 4,
}


def urls(api_world):
    term = api_world.term
    at = [term.bloc.code, term.year]
    return {
        "bloc_list": reverse("api:bloc_list"),
        "term_list": reverse("api:term_list", args=at[:1]),
        "term_detail": reverse("api:term_detail", args=at),
        "member_list": reverse("api:member_list", args=at),
        "ranking": reverse("api:ranking", args=[*at, "annual"]),
        "awards": reverse("api:awards", args=at),
        "document_list": reverse("api:document_list", args=at),
        "document_detail": reverse("api:document_detail", args=[api_world.member_list.pk]),
    }


def grow(api_world, users, extra=24):
    """Many more of everything: members (renamed once), their cards, nominees, documents,
    blocs of the council and years of the bloc."""
    w, term = api_world.world, api_world.term
    agencies = [
        AgencyFactory(council=w.council, name=f"Cơ quan thêm {i} thử") for i in range(extra)
    ]
    Membership.objects.bulk_create(
        Membership(term=term, agency=a, joined_on=datetime.date(term.year, 1, 1)) for a in agencies
    )
    AgencyNameChange.objects.bulk_create(
        AgencyNameChange(
            agency=a,
            old_name=f"Tên cũ {a.pk}",
            new_name=a.name,
            old_abbreviation="CU",
            new_abbreviation=a.abbreviation,
            changed_on=datetime.date(term.year, 6, 1),
            recorded_by=users["admin"],
        )
        for a in agencies
    )
    table = api_world.year_end.scorecards.first().table
    h.make_cards(api_world.year_end, table, agencies)
    decision = term.dossier.decision
    merit_list = term.nomination_lists.get(award_type=api_world.merit)
    for position, agency in enumerate(agencies[:10], start=3):
        nomination = Nomination.objects.create(
            nomination_list=merit_list, agency=agency, position=position, votes=8
        )
        GrantedAward.objects.create(
            decision=decision,
            nomination=nomination,
            agency=nomination.agency,
            award_type=api_world.merit,
            granted=True,
        )
    for number in range(2, 2 + extra):
        make_document(term, "member_list", number=number)
    for _ in range(extra):
        make_document(term, "score_table_semiannual", provisional=True)
    for agency in agencies[:8]:
        make_document(term, "achievement_report", provisional=True, params={"agency": agency.pk})
    for _ in range(8):
        bloc = BlocFactory(council=w.council)
        make_term(
            bloc=bloc, year=term.year, agencies=agencies[:2], leader=agencies[0], deputy=agencies[1]
        )
    for year in range(2010, 2018):
        make_term(bloc=term.bloc, year=year, agencies=w.agencies[:2], leader=w.a, deputy=w.b)


def count(client, key, url) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers={"Authorization": f"Token {key}"})
    assert response.status_code == 200, (url, response.status_code)
    return len(queries), response.json()


@pytest.mark.parametrize("persona", ["board", "member_head", "secretariat"])
def test_every_endpoint_runs_a_constant_number_of_queries(
    client, api_world, users, token_for, django_assert_max_num_queries, persona
):
    key = token_for(users[persona])
    addresses = urls(api_world)
    small = {}
    for name, url in addresses.items():
        with django_assert_max_num_queries(LIMITS[name]):
            small[name] = count(client, key, url)
    grow(api_world, users)
    for name, url in addresses.items():
        with django_assert_max_num_queries(LIMITS[name]):
            queries, body = count(client, key, url)
        assert queries == small[name][0], (name, small[name][0], queries)
        if persona == "board" and name != "document_detail":
            assert body != small[name][1], f"{name} did not grow"
