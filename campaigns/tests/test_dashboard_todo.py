"""The dashboard's to-do list: pledges to sign, scorecards to fill, cross-checks to make."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import DeadlineExtension, Period, Scorecard
from campaigns.services import pledges as pledge_services
from campaigns.tests import review_helpers as h
from campaigns.tests.test_pledge_support import make_open
from campaigns.todo import led_terms, secretariat_tasks, tasks_for
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def titles(user):
    return [t.title for t in tasks_for(user)]


def test_a_head_is_asked_to_sign_until_the_agency_has_signed(bloc_world):
    pledge = make_open(bloc_world)
    assert titles(bloc_world.member_head) == ["Ký giao ước thi đua năm 2026"]
    assert titles(bloc_world.member_officer) == []
    pledge_services.sign_pledge(
        pledge=pledge,
        agency_id=bloc_world.d.pk,
        user=bloc_world.member_head,
        password=PASSWORD,
        shown_hash=pledge.content_hash,
    )
    assert titles(bloc_world.member_head) == []


def test_a_draft_scorecard_shows_its_agency_deadline_and_whether_it_passed(bloc_world):
    table = h.make_table(bloc_world.term)
    period = h.make_period(bloc_world.term, status=Period.Status.OPEN)
    period.self_deadline = timezone.now() - datetime.timedelta(days=1)
    period.save(update_fields=["self_deadline"])
    h.make_cards(period, table, [bloc_world.d], status=Scorecard.Status.DRAFT)
    [task] = tasks_for(bloc_world.member_officer)
    assert task.title == "Tự chấm điểm: Tổng kết năm 2026"
    assert task.overdue
    until = timezone.now() + datetime.timedelta(days=3)
    DeadlineExtension.objects.create(
        period=period,
        agency=bloc_world.d,
        until=until,
        reason="Ốm",
        granted_by=bloc_world.secretariat,
    )
    [task] = tasks_for(bloc_world.member_officer)
    assert task.due == until and not task.overdue


def test_a_submitted_scorecard_is_no_longer_a_task(bloc_world):
    table = h.make_table(bloc_world.term)
    period = h.make_period(bloc_world.term, status=Period.Status.OPEN)
    h.make_cards(period, table, [bloc_world.d], status=Scorecard.Status.SUBMITTED)
    assert titles(bloc_world.member_head) == []


def test_a_reviewer_is_asked_to_cross_check_a_submitted_card(bloc_world):
    w = bloc_world
    table = h.make_table(w.term)
    period = h.make_period(w.term)
    h.make_cards(period, table, [w.a], status=Scorecard.Status.SUBMITTED)
    h.assign(period, [(w.d, w.a)], w.secretariat)
    [task] = [t for t in tasks_for(w.member_officer) if t.title.startswith("Chấm chéo")]
    assert task.title == f"Chấm chéo {w.a.name}"
    assert task.url == reverse(
        "campaigns:review_scorecard", args=[w.bloc.code, 2026, "annual", w.a.pk]
    )
    Scorecard.objects.filter(agency=w.a).update(status=Scorecard.Status.REVIEWED)
    assert not [t for t in tasks_for(w.member_officer) if t.title.startswith("Chấm chéo")]


def test_closed_years_and_outsiders_have_no_tasks(bloc_world):
    make_open(bloc_world)
    assert tasks_for(bloc_world.outsider) == []
    bloc_world.term.status = "closed"
    bloc_world.term.save(update_fields=["status"])
    assert tasks_for(bloc_world.member_head) == []


def test_the_dashboard_lists_the_tasks(client, bloc_world):
    make_open(bloc_world)
    client.force_login(bloc_world.member_head)
    response = client.get(reverse("dashboard"))
    assert "Việc cần làm" in response.content.decode()
    assert "Ký giao ước thi đua năm 2026" in response.content.decode()


def test_the_to_do_list_costs_the_same_queries_for_one_or_many_periods(
    bloc_world, django_assert_max_num_queries
):
    w = bloc_world
    make_open(w)
    table = h.make_table(w.term)
    period = h.make_period(w.term, status=Period.Status.OPEN)
    h.make_cards(period, table, [w.d], status=Scorecard.Status.DRAFT)
    with django_assert_max_num_queries(9):
        one = tasks_for(w.member_head)
    semi = h.make_period(w.term, kind=Period.Kind.SEMIANNUAL, status=Period.Status.OPEN)
    h.make_cards(semi, table, [w.d], status=Scorecard.Status.DRAFT)
    h.assign(semi, [(w.d, w.a)], w.secretariat)
    h.make_cards(semi, table, [w.a], status=Scorecard.Status.SUBMITTED)
    with django_assert_max_num_queries(9):
        many = tasks_for(w.member_head)
    assert len(many) == len(one) + 2


def test_the_years_a_secretariat_leads_are_in_vietnamese_order(council):
    user = factories.UserFactory()
    for name in ("Khối Y tế", "Khối Đảng", "Khối Dân vận"):
        agencies = [factories.AgencyFactory(council=council) for _ in range(2)]
        factories.give_role(user, agencies[0])
        factories.make_term(
            bloc=factories.BlocFactory(council=council, name=name),
            year=2026,
            agencies=agencies,
            leader=agencies[0],
            deputy=agencies[1],
        )
    names = [t.bloc.name for t in led_terms(user)]
    assert names == ["Khối Dân vận", "Khối Đảng", "Khối Y tế"]


def test_undated_tasks_come_last_on_a_leap_day_too(bloc_world, monkeypatch):
    w = bloc_world
    monkeypatch.setattr(
        timezone, "now", lambda: datetime.datetime(2028, 2, 29, 9, tzinfo=datetime.UTC)
    )
    h.make_period(w.term, status=Period.Status.OPEN)
    assert secretariat_tasks([w.term])[-1].title == "Mở ký giao ước thi đua năm 2026"
    make_open(w)
    assert titles(w.member_head) == [
        "Tự chấm điểm: Tổng kết năm 2026",
        "Ký giao ước thi đua năm 2026",
    ]
