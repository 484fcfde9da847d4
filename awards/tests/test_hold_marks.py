"""An agency under an eligibility hold stays on the ranking page, marked with why."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.models import EligibilityHold, ReviewMeeting
from campaigns.models import Period
from campaigns.tests.review_helpers import make_cards, make_period, make_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(bloc_world):
    w = bloc_world
    table = make_table(w.term)
    w.period = make_period(w.term, status=Period.Status.AGREED)
    make_cards(w.period, table)
    return w


def hold(w, *, starts_on, until=None):
    return EligibilityHold.objects.create(
        agency=w.d,
        reason=EligibilityHold.Reason.INSPECTION,
        details="Thanh tra tỉnh đang thanh tra",
        starts_on=starts_on,
        until=until,
    )


def ranking_page(client, w):
    client.force_login(w.member_head)
    response = client.get(reverse("campaigns:ranking", args=[w.bloc.code, w.term.year, "annual"]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_held_agency_is_ranked_and_marked_with_the_reason(client, world):
    w = world
    hold(w, starts_on=timezone.localdate() - datetime.timedelta(days=3))
    page = ranking_page(client, w)
    assert w.d.name in page
    assert "Chưa xét khen thưởng: Đang thanh tra, kiểm tra: Thanh tra tỉnh đang thanh tra" in page
    assert "Nghị định số 152/2025/NĐ-CP, Điều 4" in page
    assert page.count("Chưa xét khen thưởng") == 1


def test_a_hold_ended_before_the_meeting_marks_nothing(client, world):
    w = world
    today = timezone.localdate()
    hold(
        w, starts_on=today - datetime.timedelta(days=30), until=today - datetime.timedelta(days=10)
    )
    assert "Chưa xét khen thưởng" not in ranking_page(client, w)


def test_the_hold_is_judged_on_the_meeting_day(client, world):
    w = world
    today = timezone.localdate()
    hold(
        w, starts_on=today - datetime.timedelta(days=30), until=today - datetime.timedelta(days=10)
    )
    ReviewMeeting.objects.create(
        term=w.term,
        period_kind="annual",
        held_at=timezone.now() - datetime.timedelta(days=20),
        place="Hội trường",
        chair="Chủ trì",
    )
    assert "Chưa xét khen thưởng" in ranking_page(client, w)
