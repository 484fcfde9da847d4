"""A document's history: who requested it, every claim and outcome of its rendering, who reset it."""

import pytest

from reports import services
from reports.kinds import KINDS
from reports.models import Document

pytestmark = pytest.mark.django_db


def test_rendering_keeps_each_step_of_a_document_in_its_history(term, personas):
    document = services.request_document(
        term=term, kind="member_list", by=personas["secretariat"]
    ).document
    services.render_document(document.pk)
    rows = list(document.history.order_by("history_id"))
    assert [r.status for r in rows] == ["pending", "rendering", "ready"]
    assert rows[0].history_user == personas["secretariat"]
    assert rows[1].attempts == 1
    assert all(r.history_source for r in rows)


def test_a_failed_rendering_and_its_reset_are_in_the_history_with_the_author(
    term, personas, monkeypatch
):
    kind = KINDS["member_list"]
    broken = type(kind)(**{**kind.__dict__, "template": "reports/pdf/does_not_exist.html"})
    monkeypatch.setitem(KINDS, "member_list", broken)
    document = services.request_document(
        term=term, kind="member_list", by=personas["secretariat"]
    ).document
    services.render_document(document.pk)
    assert services.restart_document(document=document, by=personas["secretariat_officer"])
    rows = list(document.history.order_by("history_id"))
    assert [r.status for r in rows] == ["pending", "rendering", "failed", "pending"]
    assert "does_not_exist.html" in rows[2].error
    assert rows[3].history_user == personas["secretariat_officer"]
    # Once the broker has taken it, it is not restarted again, and nothing is written.
    services.mark_queued(document.pk)
    assert not services.restart_document(document=document, by=personas["secretariat"])
    assert document.history.count() == 5
    assert Document.objects.get(pk=document.pk).status == Document.Status.PENDING
