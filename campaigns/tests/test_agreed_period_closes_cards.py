"""Once a period is agreed, no member card is opened, changed or submitted any more."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaigns import selectors
from campaigns.access import can_edit_scorecard, can_submit_scorecard
from campaigns.models import Period, Scorecard
from campaigns.services import agreement
from campaigns.services import periods as period_services
from campaigns.services import scorecards as scorecard_services
from campaigns.tests import review_helpers as h

pytestmark = pytest.mark.django_db

AGREED = "đã thống nhất"


@pytest.fixture
def agreed(bloc_world):
    """The 2026 annual period agreed while D's card was still a draft and F had none."""
    w = bloc_world
    w.table = h.make_table(w.term)
    w.period = h.make_period(w.term)
    a, b, c, d, e, f = w.agencies
    w.cards = h.make_cards(w.period, w.table, [a, b, c, e])
    w.cards.update(h.make_cards(w.period, w.table, [d], status=Scorecard.Status.DRAFT))
    w.draft = w.cards[d]
    w.f = f
    agreement.agree_period(period=w.period, by=w.secretariat)
    w.period.refresh_from_db()
    return w


def test_draft_card_cannot_be_saved_after_the_period_is_agreed(agreed):
    line = h.line(agreed.draft, "1.1")
    with pytest.raises(ValidationError, match=AGREED):
        scorecard_services.save_self_scores(
            scorecard=agreed.draft, by=agreed.member_head, entries={line.criterion_id: (1, "")}
        )
    line.refresh_from_db()
    assert line.self_points == h.D("24")


def test_draft_card_cannot_be_submitted_after_the_period_is_agreed(agreed):
    with pytest.raises(ValidationError, match=AGREED):
        scorecard_services.submit_scorecard(scorecard=agreed.draft, by=agreed.member_head)
    agreed.draft.refresh_from_db()
    assert agreed.draft.status == Scorecard.Status.DRAFT
    ranked = [r.row.agency_id for r in selectors.load_period(agreed.period).ranked]
    assert agreed.d.pk not in ranked


def test_no_card_is_opened_after_the_period_is_agreed(agreed):
    with pytest.raises(ValidationError, match=AGREED):
        scorecard_services.open_scorecard(
            period=agreed.period, agency=agreed.f, by=agreed.secretariat
        )
    assert not Scorecard.objects.filter(period=agreed.period, agency=agreed.f).exists()


def test_no_deadline_extension_after_the_period_is_agreed(agreed):
    with pytest.raises(ValidationError, match=AGREED):
        period_services.extend_deadline(
            period=agreed.period,
            agency=agreed.d,
            until=agreed.period.self_deadline + datetime.timedelta(days=3),
            reason="Xin gia hạn",
            by=agreed.secretariat,
        )


def test_access_refuses_editing_and_submitting_after_the_period_is_agreed(agreed):
    from blocs.access import term_access

    access = term_access(agreed.member_head, agreed.term)
    card = Scorecard.objects.select_related("period").get(pk=agreed.draft.pk)
    assert card.period.status == Period.Status.AGREED
    assert not can_edit_scorecard(access, card)
    assert not can_submit_scorecard(access, card)


def test_member_head_gets_403_posting_the_card_after_the_period_is_agreed(client, agreed):
    client.force_login(agreed.member_head)
    url = reverse(
        "campaigns:scorecard_detail",
        args=[agreed.bloc.code, agreed.term.year, "annual", agreed.draft.pk],
    )
    response = client.post(url, {"action": "submit"})
    assert response.status_code == 403
    agreed.draft.refresh_from_db()
    assert agreed.draft.status == Scorecard.Status.DRAFT
