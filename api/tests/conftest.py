"""A small year with something behind every endpoint: two periods (one agreed), nomination
lists (one confirmed, one draft), a decided dossier, and documents readable by some only."""

import datetime
import hashlib
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from rest_framework.authtoken.models import Token

from awards.models import (
    AwardDecision,
    Dossier,
    GrantedAward,
    Nomination,
    NominationList,
)
from awards.services import catalogue
from campaigns.models import Period
from campaigns.services import agreement
from campaigns.tests import review_helpers as h
from reports.models import Document
from tests.factories import PERSONAS, UserFactory

# Every persona of the pages' matrices, and an administrator.
EVERYONE = (*PERSONAS, "admin")


@pytest.fixture
def admin(db):
    return UserFactory(full_name="Quản trị viên", is_superuser=True, is_staff=True)


@pytest.fixture
def users(personas, admin):
    """Users by persona name, administrator included (anonymous is ``None``)."""
    return {**personas, "admin": admin}


def make_document(term, kind, *, number=None, provisional=False, params=None, ready=True):
    body = f"%PDF-1.4 {kind} {number}".encode()
    document = Document(
        kind=kind,
        term=term,
        number=None if provisional else number,
        provisional=provisional,
        type_code="BC",
        title=f"Văn bản {kind} {number or ''}".strip(),
        params=params or {},
        status=Document.Status.READY if ready else Document.Status.PENDING,
        sha256=hashlib.sha256(body).hexdigest() if ready else "",
        size=len(body) if ready else None,
        issued_on=datetime.date(term.year, 12, 20) if ready else None,
    )
    if ready:
        document.file.save(f"{kind}-{number}.pdf", ContentFile(body), save=False)
    document.save()
    return document


def nominate(term, award_type, agencies, *, confirmed):
    nomination_list = NominationList.objects.create(
        term=term,
        award_type=award_type,
        status=NominationList.Status.CONFIRMED if confirmed else NominationList.Status.DRAFT,
    )
    return [
        Nomination.objects.create(
            nomination_list=nomination_list, agency=agency, position=i, votes=9
        )
        for i, agency in enumerate(agencies, start=1)
    ]


@pytest.fixture
def api_world(bloc_world):
    """The 2026 year of ``bloc_world``: the half-year under review (drafts for members), the
    year-end agreed; a confirmed merit list (C, D) and a draft flag list (E); the decision grants
    C and not D; a member list issued and a half-year score table still a draft."""
    w = bloc_world
    term = w.term
    table = h.make_table(term)
    half = h.make_period(term, kind=Period.Kind.SEMIANNUAL)
    h.make_cards(half, table)
    year_end = h.make_period(term, kind=Period.Kind.ANNUAL)
    h.make_cards(year_end, table, points={w.c: {"1.1": "20"}})
    agreement.agree_period(period=year_end, by=w.secretariat)
    rules = catalogue.materialise_rules(term=term, by=w.secretariat)
    types = {rule.award_type.code: rule.award_type for rule in rules}
    merit = types[catalogue.PROVINCE_MERIT]
    flag = next(t for code, t in types.items() if code != catalogue.PROVINCE_MERIT)
    granted, refused = nominate(term, merit, [w.c, w.d], confirmed=True)
    nominate(term, flag, [w.agencies[4]], confirmed=False)
    dossier = Dossier.objects.create(term=term, state=Dossier.State.DECIDED, version=1)
    decision = AwardDecision.objects.create(
        dossier=dossier,
        number="125/QĐ-UBND",
        signed_on=datetime.date(2027, 1, 15),
        signer_name="Nguyễn Văn Ký",
        signer_title="Chủ tịch",
        recorded_by=w.board,
    )
    for nomination, given in ((granted, True), (refused, False)):
        GrantedAward.objects.create(
            decision=decision,
            nomination=nomination,
            agency=nomination.agency,
            award_type=merit,
            granted=given,
        )
    member_list = make_document(term, "member_list", number=1)
    draft_table = make_document(term, "score_table_semiannual", provisional=True)
    return SimpleNamespace(
        world=w,
        term=term,
        half=half,
        year_end=year_end,
        merit=merit,
        flag=flag,
        member_list=member_list,
        draft_table=draft_table,
    )


@pytest.fixture
def token_for():
    def make(user):
        return Token.objects.get_or_create(user=user)[0].key

    return make
