"""A pledge whose last unsigned member left the bloc becomes signed without another signature."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from blocs import services as bloc_services
from blocs.models import AgencyRole, Membership
from campaigns.models import Pledge, PledgeEvent
from campaigns.services import pledges as services
from campaigns.tests.test_pledge_support import make_open
from tests.factories import PASSWORD, UserFactory, give_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def all_but_f_signed(bloc_world):
    """Every member but F signed the open pledge; then F leaves the bloc."""
    w = bloc_world
    w.pledge = make_open(w)
    w.f = w.agencies[5]
    for agency in w.agencies[:5]:
        role = AgencyRole.objects.filter(agency=agency, role="head").first()
        user = role.user if role else UserFactory()
        if role is None:
            give_role(user, agency)
        services.sign_pledge(
            pledge=w.pledge,
            agency_id=agency.pk,
            user=user,
            password=PASSWORD,
            shown_hash=w.pledge.content_hash,
        )
    w.pledge.refresh_from_db()
    assert w.pledge.status == Pledge.Status.OPEN
    bloc_services.remove_member(
        membership=Membership.objects.get(term=w.term, agency=w.f),
        left_on=datetime.date(2026, 6, 1),
        reason="Giải thể",
        by=w.board,
    )
    return w


def test_refresh_settles_a_pledge_whose_unsigned_member_left(all_but_f_signed):
    pledge = services.refresh_pledge_status(pledge=all_but_f_signed.pledge)
    assert pledge.status == Pledge.Status.SIGNED and pledge.signed_at is not None
    assert PledgeEvent.objects.filter(pledge=pledge, to_status="signed").count() == 1
    # Settling twice records nothing more.
    services.refresh_pledge_status(pledge=pledge)
    assert PledgeEvent.objects.filter(pledge=pledge, to_status="signed").count() == 1


def test_pledge_page_shows_the_pledge_signed_after_the_member_left(client, all_but_f_signed):
    w = all_but_f_signed
    client.force_login(w.secretariat)
    response = client.get(reverse("campaigns:pledge_detail", args=[w.bloc.code, w.term.year]))
    assert response.status_code == 200
    assert response.context["pledge"].status == Pledge.Status.SIGNED
    w.pledge.refresh_from_db()
    assert w.pledge.status == Pledge.Status.SIGNED


def test_daily_reminder_settles_the_pledge_instead_of_reminding(all_but_f_signed):
    mail.outbox.clear()
    assert services.remind_all_open_pledges() == 0
    all_but_f_signed.pledge.refresh_from_db()
    assert all_but_f_signed.pledge.status == Pledge.Status.SIGNED
    assert mail.outbox == []


def test_open_pledge_with_an_unsigned_current_member_stays_open(bloc_world):
    pledge = services.refresh_pledge_status(pledge=make_open(bloc_world))
    assert pledge.status == Pledge.Status.OPEN
