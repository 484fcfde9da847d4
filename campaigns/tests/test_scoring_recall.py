"""An agency takes its own submitted card back before the deadline and before any cross-check;
the dashboard's self-score task opens the card itself."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from blocs.models import AgencyRole
from campaigns.models import Period, Scorecard, ScorecardEvent
from campaigns.services import review as review_services
from campaigns.services import scorecards as services
from campaigns.tests import review_helpers as h
from campaigns.todo import tasks_for
from tests.factories import PERSONAS

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def world(bloc_world):
    """D's annual card submitted, the self-score deadline five days ahead; C cross-checks D."""
    w = bloc_world
    w.table = h.make_table(w.term)
    now = timezone.now()
    w.period = Period.objects.create(
        term=w.term,
        kind=Period.Kind.ANNUAL,
        self_deadline=now + datetime.timedelta(days=5),
        review_deadline=now + datetime.timedelta(days=15),
        status=Period.Status.OPEN,
    )
    w.card = h.make_cards(w.period, w.table, [w.d])[w.d]
    h.assign(w.period, [(w.c, w.d)], w.secretariat)
    w.url = reverse(
        "campaigns:scorecard_recall", args=[w.bloc.code, w.term.year, "annual", w.card.pk]
    )
    return w


def _status(card):
    card.refresh_from_db()
    return card.status


def test_head_recalls_the_submitted_card_with_a_confirmation(client, world):
    w = world
    client.force_login(w.member_head)
    page = client.get(w.url)
    assert page.status_code == 200
    assert "Tôi xác nhận rút lại phiếu" in page.content.decode()
    response = client.post(w.url, {"confirm": "on"})
    assert response.status_code == 302
    assert _status(w.card) == Scorecard.Status.DRAFT
    event = ScorecardEvent.objects.get(scorecard=w.card, kind=ScorecardEvent.Kind.RECALLED)
    assert event.by == w.member_head
    # The card page offers to submit again, and no longer to recall.
    body = client.get(response["Location"]).content.decode()
    assert "Rút lại phiếu để sửa" not in body and "Đơn vị rút lại phiếu" in body


def test_recall_without_the_tick_keeps_the_card_submitted(client, world):
    w = world
    client.force_login(w.member_head)
    response = client.post(w.url, {})
    assert response.status_code == 400
    assert "Hãy đánh dấu xác nhận" in response.content.decode()
    assert _status(w.card) == Scorecard.Status.SUBMITTED


def test_recall_is_refused_once_a_cross_check_line_is_written(client, world):
    w = world
    line = h.line(w.card, "1.1")
    review_services.record_review(line=line, points="24", note="", reviewer_id=w.c.pk, by=w.deputy)
    client.force_login(w.member_head)
    page = client.get(w.url).content.decode()
    assert "đã được chấm chéo nên không thể rút lại" in page
    response = client.post(w.url, {"confirm": "on"})
    assert response.status_code == 400
    assert _status(w.card) == Scorecard.Status.REVIEWED


def test_recall_is_refused_when_a_review_point_exists_on_a_submitted_card(world):
    w = world
    line = h.line(w.card, "1.2")
    line.review_points = D("20")
    line.save(update_fields=["review_points"])
    with pytest.raises(Exception, match="đã bắt đầu chấm"):
        services.recall_scorecard(scorecard=w.card, by=w.member_head)
    assert _status(w.card) == Scorecard.Status.SUBMITTED


def test_recall_is_refused_after_the_self_score_deadline(client, world):
    w = world
    Period.objects.filter(pk=w.period.pk).update(
        self_deadline=timezone.now() - datetime.timedelta(hours=1)
    )
    client.force_login(w.member_head)
    response = client.post(w.url, {"confirm": "on"})
    assert response.status_code == 400
    assert "Đã quá hạn tự chấm" in response.content.decode()
    assert _status(w.card) == Scorecard.Status.SUBMITTED
    assert not ScorecardEvent.objects.filter(kind=ScorecardEvent.Kind.RECALLED).exists()


def test_recall_is_refused_once_the_period_is_agreed(world):
    w = world
    Period.objects.filter(pk=w.period.pk).update(status=Period.Status.AGREED)
    with pytest.raises(Exception, match="đã thống nhất"):
        services.recall_scorecard(scorecard=w.card, by=w.member_head)


def test_a_draft_cannot_be_recalled(world):
    w = world
    Scorecard.objects.filter(pk=w.card.pk).update(status=Scorecard.Status.DRAFT)
    with pytest.raises(Exception, match="chưa được nộp"):
        services.recall_scorecard(scorecard=w.card, by=w.member_head)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_agencys_head_recalls(client, world, persona):
    w = world
    user = w.personas[persona]
    if user is not None:
        client.force_login(user)
    response = client.post(w.url, {"confirm": "on"})
    if persona == "anonymous":
        assert response.status_code == 302 and reverse("login") in response["Location"]
    elif persona in ("outsider", "last_year_leader"):
        # Who cannot see D's card does not learn that it exists.
        assert response.status_code == 404
    elif persona == "member_head":
        assert response.status_code == 302
    else:
        assert response.status_code == 403
    assert (_status(w.card) == Scorecard.Status.DRAFT) == (persona == "member_head")


def test_an_officer_signing_for_the_head_may_recall(client, world):
    w = world
    AgencyRole.objects.filter(user=w.member_officer).update(signing_authority=True)
    client.force_login(w.member_officer)
    assert client.post(w.url, {"confirm": "on"}).status_code == 302


def test_recall_refuses_other_methods(client, world):
    client.force_login(world.member_head)
    assert client.put(world.url).status_code == 405


# --- The dashboard -----------------------------------------------------------------------------


def test_the_self_score_task_opens_the_agencys_card(world):
    w = world
    Scorecard.objects.filter(pk=w.card.pk).update(status=Scorecard.Status.DRAFT)
    [task] = [t for t in tasks_for(w.member_officer) if t.title.startswith("Tự chấm")]
    assert task.url == reverse(
        "campaigns:scorecard_detail", args=[w.bloc.code, w.term.year, "annual", w.card.pk]
    )


def test_without_a_card_the_task_opens_the_period_to_start_one(world):
    w = world
    Scorecard.objects.filter(pk=w.card.pk).delete()
    [task] = [t for t in tasks_for(w.member_officer) if t.title.startswith("Tự chấm")]
    assert task.url == (
        reverse("campaigns:period_list", args=[w.bloc.code, w.term.year]) + "#period-annual"
    )
