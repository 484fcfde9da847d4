"""Rules at the edges: a closed year's scores stand; an extension never shortens a deadline."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from blocs.access import term_access
from campaigns.models import DeadlineExtension, Period
from campaigns.tests import review_helpers as h

pytestmark = pytest.mark.django_db


def test_the_board_cannot_adjust_scores_of_a_closed_year(client, bloc_world):
    term = bloc_world.term
    table = h.make_table(term)
    period = h.make_period(term, status=Period.Status.AGREED)
    cards = h.make_cards(period, table)
    line = h.line(cards[bloc_world.d], "1.1")
    assert term_access(bloc_world.board, term).can_board_review
    term.status = "closed"
    term.save(update_fields=["status"])
    assert not term_access(bloc_world.board, term).can_board_review
    client.force_login(bloc_world.board)
    url = reverse(
        "campaigns:review_line",
        args=[bloc_world.bloc.code, term.year, "annual", bloc_world.d.pk, line.pk, "board"],
    )
    response = client.post(url, {"points": "1", "reason": "Điều chỉnh thử"})
    assert response.status_code == 403
    line.refresh_from_db()
    assert line.board_points is None


def test_an_extension_never_makes_the_deadline_earlier(bloc_world):
    period = h.make_period(bloc_world.term, status=Period.Status.OPEN)
    start = period.self_deadline
    extension = DeadlineExtension.objects.create(
        period=period,
        agency=bloc_world.d,
        until=start + datetime.timedelta(days=2),
        reason="Nghỉ lễ",
        granted_by=bloc_world.secretariat,
    )
    assert period.deadline_for([extension]) == start + datetime.timedelta(days=2)
    period.self_deadline = start + datetime.timedelta(days=5)
    assert period.deadline_for([extension]) == start + datetime.timedelta(days=5)
    assert period.deadline_for([]) == period.self_deadline
    assert timezone.is_aware(period.deadline_for([extension]))
