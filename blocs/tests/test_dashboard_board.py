"""The board officer's dashboard counts the board's blocs instead of listing every one."""

import pytest
from django.urls import reverse

from blocs.models import BlocTerm
from blocs.tests.helpers import build_bloc
from tests.factories import BlocFactory

pytestmark = pytest.mark.django_db


def _dashboard(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(15) as captured:
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response.content.decode(), len(captured.captured_queries)


def test_the_board_sees_its_blocs_counted_by_the_state_of_their_latest_year(
    client, bloc_world, django_assert_max_num_queries
):
    build_bloc(council=bloc_world.council, members=4, years=(2026,))
    planning = BlocFactory(council=bloc_world.council)
    BlocTerm.objects.create(bloc=planning, year=2027)
    BlocFactory(council=bloc_world.council)
    client.force_login(bloc_world.board)
    html, _count = _dashboard(client, django_assert_max_num_queries)
    assert f"{bloc_world.council.name}: 4 khối thi đua" in html
    overview = reverse("reports:province_overview", args=[bloc_world.council.pk, 2026])
    assert f'<a href="{overview}">Năm 2026</a>: 2 đang thực hiện' in html
    assert "Năm 2027</a>: 1 chuẩn bị" in html
    assert "1 khối chưa mở năm thi đua nào" in html
    # The blocs themselves are the province overview's to list, a page at a time.
    assert reverse("blocs:term_detail", args=[bloc_world.bloc.code, 2026]) not in html


def test_a_member_still_sees_the_blocs_of_its_agency(client, bloc_world):
    client.force_login(bloc_world.member_head)
    html = client.get(reverse("dashboard")).content.decode()
    assert reverse("blocs:term_detail", args=[bloc_world.bloc.code, 2026]) in html
    assert "khối thi đua</h2>" not in html


def test_the_board_dashboard_runs_the_same_queries_for_few_and_many_blocs(
    client, bloc_world, django_assert_max_num_queries
):
    client.force_login(bloc_world.board)
    counts = []
    for more in (1, 12):
        for _ in range(more):
            build_bloc(council=bloc_world.council, members=4, years=(2025, 2026))
        counts.append(_dashboard(client, django_assert_max_num_queries)[1])
    assert counts[0] == counts[1], counts
