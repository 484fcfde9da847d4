"""A refused cross-check assignment, deadline extension or new version keeps what was typed."""

import datetime

import pytest
from django.urls import reverse

from campaigns.models import CriteriaTable, CrossCheck, DeadlineExtension
from campaigns.services import criteria as criteria_services
from campaigns.tests import review_helpers as h

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(bloc_world):
    w = bloc_world
    w.table = h.make_table(w.term)
    w.period = h.make_period(w.term)
    return w


def test_refused_cross_check_assignment_shows_the_choices_again(client, world):
    client.force_login(world.secretariat)
    a, b, c, d, e, f = world.agencies
    # D is chosen to cross-check itself: refused, every other choice is kept.
    data = {f"reviewer_{d.pk}": str(d.pk), f"reviewer_{e.pk}": str(c.pk)}
    url = reverse("campaigns:crosscheck_assign", args=[world.bloc.code, 2026, "annual"])
    response = client.post(url, data)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.is_bound and form.non_field_errors()
    assert form[f"reviewer_{e.pk}"].value() == str(c.pk)
    assert not CrossCheck.objects.filter(period=world.period).exists()


def test_refused_deadline_extension_shows_what_was_typed(client, world):
    client.force_login(world.secretariat)
    early = world.period.self_deadline - datetime.timedelta(days=2)
    data = {
        "annual-agency": str(world.d.pk),
        "annual-until": early.strftime("%d/%m/%Y %H:%M"),
        "annual-reason": "Lý do đã gõ",
    }
    url = reverse("campaigns:period_extend", args=[world.bloc.code, 2026, "annual"])
    response = client.post(url, data)
    assert response.status_code == 400
    annual = next(s for s in response.context["sections"] if s["kind"] == "annual")
    form = annual["extension_form"]
    assert form.is_bound and form.errors
    assert form["reason"].value() == "Lý do đã gõ"
    assert "Lý do đã gõ" in response.content.decode()
    assert not DeadlineExtension.objects.exists()


def test_refused_new_version_shows_the_change_note_again(client, world):
    criteria_services.start_new_version(table=world.table, by=world.secretariat, change_note="Sửa")
    client.force_login(world.secretariat)
    url = reverse("campaigns:criteria_revise", args=[world.bloc.code, 2026, world.table.version])
    response = client.post(url, {"change_note": "Nội dung thay đổi đã gõ"})
    assert response.status_code == 400
    assert response.context["version_form"]["change_note"].value() == "Nội dung thay đổi đã gõ"
    assert "Nội dung thay đổi đã gõ" in response.content.decode()
    assert CriteriaTable.objects.filter(term=world.term).count() == 2


def test_a_pledge_with_more_commitments_than_can_be_numbered_is_refused_with_a_message():
    from campaigns.forms.pledges import MAX_COMMITMENTS, PledgeDraftForm

    lines = "\n".join(f"Cam kết {i}" for i in range(40_000))
    form = PledgeDraftForm(data={"title": "Giao ước thi đua", "commitments": lines})
    assert not form.is_valid()
    assert f"tối đa {MAX_COMMITMENTS}" in " ".join(form.errors["commitments"])
