"""The meeting world the ballot and nomination tests share, and a check that it is what they say.

A bloc of ``members`` agencies with a final annual ranking (agency i ranked i + 1, the first
eleven "xuất sắc" or "tốt"), the year's award rules saved, a meeting in voting with all but the
last member present.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from awards import selectors
from awards.models import (
    Attendance,
    AwardRule,
    AwardType,
    Ballot,
    RankingPublication,
    ReviewMeeting,
)
from awards.services import catalogue
from campaigns.models import Period
from campaigns.tests.review_helpers import make_cards, make_period, make_table
from tests.factories import build_bloc_world

pytestmark = pytest.mark.django_db


def build_meeting_world(council, *, members=12, present=None, final=True):
    world = build_bloc_world(council=council, members=members)
    term = world.term
    table = make_table(term)
    period = make_period(term, Period.Kind.ANNUAL, status=Period.Status.AGREED)
    # Agency i: 97 - 0.5 i points, so the ranking follows the member order.
    make_cards(
        period,
        table,
        world.agencies,
        points={
            a: {"1.1": str(Decimal(25) - Decimal(i) / 2)} for i, a in enumerate(world.agencies)
        },
    )
    now = timezone.now()
    RankingPublication.objects.create(
        period=period,
        published_at=now - datetime.timedelta(days=10),
        published_by=world.secretariat,
        appeal_days=5,
        closes_at=now - datetime.timedelta(days=5),
        finalized_at=now - datetime.timedelta(days=1) if final else None,
    )
    catalogue.materialise_rules(term=term, by=world.secretariat)
    meeting = ReviewMeeting.objects.create(
        term=term,
        period_kind=Period.Kind.ANNUAL,
        status=ReviewMeeting.Status.VOTING,
        held_at=now,
        place="Hội trường tỉnh",
        chair="Ông Chủ Trì",
    )
    count = members - 1 if present is None else present
    for i, agency in enumerate(world.agencies):
        Attendance.objects.create(
            meeting=meeting,
            agency=agency,
            present=i < count,
            representative="Đại biểu" if i < count else "",
        )
    world.period, world.meeting, world.table = period, meeting, table
    world.award = lambda code: AwardType.objects.get(council=council, code=code)
    world.rule = lambda code: AwardRule.objects.get(term=term, award_type__code=code)
    return world


def set_rule(world, code, **fields):
    rule = world.rule(code)
    for name, value in fields.items():
        setattr(rule, name, value)
    rule.save()
    return rule


def test_the_meeting_world_has_a_final_ranking_in_member_order_and_eleven_present(council):
    world = build_meeting_world(council)

    state = selectors.ranking_state(world.period, meeting=world.meeting)

    assert state.is_final
    assert [r.agency_id for r in state.rows] == [a.pk for a in world.agencies]
    assert len(selectors.present_agency_ids(world.meeting)) == 11
    assert not Ballot.objects.exists()
