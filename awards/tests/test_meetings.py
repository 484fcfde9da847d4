"""The review meeting page: details, attendance, quorum, opening and closing, the election."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from awards.models import (
    Attendance,
    AwardRule,
    Ballot,
    EligibilityHold,
    QuorumCheck,
    RankingPublication,
    ReviewMeeting,
)
from awards.services import meetings as services
from awards.services.catalogue import ensure_award_types
from blocs.models import BlocTerm, LeadershipElection, Membership
from campaigns.models import Period
from campaigns.tests.review_helpers import make_period
from tests import factories

pytestmark = pytest.mark.django_db

HELD_AT = timezone.make_aware(datetime.datetime(2026, 12, 15, 8, 30))
DETAILS = {
    "held_at": HELD_AT,
    "place": "Hội trường UBND tỉnh",
    "chair": "Nguyễn Văn A, Giám đốc",
    "secretary": "Trần Thị B",
    "ballot_committee": "Lê C\nPhạm D",
    "board_representative": "Hoàng E",
}


def world(council, members=12):
    return factories.build_bloc_world(
        council=council, members=members, years=(2025, 2026), start=datetime.date(2025, 1, 1)
    )


def grow(w, extra):
    """Add ``extra`` members to the world's last year (the factory names only 26 agencies)."""
    for _i in range(extra):
        agency = factories.AgencyFactory(council=w.council)
        Membership.objects.create(term=w.term, agency=agency, joined_on=datetime.date(2026, 1, 1))
        w.agencies.append(agency)


def final_ranking(term, kind=Period.Kind.ANNUAL, by=None):
    period = make_period(term, kind=kind, status=Period.Status.AGREED)
    now = timezone.now()
    RankingPublication.objects.create(
        period=period,
        published_at=now - datetime.timedelta(days=6),
        published_by=by,
        appeal_days=5,
        closes_at=now - datetime.timedelta(days=1),
        finalized_at=now,
        finalized_by=by,
    )
    return period


def make_meeting(w, kind="annual"):
    return services.save_meeting(term=w.term, period_kind=kind, by=w.secretariat, **DETAILS)


def mark_present(meeting, agencies, by):
    services.record_attendance(
        meeting=meeting,
        rows={a.pk: {"present": True, "representative": f"Đại diện {a.name}"} for a in agencies},
        by=by,
    )


def url(w, kind="annual"):
    return reverse("awards:meeting", args=[w.bloc.code, w.term.year, kind])


def attendance_post(meeting, agencies, present, **override):
    data = {"action": "attendance"}
    for agency in agencies:
        pk = agency.pk
        if agency in present:
            data[f"present_{pk}"] = "on"
            data[f"representative_{pk}"] = f"Người dự {pk}"
        else:
            data[f"representative_{pk}"] = ""
        data[f"title_{pk}"] = ""
        data[f"reason_{pk}"] = ""
    data.update(override)
    return data


# --- services ---------------------------------------------------------------------------------


def test_creating_a_meeting_lists_every_member_absent(council):
    w = world(council)
    meeting = make_meeting(w)
    rows = Attendance.objects.filter(meeting=meeting)
    assert rows.count() == 12
    assert not rows.filter(present=True).exists()
    assert meeting.created_by == w.secretariat


def test_seven_of_twelve_cannot_open_voting_and_the_failed_check_is_kept(council):
    w = world(council)
    final_ranking(w.term, by=w.secretariat)
    meeting = make_meeting(w)
    mark_present(meeting, w.agencies[:7], w.secretariat)
    check = services.open_voting(meeting=meeting, by=w.secretariat)
    assert not check.met
    assert services.quorum_refusal(check) == (
        "Có mặt 7/12 thành viên, chưa đủ 2/3 (cần ít nhất 8): chưa thể bỏ phiếu."
    )
    meeting.refresh_from_db()
    assert meeting.status == ReviewMeeting.Status.PLANNED
    saved = QuorumCheck.objects.get(meeting=meeting)
    assert (saved.present, saved.members, saved.met, saved.checked_by) == (
        7,
        12,
        False,
        w.secretariat,
    )
    assert not AwardRule.objects.filter(term=w.term).exists()


@pytest.mark.parametrize("present", [8, 11])
def test_eight_or_more_of_twelve_open_voting_and_freeze_the_rules(council, present):
    w = world(council)
    ensure_award_types(council=council)
    final_ranking(w.term, by=w.secretariat)
    meeting = make_meeting(w)
    mark_present(meeting, w.agencies[:present], w.secretariat)
    check = services.open_voting(meeting=meeting, by=w.secretariat)
    assert check.met
    meeting.refresh_from_db()
    assert meeting.status == ReviewMeeting.Status.VOTING
    assert meeting.opened_at is not None
    assert check.quorum == Decimal("0.667")
    assert AwardRule.objects.filter(term=w.term).exists()


def test_voting_cannot_open_before_the_ranking_is_final(council):
    w = world(council)
    make_period(w.term, kind=Period.Kind.ANNUAL, status=Period.Status.AGREED)
    meeting = make_meeting(w)
    mark_present(meeting, w.agencies, w.secretariat)
    with pytest.raises(ValidationError, match="chưa chính thức"):
        services.open_voting(meeting=meeting, by=w.secretariat)
    assert not QuorumCheck.objects.exists()


def test_attendance_is_all_or_nothing_and_names_the_agency(council):
    w = world(council, members=4)
    meeting = make_meeting(w)
    a, b = w.agencies[:2]
    rows = {
        a.pk: {"present": True, "representative": "Người A"},
        b.pk: {"present": True, "representative": " "},
    }
    with pytest.raises(ValidationError) as exc:
        services.record_attendance(meeting=meeting, rows=rows, by=w.secretariat)
    assert exc.value.messages == [f"{b.name}: có mặt thì phải ghi người dự."]
    assert not Attendance.objects.filter(meeting=meeting, present=True).exists()


def test_attendance_keeps_rows_the_request_did_not_send(council):
    w = world(council, members=4)
    meeting = make_meeting(w)
    a, b = w.agencies[:2]
    mark_present(meeting, [a], w.secretariat)
    services.record_attendance(
        meeting=meeting,
        rows={b.pk: {"present": False, "absence_reason": "Đi công tác"}},
        by=w.secretariat,
    )
    assert Attendance.objects.get(meeting=meeting, agency=a).present
    assert Attendance.objects.get(meeting=meeting, agency=b).absence_reason == "Đi công tác"


def test_closing_is_refused_while_a_ballot_is_open(council):
    w = world(council, members=4)
    award = ensure_award_types(council=council)[0]
    meeting = make_meeting(w)
    Ballot.objects.create(meeting=meeting, award_type=award, mode="paper", seats=1, voters=4)
    with pytest.raises(ValidationError, match="đang mở"):
        services.close_meeting(meeting=meeting, by=w.secretariat)
    Ballot.objects.update(status=Ballot.Status.CLOSED)
    services.close_meeting(meeting=meeting, by=w.secretariat)
    meeting.refresh_from_db()
    assert meeting.status == ReviewMeeting.Status.CLOSED
    with pytest.raises(ValidationError):
        services.save_meeting(term=w.term, period_kind="annual", by=w.secretariat, **DETAILS)


def open_meeting(w, present=None):
    final_ranking(w.term, by=w.secretariat)
    meeting = make_meeting(w)
    mark_present(meeting, present or w.agencies, w.secretariat)
    assert services.open_voting(meeting=meeting, by=w.secretariat).met
    return meeting


def test_election_at_the_meeting_is_the_terms_election_and_leads_next_year(council):
    w = world(council, members=6)
    following = factories.make_term(
        bloc=w.bloc,
        year=2027,
        agencies=w.agencies,
        leader=w.b,
        deputy=w.c,
        status=BlocTerm.Status.PLANNING,
    )
    meeting = open_meeting(w)
    election = services.record_meeting_election(
        meeting=meeting,
        by=w.secretariat,
        leader=w.d,
        deputy=w.a,
        leader_votes=5,
        deputy_votes=4,
        minutes_number="05/BB-KTĐ",
    )
    w.term.refresh_from_db()
    assert w.term.election == election
    assert (election.voters, election.held_on) == (6, datetime.date(2026, 12, 15))
    assert election.minutes_date == datetime.date(2026, 12, 15)
    roles = dict(Membership.objects.filter(term=following).values_list("agency_id", "role"))
    assert roles[w.d.pk] == Membership.Role.LEADER
    assert roles[w.a.pk] == Membership.Role.DEPUTY


def test_election_refuses_more_votes_than_members_present(council):
    w = world(council, members=6)
    meeting = open_meeting(w, present=w.agencies[:5])
    with pytest.raises(ValidationError) as exc:
        services.record_meeting_election(
            meeting=meeting,
            by=w.secretariat,
            leader=w.d,
            deputy=w.a,
            leader_votes=6,
            deputy_votes=1,
        )
    assert "leader_votes" in exc.value.message_dict
    assert not LeadershipElection.objects.filter(term=w.term).exists()


def test_the_half_year_meeting_elects_nobody(council):
    w = world(council, members=4)
    final_ranking(w.term, kind=Period.Kind.SEMIANNUAL, by=w.secretariat)
    meeting = make_meeting(w, kind="semiannual")
    mark_present(meeting, w.agencies, w.secretariat)
    services.open_voting(meeting=meeting, by=w.secretariat)
    with pytest.raises(ValidationError, match="tổng kết năm"):
        services.record_meeting_election(
            meeting=meeting,
            by=w.secretariat,
            leader=w.d,
            deputy=w.a,
            leader_votes=1,
            deputy_votes=1,
        )


# --- the page ---------------------------------------------------------------------------------


def test_details_post_creates_the_meeting(client, bloc_world):
    client.force_login(bloc_world.secretariat)
    response = client.post(
        url(bloc_world),
        {
            "action": "details",
            "held_at_date": "15/12/2026",
            "held_at_time": "08:30",
            "place": "Hội trường",
            "chair": "Nguyễn Văn A",
            "secretary": "",
            "ballot_committee": "Lê C",
            "board_representative": "",
        },
    )
    assert response.status_code == 302
    meeting = ReviewMeeting.objects.get(term=bloc_world.term, period_kind="annual")
    assert meeting.held_at == HELD_AT
    assert meeting.place == "Hội trường"
    assert meeting.attendance.count() == 6


def test_details_with_errors_keep_what_was_typed(client, bloc_world):
    client.force_login(bloc_world.secretariat)
    response = client.post(
        url(bloc_world),
        {
            "action": "details",
            "held_at_date": "32/12/2026",
            "held_at_time": "08:30",
            "place": "Hội trường X",
        },
    )
    assert response.status_code == 200
    assert "Hội trường X" in response.content.decode()
    assert "Ngày phải theo dạng dd/mm/yyyy" in response.content.decode()
    assert not ReviewMeeting.objects.exists()


def test_attendance_post_with_a_missing_name_saves_nothing_and_shows_the_typed_values(
    client, bloc_world
):
    meeting = make_meeting(bloc_world)
    client.force_login(bloc_world.secretariat)
    agencies = bloc_world.agencies
    data = attendance_post(meeting, agencies, agencies[:2])
    data[f"representative_{agencies[1].pk}"] = ""
    data[f"title_{agencies[0].pk}"] = "Phó Giám đốc gõ dở"
    response = client.post(url(bloc_world), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert f"{agencies[1].name}: có mặt thì phải ghi người dự." in body
    assert "Phó Giám đốc gõ dở" in body
    assert not Attendance.objects.filter(meeting=meeting, present=True).exists()


def test_attendance_post_records_the_rows(client, bloc_world):
    meeting = make_meeting(bloc_world)
    client.force_login(bloc_world.secretariat)
    agencies = bloc_world.agencies
    response = client.post(url(bloc_world), attendance_post(meeting, agencies, agencies[:4]))
    assert response.status_code == 302
    assert Attendance.objects.filter(meeting=meeting, present=True).count() == 4


def test_opening_voting_through_the_page_keeps_the_failed_check(client, council):
    w = world(council)
    final_ranking(w.term, by=w.secretariat)
    meeting = make_meeting(w)
    mark_present(meeting, w.agencies[:7], w.secretariat)
    client.force_login(w.secretariat)
    response = client.post(url(w), {"action": "open_voting"}, follow=True)
    body = response.content.decode()
    assert "Có mặt 7/12 thành viên, chưa đủ 2/3 (cần ít nhất 8): chưa thể bỏ phiếu." in body
    assert "quorum-failed" in body
    check = QuorumCheck.objects.get(meeting=meeting)
    assert not check.met
    meeting.refresh_from_db()
    assert meeting.status == ReviewMeeting.Status.PLANNED

    mark_present(meeting, w.agencies[7:8], w.secretariat)
    client.post(url(w), {"action": "open_voting"})
    meeting.refresh_from_db()
    assert meeting.status == ReviewMeeting.Status.VOTING
    assert list(QuorumCheck.objects.order_by("id").values_list("met", flat=True)) == [False, True]


def test_the_page_says_the_ranking_is_not_final(client, bloc_world):
    make_meeting(bloc_world)
    client.force_login(bloc_world.member_head)
    response = client.get(url(bloc_world))
    assert "chưa chính thức" in response.content.decode()


def test_election_through_the_page_shows_the_terms_election(client, bloc_world):
    meeting = open_meeting(bloc_world)
    client.force_login(bloc_world.secretariat)
    response = client.post(
        url(bloc_world),
        {
            "action": "election",
            "leader": bloc_world.d.pk,
            "deputy": bloc_world.a.pk,
            "leader_votes": "5",
            "deputy_votes": "4",
            "minutes_number": "",
        },
    )
    assert response.status_code == 302
    election = LeadershipElection.objects.get(term=bloc_world.term)
    assert (election.leader, election.voters) == (bloc_world.d, 6)
    body = client.get(url(bloc_world)).content.decode()
    assert bloc_world.d.name in body
    assert meeting.pk


def test_close_through_the_page_is_refused_with_an_open_ballot(client, bloc_world):
    meeting = make_meeting(bloc_world)
    award = ensure_award_types(council=bloc_world.council)[0]
    Ballot.objects.create(meeting=meeting, award_type=award, mode="paper", seats=1, voters=4)
    client.force_login(bloc_world.secretariat)
    response = client.post(url(bloc_world), {"action": "close"}, follow=True)
    assert "đang mở" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == ReviewMeeting.Status.PLANNED


def test_an_unknown_kind_is_not_found(client, bloc_world):
    client.force_login(bloc_world.secretariat)
    response = client.get(reverse("awards:meeting", args=[bloc_world.bloc.code, 2026, "weekly"]))
    assert response.status_code == 404


def test_wrong_method_is_refused(client, bloc_world):
    client.force_login(bloc_world.secretariat)
    assert client.put(url(bloc_world)).status_code == 405


READERS = ["board", "secretariat", "deputy", "member_head", "member_officer"]


@pytest.mark.parametrize("persona", [*READERS, "outsider", "anonymous"])
def test_who_sees_the_meeting_page(client, bloc_world, persona):
    make_meeting(bloc_world)
    user = bloc_world.personas[persona]
    if user:
        client.force_login(user)
    response = client.get(url(bloc_world))
    if persona == "anonymous":
        assert response.status_code == 302
        assert reverse("login") in response["Location"]
    elif persona == "outsider":
        assert response.status_code == 404
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("action", ["details", "attendance", "open_voting", "close", "election"])
@pytest.mark.parametrize("persona", [*READERS, "outsider", "anonymous"])
def test_who_may_run_the_meeting(client, bloc_world, persona, action):
    make_meeting(bloc_world)
    user = bloc_world.personas[persona]
    if user:
        client.force_login(user)
    response = client.post(url(bloc_world), {"action": action})
    expected = {"secretariat": 302, "outsider": 404}.get(persona, 403)
    if persona == "anonymous":
        assert response.status_code == 302
        assert reverse("login") in response["Location"]
    elif persona == "secretariat":
        # A bare post is shown again with its errors, or redirects with a message.
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("persona", ["secretariat", "member_head"])
def test_meeting_page_queries_do_not_grow_with_the_members(
    client, council, django_assert_num_queries, persona
):
    # The secretariat's page also offers the members as the leader and deputy choices.
    expected = {"secretariat": 15, "member_head": 14}[persona]
    counts = []
    for members in (4, 40):
        w = world(council, members=4)
        grow(w, members - 4)
        final_ranking(w.term, by=w.secretariat)
        meeting = make_meeting(w)
        mark_present(meeting, w.agencies, w.secretariat)
        services.open_voting(meeting=meeting, by=w.secretariat)
        w.term.refresh_from_db()
        client.force_login(w.personas[persona])
        with django_assert_num_queries(expected) as ctx:
            response = client.get(url(w))
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_the_voting_page_links_the_ballots_and_offers_to_open_one(client, bloc_world):
    meeting = open_meeting(bloc_world)
    award = ensure_award_types(council=bloc_world.council)[0]
    ballot = Ballot.objects.create(
        meeting=meeting, award_type=award, mode="paper", seats=1, voters=6
    )
    EligibilityHold.objects.create(
        agency=bloc_world.d,
        reason=EligibilityHold.Reason.INSPECTION,
        starts_on=datetime.date(2026, 1, 1),
    )
    args = [bloc_world.bloc.code, 2026, "annual"]
    client.force_login(bloc_world.secretariat)
    body = client.get(url(bloc_world)).content.decode()
    assert reverse("awards:ballot_open", args=args) in body
    assert reverse("awards:ballot_detail", args=[*args, ballot.pk]) in body
    assert reverse("awards:nominations", args=args[:2]) in body
    assert reverse("awards:appeals", args=args) in body
    assert 'name="award_type"' in body and 'name="mode"' in body
    assert "chưa xét: Đang thanh tra, kiểm tra" in body


def test_a_member_that_joined_after_the_meeting_was_planned_is_listed_and_recorded(council):
    w = world(council, members=4)
    meeting = make_meeting(w)
    grow(w, 1)
    newcomer = w.agencies[-1]
    mark_present(meeting, [newcomer], w.secretariat)
    assert Attendance.objects.get(meeting=meeting, agency=newcomer).present
    assert Attendance.objects.filter(meeting=meeting).count() == 5
