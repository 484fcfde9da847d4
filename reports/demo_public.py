"""The demo's public results: the 2025 results of both blocs, published by their secretariat,
with the year's score table issued so that the page shows its verification code."""

import datetime

from django.core.exceptions import ValidationError

from blocs.models import AgencyRole, BlocTerm
from campaigns.demo import vietnam_time
from reports import services, tasks
from reports.models import Document, ResultsPublication
from reports.public import SCORE_TABLE
from reports.publication import publish_results

YEAR = 2025
# After the council's year-end review, once the rankings were final (20/12/2025).
PUBLISHED = (2026, 1, 20, 9, 0)


def _publisher(term, fallback):
    """A head of the year's leader agency, who published the results that year."""
    leader = term.leader
    role = (
        AgencyRole.objects.filter(agency=leader, role=AgencyRole.Role.HEAD)
        .select_related("user")
        .first()
        if leader
        else None
    )
    return role.user if role else fallback


def publish_demo(objects: dict) -> list[ResultsPublication]:
    """Publish the 2025 results of both demo blocs (idempotent; a year not final is skipped)."""
    published = []
    terms = BlocTerm.objects.filter(
        bloc__in=[objects["party_bloc"], objects["state_bloc"]], year=YEAR
    ).select_related("bloc")
    for term in terms:
        if ResultsPublication.objects.filter(term=term).exists():
            continue
        by = _publisher(term, objects["admin"])
        try:
            publication = publish_results(term=term, by=by, now=vietnam_time(*PUBLISHED))
        except ValidationError:
            # Without a final annual ranking there is nothing to publish.
            continue
        if not Document.objects.filter(term=term, kind=SCORE_TABLE).exists():
            requested = services.request_document(
                term=term, kind=SCORE_TABLE, by=by, issued_on=datetime.date(YEAR, 12, 30)
            )
            tasks.queue_render(requested.document.pk)
        published.append(publication)
    return published
