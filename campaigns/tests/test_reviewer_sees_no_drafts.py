"""The assigned cross-checker sees a card only once it is submitted; agreed points need one."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse

from campaigns.models import Evidence, Scorecard, ScoreLine
from campaigns.services import review as review_services
from campaigns.tests import review_helpers as h

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(bloc_world):
    """D is assigned to cross-check E, whose card is still a draft with one evidence file."""
    w = bloc_world
    w.e = w.agencies[4]
    w.table = h.make_table(w.term)
    w.period = h.make_period(w.term)
    w.cards = h.make_cards(w.period, w.table, w.agencies[:4] + [w.agencies[5]])
    w.cards.update(h.make_cards(w.period, w.table, [w.e], status=Scorecard.Status.DRAFT))
    w.draft = w.cards[w.e]
    h.assign(w.period, [(w.d, w.e)], w.secretariat)
    line = h.line(w.draft, "1.1")
    w.evidence = Evidence.objects.create(
        scorecard=w.draft,
        criterion=line.criterion,
        file=ContentFile(b"%PDF-1.4 nhap", name="nhap.pdf"),
        original_name="nhap.pdf",
        sha256="0" * 64,
        size=13,
        content_type="application/pdf",
        uploaded_by=w.member_head,
    )
    return w


def _urls(w):
    args = [w.bloc.code, w.term.year]
    return {
        "review": reverse("campaigns:review_scorecard", args=[*args, "annual", w.e.pk]),
        "card": reverse("campaigns:scorecard_detail", args=[*args, "annual", w.draft.pk]),
        "evidence": reverse("campaigns:evidence_download", args=[*args, w.evidence.pk]),
    }


@pytest.mark.parametrize("page", ["review", "card", "evidence"])
def test_reviewer_cannot_open_the_draft_it_will_cross_check(client, world, page):
    client.force_login(world.member_officer)
    assert client.get(_urls(world)[page]).status_code == 404


@pytest.mark.parametrize("page", ["review", "card", "evidence"])
def test_reviewer_opens_the_card_once_submitted(client, world, page):
    Scorecard.objects.filter(pk=world.draft.pk).update(status=Scorecard.Status.SUBMITTED)
    client.force_login(world.member_officer)
    response = client.get(_urls(world)[page])
    assert response.status_code == 200
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
        response.close()


def test_reviewer_lists_show_no_draft_total(client, world):
    client.force_login(world.member_head)
    home = client.get(reverse("campaigns:review_home", args=[world.bloc.code, 2026, "annual"]))
    assert world.draft not in home.context["cards"]
    periods = client.get(reverse("campaigns:period_list", args=[world.bloc.code, 2026]))
    annual = next(s for s in periods.context["sections"] if s["kind"] == "annual")
    row = next(r for r in annual["rows"] if r["membership"].agency_id == world.e.pk)
    assert not row["visible"] and row["totals"] is None


def test_secretariat_cannot_record_agreed_points_on_a_draft(client, world):
    line = h.line(world.draft, "1.1")
    with pytest.raises(ValidationError, match="chưa được nộp"):
        review_services.record_agreed(line=line, points="20", note="", by=world.secretariat)
    client.force_login(world.secretariat)
    url = reverse(
        "campaigns:review_line",
        args=[world.bloc.code, 2026, "annual", world.e.pk, line.pk, "agreed"],
    )
    response = client.post(url, {f"l{line.pk}-points": "20", f"l{line.pk}-note": ""})
    assert response.status_code == 403
    assert ScoreLine.objects.get(pk=line.pk).agreed_points is None
