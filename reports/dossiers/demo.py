"""The demo's award dossiers of 2025: the Party bloc's decided (one Bằng khen not granted), the
state bloc's returned once and sent again, waiting for the board.

The dossier is sent through the same services the pages use, so it is sent only when the year's
documents are issued: with tasks in-process they are by now; with a worker, the dossier stays a
draft that names what it still waits for, and seeding again (once the worker is done) sends it.
"""

import datetime

from django.db import transaction

from awards.models import Dossier, DossierEvent, DossierVersion
from blocs.models import AgencyRole, BlocTerm, BoardOfficer
from campaigns.demo import vietnam_time
from reports.dossiers import parts, services

YEAR = 2025
RETURN_REASON = (
    "Đề nghị Khối bổ sung bản chụp Quyết định khen thưởng năm trước của đơn vị được đề nghị "
    "Cờ thi đua và rà soát lại số liệu trong báo cáo thành tích."
)


def _head(agency, fallback):
    role = (
        AgencyRole.objects.filter(agency=agency, role=AgencyRole.Role.HEAD)
        .select_related("user")
        .first()
        if agency
        else None
    )
    return role.user if role else fallback


def _board(term, fallback):
    officer = (
        BoardOfficer.objects.filter(council_id=term.bloc.council_id).select_related("user").first()
    )
    return officer.user if officer else fallback


def _dated(dossier, *days) -> None:
    """Put the dossier's events (and its versions) on the demo's days, in order."""
    events = list(dossier.events.order_by("at", "id"))
    for event, day in zip(events, days, strict=False):
        DossierEvent.objects.filter(pk=event.pk).update(
            at=vietnam_time(day.year, day.month, day.day, 9)
        )
    submits = [day for event, day in zip(events, days, strict=False) if event.action == "submit"]
    for version, day in zip(dossier.versions.order_by("number"), submits, strict=False):
        DossierVersion.objects.filter(pk=version.pk).update(
            submitted_at=vietnam_time(day.year, day.month, day.day, 9)
        )


def _send(term, secretariat, board, *, decide: bool) -> None:
    with transaction.atomic():
        services.move(term=term, action="submit", actor="bloc", by=secretariat)
        if decide:
            services.move(term=term, action="accept", actor="board", by=board)
            nominations = services.sent_nominations(services.dossier_of(term))
            merits = [n for n in nominations if n.nomination_list.award_type.kind == "merit"]
            refused = {merits[-1].pk} if len(merits) > 1 else set()
            services.record_decision(
                term=term,
                actor="board",
                by=board,
                number="412/QĐ-UBND",
                signed_on=datetime.date(YEAR + 1, 3, 10),
                signer_name="Hồ Văn Quyết",
                signer_title="Chủ tịch Ủy ban nhân dân tỉnh",
                granted_ids=[n.pk for n in nominations if n.pk not in refused],
            )
            days = [
                datetime.date(YEAR + 1, 1, 6),
                datetime.date(YEAR + 1, 1, 20),
                datetime.date(YEAR + 1, 3, 10),
            ]
        else:
            services.move(term=term, action="return", actor="board", by=board, reason=RETURN_REASON)
            services.move(term=term, action="submit", actor="bloc", by=secretariat)
            days = [
                datetime.date(YEAR + 1, 1, 7),
                datetime.date(YEAR + 1, 1, 12),
                datetime.date(YEAR + 1, 1, 16),
            ]
        _dated(services.dossier_of(term), *days)


def seed(objects: dict) -> None:
    """Send the 2025 dossiers of both demo blocs when their documents are issued (idempotent)."""
    blocs = [objects["party_bloc"], objects["state_bloc"]]
    for term in BlocTerm.objects.filter(bloc__in=blocs, year=YEAR).select_related("bloc"):
        dossier = services.dossier_for(term)
        if dossier.state != Dossier.State.DRAFT or dossier.version:
            continue
        if parts.assemble(term, dossier).missing:
            continue
        secretariat = _head(term.leader, objects["admin"])
        board = _board(term, objects["admin"])
        _send(term, secretariat, board, decide=term.bloc_id == objects["party_bloc"].pk)
