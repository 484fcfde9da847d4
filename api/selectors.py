"""What the API reads, as plain values, each through the home its page uses.

Nothing here decides who sees what: the views load through the apps' access helpers and pass
the reader's ``TermAccess`` in. Every function runs a fixed number of queries whatever the
number of agencies, nominations or documents.
"""

import datetime

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from awards.access import sees_draft_nominations
from awards.models import AwardDecision, Dossier, GrantedAward, Nomination, NominationList
from blocs.access import TermAccess
from blocs.models import Membership
from campaigns import selectors as campaign_selectors
from campaigns.access import can_see_ranking
from campaigns.models import Period
from campaigns.services.exports import export_rows
from reports.access import can_read_dossier, readable
from reports.kinds import KINDS
from reports.models import Document

PERIOD_ORDER = {Period.Kind.SEMIANNUAL: 0, Period.Kind.ANNUAL: 1}


def year_end(term) -> datetime.date:
    """The day whose names a year shows: its last day, or today while it runs."""
    return min(timezone.localdate(), datetime.date(term.year, 12, 31))


def memberships(term):
    """The term's memberships in agency order, each agency with its renames (two queries)."""
    return (
        Membership.objects.filter(term=term)
        .select_related("agency")
        .prefetch_related("agency__name_changes")
        .order_by("agency__sort_key", "agency_id", "id")
    )


def member_row(membership, day) -> dict:
    agency = membership.agency
    return {
        "agency_id": agency.id,
        "name": agency.name_on(day),
        "abbreviation": agency.abbreviation,
        "kind": agency.kind,
        "role": membership.role,
        "joined_on": membership.joined_on,
        "left_on": membership.left_on,
    }


def _agency_ref(membership, day) -> dict | None:
    if membership is None:
        return None
    return {
        "id": membership.agency.id,
        "name": membership.agency.name_on(day),
        "abbreviation": membership.agency.abbreviation,
    }


def term_summary(request, term, access: TermAccess) -> dict:
    """A year: its status, leader and deputy, members counted, periods (three queries)."""
    day = year_end(term)
    rows = list(memberships(term).filter(role__in=[Membership.Role.LEADER, Membership.Role.DEPUTY]))
    by_role = {m.role: m for m in rows}
    current = Membership.objects.filter(term=term, left_on__isnull=True).count()
    periods = sorted(Period.objects.filter(term=term), key=lambda p: PERIOD_ORDER.get(p.kind, 9))
    args = [term.bloc.code, term.year]

    def url(name, *extra):
        return request.build_absolute_uri(reverse(name, args=[*args, *extra]))

    return {
        "bloc": term.bloc,
        "year": term.year,
        "status": term.status,
        "leader": _agency_ref(by_role.get(Membership.Role.LEADER), day),
        "deputy": _agency_ref(by_role.get(Membership.Role.DEPUTY), day),
        "member_count": current,
        "periods": [
            {
                "kind": p.kind,
                "status": p.status,
                "ranking_visible": can_see_ranking(access, p),
                "ranking_url": url("api:ranking", p.kind),
            }
            for p in periods
        ],
        "members_url": url("api:member_list"),
        "awards_url": url("api:awards"),
        "documents_url": url("api:document_list"),
        "page_url": url("blocs:term_detail"),
    }


def ranking(term, access: TermAccess, period) -> dict:
    """The period's ranking as its page shows it to this reader, rows as ``export_ranking``
    writes them; nothing but the period's state before the reader may see it."""
    visible = can_see_ranking(access, period)
    payload = {
        "bloc": term.bloc.code,
        "year": term.year,
        "period": period.kind,
        "status": period.status,
        "visible": visible,
        "rows": [],
        "unsubmitted": [],
    }
    if not visible:
        return payload
    data = campaign_selectors.load_period(period)
    ids = [r.agency_id for r in data.ranked]
    marks = campaign_selectors.ranking_marks(period, ids)
    rows = export_rows(data)
    for ranked, row in zip(data.ranked, rows, strict=True):
        row["agency_id"] = ranked.agency_id
        row["notes"] = [str(text) for text in marks.get(ranked.agency_id, [])]
    payload["rows"] = rows
    payload["unsubmitted"] = [
        {"agency_id": a.id, "agency": a.name, "agency_abbr": a.abbreviation}
        for a in data.unsubmitted
    ]
    return payload


def _award_type(award_type) -> dict:
    return {
        "code": award_type.code,
        "name": award_type.name,
        "level": award_type.level,
        "kind": award_type.kind,
    }


def nomination_lists(term, access: TermAccess) -> list[dict]:
    """The year's nomination lists: confirmed ones, drafts too for those who see them (2 queries)."""
    lists = NominationList.objects.filter(term=term).select_related("award_type")
    if not sees_draft_nominations(access):
        lists = lists.filter(status=NominationList.Status.CONFIRMED)
    lists = lists.prefetch_related(
        Prefetch(
            "nominations",
            queryset=Nomination.objects.select_related("agency").order_by("position", "id"),
        )
    ).order_by("award_type__order", "award_type__code", "id")
    return [
        {
            "award_type": _award_type(nl.award_type),
            "status": nl.status,
            "confirmed_at": nl.confirmed_at,
            "nominees": [
                {
                    "position": n.position,
                    "agency_id": n.agency_id,
                    "agency": n.agency.name,
                    "agency_abbr": n.agency.abbreviation,
                    "votes": n.votes,
                }
                for n in nl.nominations.all()
            ],
        }
        for nl in lists
    ]


def decision(term) -> dict | None:
    """The council's decision on the year's dossier, once decided, with every nominee's answer
    and any revocation (two queries)."""
    found = (
        AwardDecision.objects.filter(dossier__term=term, dossier__state=Dossier.State.DECIDED)
        .prefetch_related(
            Prefetch(
                "awards",
                queryset=GrantedAward.objects.select_related("agency", "award_type").order_by(
                    "award_type__order", "nomination__position", "id"
                ),
            )
        )
        .first()
    )
    if found is None:
        return None
    return {
        "number": found.number,
        "signed_on": found.signed_on,
        "signer_name": found.signer_name,
        "signer_title": found.signer_title,
        "awards": [
            {
                "award_type": _award_type(g.award_type),
                "agency_id": g.agency_id,
                "agency": g.agency.name,
                "agency_abbr": g.agency.abbreviation,
                "granted": g.granted,
                "in_force": g.in_force,
                "note": g.note,
                "revoked_on": g.revoked_on,
                "revocation_number": g.revocation_number,
                "revocation_reason": g.revocation_reason,
            }
            for g in found.awards.all()
        ],
    }


def awards(term, access: TermAccess) -> dict:
    return {
        "bloc": term.bloc.code,
        "year": term.year,
        "nominations": nomination_lists(term, access),
        # Like the dossier page: members read the decision on the public results once published.
        "decision": decision(term) if can_read_dossier(access) else None,
    }


def readable_documents(user, term, access: TermAccess) -> list:
    """The term's documents this reader may open, newest first, as its documents page lists
    them (``reports.access.readable``)."""
    documents = list(
        Document.objects.filter(term=term)
        .select_related("term__bloc", "replaced_by")
        .order_by("-requested_at", "-id")
    )
    for document in documents:
        document.term = term
    return readable(access, documents)


def document_row(request, document) -> dict:
    ready = document.status == Document.Status.READY
    kind = KINDS.get(document.kind)

    def url(name):
        return request.build_absolute_uri(reverse(name, args=[document.pk]))

    replacement = document.replacement
    return {
        "id": document.pk,
        "bloc": document.term.bloc.code,
        "year": document.term.year,
        "kind": document.kind,
        "kind_label": str(kind.label) if kind else document.kind,
        "title": document.title,
        "number": document.number,
        "number_label": str(document.number_label),
        "provisional": document.provisional,
        "status": document.status,
        "issued_on": document.issued_on,
        "requested_at": document.requested_at,
        "finished_at": document.finished_at,
        "sha256": document.sha256,
        "size": document.size,
        "pages": document.pages,
        "verification_code": document.verification_code,
        "verify_url": request.build_absolute_uri(document.get_verify_url()),
        "page_url": url("reports:document_detail"),
        "download_url": url("reports:document_download") if ready and document.file else None,
        "file_url": url("api:document_file") if ready and document.file else None,
        "docx_url": url("reports:document_docx") if ready and document.docx_file else None,
        "replaced_by": replacement.pk if replacement is not None else None,
    }
