"""The online ballot is secret: no table, history, log or page links an agency to its choice.

The test reads every row of every model (historical ones included) before and after several
agencies vote through the page, with every logger captured at DEBUG, and checks what changed.
"""

import logging
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards.models import Ballot, BallotCandidate, BallotReceipt
from awards.services import ballots, catalogue
from awards.tests.test_ballot_setup import build_meeting_world, set_rule
from blocs.models import AgencyRole
from tests.factories import UserFactory, give_role

pytestmark = pytest.mark.django_db


def dump():
    """Every row of every concrete model, as {model label: {pk: {field: text}}}."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        names = [f.attname for f in model._meta.concrete_fields]
        rows[model._meta.label] = {
            row[model._meta.pk.attname]: {k: str(v) for k, v in row.items()}
            for row in model._base_manager.values(*names)
        }
    return rows


def changed(before, after):
    """(model label, pk) of every row added or changed between two dumps."""
    found = set()
    for label, rows in after.items():
        old = before.get(label, {})
        for pk, row in rows.items():
            if old.get(pk) != row:
                found.add((label, pk))
    return found


@pytest.fixture
def world(council):
    world = build_meeting_world(council)
    set_rule(world, catalogue.PROVINCE_MERIT, max_share=Decimal("0.2"), min_band="tot")
    return world


def voter(world, agency):
    user = UserFactory()
    give_role(user, agency, AgencyRole.Role.HEAD)
    return user


def test_nothing_links_a_voting_agency_to_its_choice(world, caplog):
    ballot = ballots.open_ballot(
        meeting=world.meeting,
        award_type=world.award(catalogue.PROVINCE_MERIT),
        mode="online",
        by=world.secretariat,
    )
    a, b = world.agencies[:2]
    vote_url = reverse(
        "awards:ballot_vote", args=[world.term.bloc.code, world.term.year, "annual", ballot.pk]
    )
    # Three agencies, three different choices: only A, only B, both.
    plan = [
        (world.agencies[5], [a.pk]),
        (world.agencies[6], [b.pk]),
        (world.agencies[7], [a.pk, b.pk]),
    ]
    # Each representative signs in on a phone of its own before the voting starts.
    clients = []
    for agency, _choice in plan:
        phone = Client()
        phone.force_login(voter(world, agency))
        clients.append(phone)
    before = dump()
    pages = []
    caplog.set_level(logging.DEBUG)
    for phone, (_agency, choice) in zip(clients, plan, strict=True):
        response = phone.post(vote_url, {"choices": [str(c) for c in choice]}, follow=True)
        assert response.status_code == 200
        pages.append(response.content.decode())
    after = dump()

    # Only the ballot's counts, its candidates' counts, receipts and sessions changed.
    touched = {label for label, _pk in changed(before, after)}
    assert touched <= {
        Ballot._meta.label,
        BallotCandidate._meta.label,
        BallotReceipt._meta.label,
        Session._meta.label,
    }
    # A receipt is the ballot and the agency, nothing else.
    receipt_fields = {f.name for f in BallotReceipt._meta.concrete_fields}
    assert receipt_fields == {"id", "ballot", "agency"}
    assert set(BallotReceipt.objects.values_list("agency_id", flat=True)) == {
        agency.pk for agency, _c in plan
    }
    # Candidate rows carry no time and no person.
    for field in BallotCandidate._meta.concrete_fields:
        assert not isinstance(field, models.DateTimeField | models.DateField)
        assert not (field.is_relation and field.related_model._meta.label == "blocs.User")
    # No history of ballots, candidates or receipts exists.
    labels = {m._meta.label_lower for m in apps.get_models()}
    assert not labels & {
        "awards.historicalballot",
        "awards.historicalballotcandidate",
        "awards.historicalballotreceipt",
    }
    # The counts are right, and they are all there is.
    assert dict(ballot.candidates.values_list("agency_id", "votes")) == {a.pk: 2, b.pk: 2}
    # No log line and no page names a candidate or carries a choice.
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for name in (a.name, b.name, "choices"):
        assert name not in logged
        for page in pages:
            assert name not in page
    # Sessions hold no choice either.
    for session in Session.objects.all():
        data = str(session.get_decoded())
        assert a.name not in data and b.name not in data and "choices" not in data


def test_every_candidate_row_is_rewritten_by_each_vote(world):
    ballot = ballots.open_ballot(
        meeting=world.meeting,
        award_type=world.award(catalogue.PROVINCE_MERIT),
        mode="online",
        by=world.secretariat,
    )
    with CaptureQueriesContext(connection) as ctx:
        ballots.cast_vote(ballot=ballot, agency=world.c, choices=[world.a.pk], by=world.deputy)

    updates = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("UPDATE")]
    candidate_updates = [q for q in updates if "ballotcandidate" in q]
    # One statement over all candidates of the ballot, chosen or not.
    assert len(candidate_updates) == 1
    assert "CASE WHEN" in candidate_updates[0]
    assert "ballot_id" in candidate_updates[0]
