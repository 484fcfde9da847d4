"""The awards app in the admin: every model is listed; secret-ballot rows are only shown."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from awards import models

pytestmark = pytest.mark.django_db

MODELS = [
    models.AwardType,
    models.AwardRule,
    models.EligibilityHold,
    models.RankingPublication,
    models.Appeal,
    models.AppealLine,
    models.ReviewMeeting,
    models.Attendance,
    models.QuorumCheck,
    models.Ballot,
    models.BallotCandidate,
    models.BallotReceipt,
    models.NominationList,
    models.Nomination,
]
# Registered on their own, or only as rows under their parent.
INLINE_ONLY = {models.AppealLine, models.Attendance, models.Nomination}
# No audit trail on purpose (the ballot is secret): nothing in the admin may write them.
SHOWN_ONLY = {
    models.Ballot,
    models.BallotCandidate,
    models.BallotReceipt,
    models.QuorumCheck,
}


def admin_url(model, view):
    return reverse(f"admin:awards_{model._meta.model_name}_{view}")


@pytest.mark.parametrize("model", [m for m in MODELS if m not in INLINE_ONLY])
def test_every_awards_model_has_a_changelist(admin_client, model):
    assert admin.site.is_registered(model)
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200


@pytest.mark.parametrize(
    "model", [m for m in MODELS if m not in INLINE_ONLY and m not in SHOWN_ONLY]
)
def test_the_tracked_models_can_be_added(admin_client, model):
    assert admin_client.get(admin_url(model, "add")).status_code == 200


@pytest.mark.parametrize("model", sorted(SHOWN_ONLY, key=lambda m: m.__name__))
def test_secret_ballot_rows_cannot_be_written_in_the_admin(admin_client, rf, admin_user, model):
    request = rf.get("/")
    request.user = admin_user
    model_admin = admin.site._registry[model]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert admin_client.get(admin_url(model, "add")).status_code == 403


def test_the_ballot_candidates_inline_is_read_only(rf, admin_user):
    request = rf.get("/")
    request.user = admin_user
    ballot_admin = admin.site._registry[models.Ballot]
    for inline in ballot_admin.get_inline_instances(request):
        assert not inline.has_add_permission(request, None)
        assert not inline.has_change_permission(request)
        assert not inline.has_delete_permission(request)


def test_a_hold_and_a_rule_open_in_the_admin_with_their_history(admin_client, bloc_world):
    from awards.services import catalogue, holds

    rules = catalogue.materialise_rules(term=bloc_world.term, by=bloc_world.board)
    hold = holds.record_hold(
        agency=bloc_world.d,
        reason="press",
        starts_on=datetime.date(2026, 1, 5),
        by=bloc_world.board,
    )
    for obj in (rules[0], hold):
        name = obj._meta.model_name
        change = reverse(f"admin:awards_{name}_change", args=[obj.pk])
        history = reverse(f"admin:awards_{name}_history", args=[obj.pk])
        assert admin_client.get(change).status_code == 200
        assert admin_client.get(history).status_code == 200
