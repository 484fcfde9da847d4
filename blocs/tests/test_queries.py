"""Member lists run a constant number of queries, whatever the size of the bloc."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blocs.models import AgencyRole
from blocs.tests.helpers import build_bloc
from tests.factories import AgencyFactory, CouncilFactory

pytestmark = pytest.mark.django_db

PAGES = ["blocs:term_detail", "blocs:member_manage"]


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _url(name, bloc):
    return reverse(name, args=[bloc.code, 2026])


@pytest.mark.parametrize("name", PAGES)
def test_page_runs_the_same_queries_for_4_and_40_members(client, name):
    counts = {}
    for size in (4, 40):
        council = CouncilFactory()
        bloc, agencies, _terms = build_bloc(council=council, members=size)
        # One agency outside the bloc, so that the add-member form has choices to list.
        AgencyFactory(council=council)
        # The secretariat sees every action button.
        user = AgencyRole.objects.filter(agency=agencies[1]).first().user
        client.force_login(user)
        counts[size] = _count(client, _url(name, bloc))
    assert counts[4] == counts[40], counts


def test_term_detail_stays_within_its_query_budget(client, council, django_assert_max_num_queries):
    bloc, agencies, _terms = build_bloc(council=council, members=40)
    client.force_login(AgencyRole.objects.filter(agency=agencies[1]).first().user)
    # 12: the page's own queries (the board checks read with the year), plus the header's count
    # of unread notifications.
    with django_assert_max_num_queries(12):
        client.get(reverse("blocs:term_detail", args=[bloc.code, 2026]))
