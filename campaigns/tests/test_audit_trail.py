"""The audit trail of scoring and pledges: who changed what and when, in the admin, the shell and
the services; and an admin that cannot rewrite a log, a score layer or a past version."""

import datetime
import sys
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from blocs.history import os_account
from campaigns.models import (
    CriteriaTable,
    Criterion,
    Period,
    PledgeEvent,
    Scorecard,
    ScorecardEvent,
    ScoreLine,
    ScoreLineChange,
    TitleRegistration,
)
from campaigns.services import agreement
from campaigns.services import criteria as criteria_services
from campaigns.services import periods as period_services
from campaigns.services import pledges as pledge_services
from campaigns.services import scorecards as scorecard_services
from campaigns.tests import review_helpers as h
from campaigns.tests.test_pledge_support import make_open
from conftest import require_services
from tests.admin_forms import form_data
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def postgresql():
    """The recorded trail is checked on PostgreSQL, the database of production and CI."""
    if connection.vendor != "postgresql":
        reason = "the audit trail is checked on PostgreSQL (set DATABASE_URL)"
        if require_services():
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture
def scoring(bloc_world):
    """An adopted table, a period under review and a submitted card for every member."""
    w = bloc_world
    w.table = h.make_table(w.term)
    w.period = h.make_period(w.term)
    w.cards = h.make_cards(w.period, w.table)
    return w


def _post_admin_form(client, url, form_id, **changes):
    """Submit the admin form at ``url`` as the page shows it, with ``changes``."""
    page = client.get(url)
    assert page.status_code == 200
    data, buttons = form_data(page.content.decode(), form_id)
    assert "_save" in buttons
    data.update({name: [value] for name, value in changes.items()})
    data["_save"] = ["Lưu"]
    return client.post(url, data)


# Who and when, on PostgreSQL ------------------------------------------------------------------


def test_a_scorecard_changed_in_the_admin_is_in_its_history_with_the_admin_and_the_time(
    postgresql, client, admin_user, scoring
):
    card = scoring.cards[scoring.d]
    client.force_login(admin_user)
    before = timezone.now()
    url = reverse("admin:campaigns_scorecard_change", args=[card.pk])
    response = _post_admin_form(client, url, "scorecard_form", status=Scorecard.Status.DRAFT)
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.status == Scorecard.Status.DRAFT
    record = card.history.latest()
    assert (record.history_type, record.status) == ("~", Scorecard.Status.DRAFT)
    assert record.history_user == admin_user
    assert record.history_source == "web"
    assert before <= record.history_date <= timezone.now()
    assert record.prev_record.status == Scorecard.Status.SUBMITTED


def test_a_criteria_table_changed_in_the_admin_is_in_its_history_with_the_admin_and_the_time(
    postgresql, client, admin_user, scoring
):
    table = scoring.table
    client.force_login(admin_user)
    before = timezone.now()
    url = reverse("admin:campaigns_criteriatable_change", args=[table.pk])
    response = _post_admin_form(client, url, "criteriatable_form", bonus_cap="8")
    assert response.status_code == 302
    record = table.history.latest()
    assert (record.history_type, record.bonus_cap, record.history_user) == ("~", 8, admin_user)
    assert before <= record.history_date <= timezone.now()
    # The rows in the inline were sent back unchanged: they are not rewritten.
    assert not Criterion.history.filter(table_id=table.pk, history_type="~").exists()


def test_a_score_changed_in_the_shell_is_in_its_history_with_the_account_and_the_source(
    postgresql, monkeypatch, scoring
):
    line = h.line(scoring.cards[scoring.d], "1.1")
    monkeypatch.setattr(sys, "argv", ["manage.py", "shell"])
    before = timezone.now()
    call_command(
        "shell",
        command=(
            "from campaigns.models import ScoreLine\n"
            f"line = ScoreLine.objects.get(pk={line.pk})\n"
            "line.self_points = 12\n"
            "line.save()\n"
        ),
    )
    record = line.history.latest()
    assert (record.history_type, record.self_points) == ("~", D("12"))
    assert record.history_user is None
    assert (record.history_source, record.history_os_user) == ("shell", os_account())
    assert record.history_os_user
    assert before <= record.history_date <= timezone.now()


# The admin cannot rewrite --------------------------------------------------------------------


def _refuses_every_write(client, model, obj):
    """The change page shows ``obj`` without a save button and every write is refused."""
    opts = model._meta
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(change, {"_save": "Lưu"}).status_code == 403
    delete = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 403
    changelist = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    assert "delete_selected" not in changelist.content.decode()
    assert model.objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("model", [ScoreLineChange, ScorecardEvent, PledgeEvent, ScoreLine])
def test_the_admin_shows_logs_and_score_lines_but_never_edits_them(
    client, admin_user, scoring, model
):
    card = scoring.cards[scoring.d]
    scorecard_services.reopen_scorecard(scorecard=card, by=scoring.secretariat, reason="Sửa")
    entry = {h.line(card, "1.1").criterion_id: (D("20"), "")}
    scorecard_services.save_self_scores(scorecard=card, by=scoring.member_officer, entries=entry)
    make_open(scoring)
    client.force_login(admin_user)
    obj = model.objects.order_by("pk").first()
    before = {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields}
    _refuses_every_write(client, model, obj)
    obj.refresh_from_db()
    assert {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields} == before


def test_a_scorecard_page_shows_its_lines_without_a_field_to_change_them(
    client, admin_user, scoring
):
    card = scoring.cards[scoring.d]
    client.force_login(admin_user)
    page = client.get(reverse("admin:campaigns_scorecard_change", args=[card.pk]))
    data, _ = form_data(page.content.decode(), "scorecard_form")
    assert data["lines-TOTAL_FORMS"] == [str(card.lines.count())]
    layer_inputs = [n for n in data if n.startswith("lines-") and n.split("-")[-1] in LAYERS]
    assert layer_inputs == []


LAYERS = {
    "self_points",
    "self_note",
    "review_points",
    "review_note",
    "reviewer",
    "explanation",
    "agreed_points",
    "agreed_note",
    "board_points",
    "board_reason",
}


def test_a_past_version_is_shown_but_never_reverted(client, admin_user, scoring):
    assert settings.SIMPLE_HISTORY_REVERT_DISABLED is True
    period = scoring.period
    later = period.review_deadline + datetime.timedelta(days=3)
    period_services.save_period(
        term=scoring.term,
        kind=period.kind,
        self_deadline=period.self_deadline,
        review_deadline=later,
        by=scoring.secretariat,
    )
    first = period.history.earliest()
    client.force_login(admin_user)
    listing = client.get(reverse("admin:campaigns_period_history", args=[period.pk]))
    assert listing.status_code == 200
    assert str(scoring.secretariat) in listing.content.decode()
    version = reverse("admin:campaigns_period_simple_history", args=[period.pk, first.pk])
    page = client.get(version)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    data, _ = form_data(page.content.decode(), "historicalperiod_form")
    assert data["review_deadline_0"]
    data["_save"] = ["Revert"]
    assert client.post(version, data).status_code == 403
    period.refresh_from_db()
    assert period.review_deadline == later
    assert period.history.count() == 2


# Services name their author -------------------------------------------------------------------


def test_save_period_names_its_author_when_it_opens_and_changes_a_period(bloc_world):
    w = bloc_world
    start = timezone.now() + datetime.timedelta(days=5)
    period = period_services.save_period(
        term=w.term,
        kind=Period.Kind.SEMIANNUAL,
        self_deadline=start,
        review_deadline=start + datetime.timedelta(days=5),
        by=w.secretariat,
    )
    period_services.save_period(
        term=w.term,
        kind=Period.Kind.SEMIANNUAL,
        self_deadline=start,
        review_deadline=start + datetime.timedelta(days=9),
        by=w.secretariat_officer,
    )
    rows = list(period.history.order_by("history_id"))
    assert [(r.history_type, r.history_user) for r in rows] == [
        ("+", w.secretariat),
        ("~", w.secretariat_officer),
    ]
    assert rows[1].review_deadline == start + datetime.timedelta(days=9)


def test_open_scorecard_names_its_author_on_the_card_and_on_every_line(bloc_world):
    w = bloc_world
    table = h.make_table(w.term)
    period = h.make_period(w.term, status=Period.Status.OPEN)
    card = scorecard_services.open_scorecard(period=period, agency=w.d, by=w.member_officer)
    assert card.history.get().history_user == w.member_officer
    lines = ScoreLine.history.filter(scorecard_id=card.pk)
    assert lines.count() == len(h.leaves(table)) > 0
    assert set(lines.values_list("history_type", "history_user")) == {("+", w.member_officer.pk)}


def test_self_scores_and_agreement_saved_in_bulk_name_their_author(scoring):
    w = scoring
    card = scorecard_services.open_scorecard(
        period=h.make_period(w.term, kind=Period.Kind.SEMIANNUAL, status=Period.Status.OPEN),
        agency=w.d,
        by=w.member_officer,
    )
    first, second = h.leaves(w.table)[:2]
    scorecard_services.save_self_scores(
        scorecard=card,
        by=w.member_head,
        entries={first.pk: (D("20"), "Đủ"), second.pk: (D("21"), "")},
    )
    changed = ScoreLine.history.filter(scorecard_id=card.pk, history_type="~")
    assert sorted(changed.values_list("self_points", flat=True)) == [D("20"), D("21")]
    assert set(changed.values_list("history_user", flat=True)) == {w.member_head.pk}

    agreement.agree_period(period=w.period, by=w.secretariat)
    agreed = ScoreLine.history.filter(scorecard__period=w.period, history_type="~")
    assert agreed.count() == ScoreLine.objects.filter(scorecard__period=w.period).count()
    assert set(agreed.values_list("history_user", flat=True)) == {w.secretariat.pk}
    cards = Scorecard.history.filter(period_id=w.period.pk, status=Scorecard.Status.AGREED)
    assert cards.count() == len(w.cards)
    assert set(cards.values_list("history_user", flat=True)) == {w.secretariat.pk}
    assert w.period.history.latest().history_user == w.secretariat


def test_deleting_a_group_names_the_author_on_every_row_it_takes(bloc_world):
    w = bloc_world
    table = criteria_services.create_criteria_table(term=w.term, by=w.secretariat)
    group = criteria_services.save_criterion(
        table=table,
        by=w.secretariat,
        parent=None,
        code="1",
        title="Nhóm",
        kind=Criterion.Kind.GROUP,
        max_points=None,
        evidence_required=False,
    )
    for code in ("1.1", "1.2"):
        criteria_services.save_criterion(
            table=table,
            by=w.secretariat,
            parent=group,
            code=code,
            title=f"Tiêu chí {code}",
            kind=Criterion.Kind.SCORED,
            max_points=D("10"),
            evidence_required=False,
        )
    criteria_services.delete_criterion(criterion=group, by=w.secretariat_officer)
    assert not Criterion.objects.filter(table=table).exists()
    deleted = Criterion.history.filter(table_id=table.pk, history_type="-")
    assert sorted(deleted.values_list("code", flat=True)) == ["1", "1.1", "1.2"]
    assert set(deleted.values_list("history_user", flat=True)) == {w.secretariat_officer.pk}
    assert table.history.get().history_user == w.secretariat


def test_table_settings_name_their_author(bloc_world):
    w = bloc_world
    table = criteria_services.create_criteria_table(term=w.term, by=w.secretariat)
    criteria_services.update_table_settings(
        table=table,
        by=w.secretariat_officer,
        title="Bảng sửa",
        base_max=D("100"),
        bonus_cap=D("5"),
        penalty_cap=D("5"),
    )
    record = CriteriaTable.history.filter(id=table.pk).latest()
    assert (record.title, record.bonus_cap, record.history_user) == (
        "Bảng sửa",
        D("5"),
        w.secretariat_officer,
    )


def test_a_signature_names_its_signer_and_a_withdrawn_title_its_author(bloc_world):
    w = bloc_world
    pledge = make_open(w)
    signature = pledge_services.sign_pledge(
        pledge=pledge,
        agency_id=w.d.pk,
        user=w.member_head,
        password=PASSWORD,
        shown_hash=pledge.content_hash,
    )
    assert signature.history.get().history_user == w.member_head
    registration = pledge_services.register_title(
        term=w.term, agency_id=w.d.pk, title="province_merit", by=w.member_officer
    )
    registration_id = registration.pk
    pledge_services.withdraw_title(registration=registration, by=w.member_head)
    rows = TitleRegistration.history.filter(id=registration_id).order_by("history_id")
    assert [(r.history_type, r.history_user) for r in rows] == [
        ("+", w.member_officer),
        ("-", w.member_head),
    ]
