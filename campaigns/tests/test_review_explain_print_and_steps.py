"""The ranking explanation shows every row, says when it is provisional and prints on A4; the
scoring and ranking tabs share one step bar for the secretariat."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from campaigns.models import CrossCheck, Scorecard
from campaigns.services import agreement
from campaigns.services import review as review_services
from campaigns.tests import review_helpers as h

pytestmark = pytest.mark.django_db

STEPS = ("Phân công chấm chéo", "Bảng tổng hợp", "Thống nhất/khóa", "Xếp hạng")


@pytest.fixture
def world(bloc_world):
    w = bloc_world
    table = h.make_table(w.term)
    w.period = h.make_period(w.term)
    w.cards = h.make_cards(w.period, table, w.agencies[:5])
    review_services.assign_cross_checks(
        period=w.period, pairs=review_services.proposed_rotation(w.period), by=w.secretariat
    )
    assert CrossCheck.objects.filter(period=w.period).exists()
    return w


def _url(w, name, **kwargs):
    return reverse(
        f"campaigns:{name}",
        kwargs={"bloc_code": w.bloc.code, "year": w.term.year, "kind": "annual", **kwargs},
    )


def test_explanation_shows_every_row_without_an_inner_scroll_box(client, world):
    w = world
    client.force_login(w.member_head)
    body = client.get(_url(w, "ranking_explain", agency_id=w.d.pk)).content.decode()
    assert "max-height" not in body
    table = body[body.index('class="table table-sm table-bordered explain-table"') :]
    table = table[: table.index("</table>")]
    for code in ("1.1", "1.2", "2.1", "2.2", "T", "TR"):
        assert f"{code}. " in table
    assert "thưởng" in table and "trừ" in table


def test_explanation_says_provisional_until_the_period_is_agreed(client, world):
    w = world
    client.force_login(w.member_head)
    body = client.get(_url(w, "ranking_explain", agency_id=w.d.pk)).content.decode()
    assert "provisional-notice" in body and "tạm thời" in body
    agreement.agree_period(period=w.period, by=w.secretariat)
    body = client.get(_url(w, "ranking_explain", agency_id=w.d.pk)).content.decode()
    assert "provisional-notice" not in body


def test_explanation_prints_on_a4_without_navigation_or_buttons(client, world):
    w = world
    client.force_login(w.secretariat)
    body = client.get(_url(w, "ranking_explain", agency_id=w.d.pk)).content.decode()
    assert 'media="print" href="/static/css/ranking-explain-print.css"' in body
    assert "data-print" in body and "/static/js/print-button.js" in body
    css = (Path(settings.BASE_DIR) / "static/css/ranking-explain-print.css").read_text()
    assert "size: A4" in css
    for selector in ("nav,", "footer,", ".btn,", "form,"):
        assert selector in css
    assert "table-layout: fixed" in css


@pytest.mark.parametrize("page", ["review_home", "review_grid", "ranking", "review_queue"])
def test_secretariat_sees_the_four_steps_on_every_review_page(client, world, page):
    w = world
    client.force_login(w.secretariat)
    body = client.get(_url(w, page)).content.decode()
    assert all(step in body for step in STEPS)
    assert _url(w, "review_grid") in body and _url(w, "ranking") in body
    assert _url(w, "review_home") + "#assign" in body
    assert _url(w, "review_home") + "#agree" in body


def test_the_scoring_tab_links_to_the_review_steps_and_back(client, world):
    w = world
    client.force_login(w.secretariat)
    periods = client.get(reverse("campaigns:period_list", args=[w.bloc.code, w.term.year]))
    body = periods.content.decode()
    assert all(step in body for step in STEPS) and _url(w, "review_grid") in body
    review = client.get(_url(w, "review_home")).content.decode()
    assert reverse("campaigns:period_list", args=[w.bloc.code, w.term.year]) in review


def test_members_get_no_step_bar(client, world):
    w = world
    client.force_login(w.member_head)
    body = client.get(_url(w, "review_home")).content.decode()
    assert "review-steps" not in body
    assert _url(w, "review_queue") in body


def test_review_card_offers_the_queue_to_the_reviewer(client, world):
    w = world
    client.force_login(w.member_head)
    reviewed = CrossCheck.objects.get(period=w.period, reviewer=w.d).reviewed
    assert w.cards[reviewed].status == Scorecard.Status.SUBMITTED
    body = client.get(_url(w, "review_scorecard", agency_id=reviewed.pk)).content.decode()
    assert "Phiếu cần chấm chéo" in body and "Lưu tất cả" in body
    assert body.count("Lưu tất cả") >= 2
