import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from blocs import services
from blocs.models import BlocTerm, LeadershipChange, LeadershipElection, Membership, RotationSlot

pytestmark = pytest.mark.django_db


def _url(name, world, year=2026):
    return reverse(name, args=[world.bloc.code, year])


def _term(world, year):
    return BlocTerm.objects.prefetch_related("memberships__agency").get(bloc=world.bloc, year=year)


def test_rotation_proposes_this_years_deputy_as_leader_and_the_next_in_rotation_as_deputy(
    bloc_world,
):
    leader, deputy, source = services.proposal_for_next_year(term=bloc_world.term)
    assert (leader, deputy, source) == (bloc_world.c, bloc_world.d, "rotation")


def test_open_next_year_page_shows_the_rotation_proposal(client, bloc_world):
    client.force_login(bloc_world.secretariat)
    response = client.get(_url("blocs:term_open_next", bloc_world))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Theo thứ tự luân phiên" in html
    assert response.context["form"].initial == {"leader": bloc_world.c, "deputy": bloc_world.d}


def test_election_overrides_the_rotation_when_the_next_year_opens(client, bloc_world):
    world = bloc_world
    services.record_election(
        term=world.term,
        by=world.secretariat,
        held_on=datetime.date(2026, 12, 18),
        leader=world.agencies[4],
        deputy=world.agencies[5],
        voters=6,
        leader_votes=6,
        deputy_votes=5,
    )
    assert services.proposal_for_next_year(term=_term(world, 2026)) == (
        world.agencies[4],
        world.agencies[5],
        "election",
    )
    client.force_login(world.secretariat)
    assert "Theo kết quả bầu" in client.get(_url("blocs:term_open_next", world)).content.decode()
    new_term = services.open_next_term(bloc=world.bloc, by=world.secretariat)
    new_term = _term(world, new_term.year)
    assert (new_term.leader, new_term.deputy) == (world.agencies[4], world.agencies[5])
    assert new_term.status == BlocTerm.Status.PLANNING
    assert new_term.memberships.count() == 6


def test_open_next_year_lets_the_secretariat_change_the_proposal(client, bloc_world):
    world = bloc_world
    client.force_login(world.secretariat)
    response = client.post(
        _url("blocs:term_open_next", world),
        {"leader": world.agencies[5].pk, "deputy": world.a.pk},
    )
    assert response.status_code == 302
    assert response["Location"] == _url("blocs:term_detail", world, 2027)
    term = _term(world, 2027)
    assert (term.leader, term.deputy) == (world.agencies[5], world.a)
    assert term.opened_by == world.secretariat


def test_open_next_year_refuses_the_same_leader_and_deputy_and_keeps_the_choice(client, bloc_world):
    world = bloc_world
    client.force_login(world.secretariat)
    response = client.post(
        _url("blocs:term_open_next", world), {"leader": world.d.pk, "deputy": world.d.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["deputy"] == [
        "Khối phó phải là đơn vị khác khối trưởng."
    ]
    assert f'<option value="{world.d.pk}" selected>' in response.content.decode()
    assert not BlocTerm.objects.filter(bloc=world.bloc, year=2027).exists()


def test_rights_move_with_the_lead_when_the_next_year_opens(client, bloc_world):
    world = bloc_world
    client.force_login(world.secretariat)
    client.post(_url("blocs:term_open_next", world), {"leader": world.c.pk, "deputy": world.d.pk})
    manage_2027 = _url("blocs:member_manage", world, 2027)
    # The old secretariat (B) keeps managing 2026 but not 2027.
    assert client.get(manage_2027).status_code == 403
    assert client.get(_url("blocs:member_manage", world)).status_code == 200
    # B may no longer open 2028 from 2026: 2026 is not the latest year any more.
    assert client.get(_url("blocs:term_open_next", world)).status_code == 403
    client.force_login(world.deputy)
    assert client.get(manage_2027).status_code == 200
    assert client.get(_url("blocs:term_open_next", world, 2027)).status_code == 200


def test_rights_move_when_the_board_changes_the_leader(client, bloc_world):
    world = bloc_world
    client.force_login(world.board)
    response = client.post(
        _url("blocs:leadership_edit", world),
        {"leader": world.d.pk, "deputy": world.b.pk, "reason": "Thông báo 15/TB-BTĐKT"},
    )
    assert response.status_code == 302
    term = _term(world, 2026)
    assert (term.leader, term.deputy) == (world.d, world.b)
    change = LeadershipChange.objects.filter(term=term).latest("id")
    assert (change.old_leader, change.old_deputy) == (world.b, world.c)
    assert (change.new_leader, change.new_deputy) == (world.d, world.b)
    assert (change.changed_by, change.reason) == (world.board, "Thông báo 15/TB-BTĐKT")
    page = client.get(_url("blocs:term_detail", world)).content.decode()
    assert "Thông báo 15/TB-BTĐKT" in page
    client.force_login(world.secretariat)
    assert client.get(_url("blocs:member_manage", world)).status_code == 403
    client.force_login(world.member_head)
    assert client.get(_url("blocs:member_manage", world)).status_code == 200


def test_leadership_form_refuses_the_same_agency_twice(client, bloc_world):
    client.force_login(bloc_world.secretariat)
    response = client.post(
        _url("blocs:leadership_edit", bloc_world),
        {"leader": bloc_world.d.pk, "deputy": bloc_world.d.pk},
    )
    assert response.status_code == 200
    assert "Khối phó phải là đơn vị khác khối trưởng." in response.content.decode()
    assert _term(bloc_world, 2026).leader == bloc_world.b


def test_leadership_form_refuses_an_agency_that_left(client, bloc_world):
    world = bloc_world
    membership = Membership.objects.get(term=world.term, agency=world.agencies[5])
    services.remove_member(membership=membership, left_on=datetime.date(2026, 6, 1), reason="x")
    client.force_login(world.secretariat)
    response = client.post(
        _url("blocs:leadership_edit", world), {"leader": world.agencies[5].pk, "deputy": world.c.pk}
    )
    assert response.status_code == 200
    assert "Đơn vị đã chọn không hợp lệ" in response.content.decode()


def test_database_refuses_one_agency_as_both_leader_and_deputy(bloc_world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            term=bloc_world.term,
            agency=bloc_world.b,
            role=Membership.Role.DEPUTY,
            joined_on=datetime.date(2026, 1, 1),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        LeadershipElection.objects.create(
            term=bloc_world.term,
            held_on=datetime.date(2026, 12, 1),
            leader=bloc_world.c,
            deputy=bloc_world.c,
            voters=6,
            leader_votes=3,
            deputy_votes=3,
            recorded_by=bloc_world.secretariat,
        )
    with pytest.raises(ValidationError):
        services.set_leadership(term=bloc_world.term, leader=bloc_world.c, deputy=bloc_world.c)


def test_database_refuses_a_second_leader_and_a_leader_who_left(bloc_world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(term=bloc_world.term, agency=bloc_world.d).update(
            role=Membership.Role.LEADER
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(term=bloc_world.term, agency=bloc_world.b).update(
            left_on=datetime.date(2026, 5, 1)
        )


def test_a_non_member_cannot_lead(bloc_world):
    from tests.factories import AgencyFactory

    stranger = AgencyFactory(council=bloc_world.council)
    with pytest.raises(ValidationError, match="chưa là thành viên"):
        services.set_leadership(term=bloc_world.term, leader=stranger, deputy=bloc_world.c)
    with pytest.raises(ValidationError, match="không phải là thành viên"):
        services.record_election(
            term=bloc_world.term,
            by=bloc_world.secretariat,
            held_on=datetime.date(2026, 12, 1),
            leader=stranger,
            deputy=bloc_world.c,
            voters=6,
            leader_votes=4,
            deputy_votes=4,
        )


def test_secretariat_records_the_election_with_its_minutes(client, bloc_world):
    world = bloc_world
    client.force_login(world.secretariat)
    response = client.post(
        _url("blocs:election_record", world),
        {
            "held_on": "18/12/2026",
            "leader": world.d.pk,
            "deputy": world.agencies[4].pk,
            "voters": "6",
            "leader_votes": "5",
            "deputy_votes": "4",
            "minutes": SimpleUploadedFile("bien-ban-bau.pdf", b"%PDF-1.4 test"),
        },
    )
    assert response.status_code == 302
    election = LeadershipElection.objects.get(term=world.term)
    assert election.held_on == datetime.date(2026, 12, 18)
    assert (election.leader, election.deputy, election.leader_votes) == (
        world.d,
        world.agencies[4],
        5,
    )
    assert election.recorded_by == world.secretariat
    assert election.minutes.name.endswith(".pdf")
    download = client.get(_url("blocs:election_minutes", world))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"
    download.close()


def test_election_form_keeps_what_was_typed_and_names_the_wrong_field(client, bloc_world):
    world = bloc_world
    client.force_login(world.secretariat)
    response = client.post(
        _url("blocs:election_record", world),
        {
            "held_on": "31/02/2026",
            "leader": world.d.pk,
            "deputy": world.agencies[4].pk,
            "voters": "6",
            "leader_votes": "7",
            "deputy_votes": "4",
        },
    )
    form = response.context["form"]
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ngày không hợp lệ" in form.errors["held_on"][0]
    assert form.errors["leader_votes"] == [
        "Số phiếu không thể lớn hơn số đơn vị tham gia bỏ phiếu."
    ]
    assert 'value="31/02/2026"' in html and 'value="7"' in html
    assert not LeadershipElection.objects.filter(term=world.term).exists()


def test_election_recorded_after_the_next_year_opened_updates_its_lead(bloc_world):
    world = bloc_world
    services.open_next_term(bloc=world.bloc, by=world.secretariat)
    services.record_election(
        term=world.term,
        by=world.secretariat,
        held_on=datetime.date(2026, 12, 20),
        leader=world.a,
        deputy=world.d,
        voters=6,
        leader_votes=4,
        deputy_votes=4,
    )
    term = _term(world, 2027)
    assert (term.leader, term.deputy) == (world.a, world.d)


def test_secretariat_reorders_the_rotation(client, bloc_world):
    world = bloc_world
    client.force_login(world.secretariat)
    order = list(reversed(world.agencies))
    data = {f"pos_{a.pk}": str(i) for i, a in enumerate(order, start=1)}
    response = client.post(_url("blocs:rotation_edit", world), data)
    assert response.status_code == 302
    saved = list(
        RotationSlot.objects.filter(bloc=world.bloc)
        .order_by("position")
        .values_list("agency_id", flat=True)
    )
    assert saved == [a.pk for a in order]
    assert services.proposal_for_next_year(term=_term(world, 2026))[:2] == (world.c, world.b)


def test_rotation_form_names_the_agency_with_a_repeated_position(client, bloc_world):
    world = bloc_world
    client.force_login(world.secretariat)
    data = {f"pos_{a.pk}": str(i) for i, a in enumerate(world.agencies, start=1)}
    data[f"pos_{world.d.pk}"] = "1"
    response = client.post(_url("blocs:rotation_edit", world), data)
    assert response.status_code == 200
    assert response.context["form"].errors[f"pos_{world.d.pk}"] == [
        f"Thứ tự 1 đã dùng cho {world.a.name}."
    ]
    assert RotationSlot.objects.get(bloc=world.bloc, agency=world.d).position == 4


def test_secretariat_closes_the_year_and_it_becomes_read_only(client, bloc_world):
    client.force_login(bloc_world.secretariat)
    response = client.post(_url("blocs:term_close", bloc_world))
    assert response.status_code == 302
    bloc_world.term.refresh_from_db()
    assert bloc_world.term.status == BlocTerm.Status.CLOSED
    assert client.get(_url("blocs:member_manage", bloc_world)).status_code == 403
    # The secretariat of the latest year may still open the next one.
    assert client.get(_url("blocs:term_open_next", bloc_world)).status_code == 200


def test_secretariat_activates_a_planned_year(client, bloc_world):
    term = services.open_next_term(bloc=bloc_world.bloc, by=bloc_world.secretariat)
    client.force_login(bloc_world.deputy)
    response = client.post(_url("blocs:term_activate", bloc_world, term.year), follow=True)
    term.refresh_from_db()
    assert term.status == BlocTerm.Status.ACTIVE
    assert "Đã bắt đầu năm thi đua 2027." in response.content.decode()


def test_activating_an_active_year_says_why_it_cannot(client, bloc_world):
    client.force_login(bloc_world.secretariat)
    response = client.post(_url("blocs:term_activate", bloc_world), follow=True)
    assert "Chỉ năm thi đua đang chuẩn bị mới có thể bắt đầu." in response.content.decode()


def test_changing_the_lead_requires_a_reason_and_keeps_the_choice(client, bloc_world):
    logged = LeadershipChange.objects.count()
    client.force_login(bloc_world.board)
    response = client.post(
        _url("blocs:leadership_edit", bloc_world),
        {"leader": bloc_world.d.pk, "deputy": bloc_world.c.pk, "reason": "  "},
    )
    assert response.context["form"].errors["reason"] == [
        "Hãy ghi lý do thay đổi khối trưởng, khối phó."
    ]
    assert f'<option value="{bloc_world.d.pk}" selected>' in response.content.decode()
    assert LeadershipChange.objects.count() == logged


def test_opening_the_next_year_logs_where_its_lead_came_from(bloc_world):
    services.record_election(
        term=bloc_world.term,
        by=bloc_world.secretariat,
        held_on=datetime.date(2026, 12, 18),
        leader=bloc_world.d,
        deputy=bloc_world.a,
        voters=6,
        leader_votes=4,
        deputy_votes=4,
    )
    term = services.open_next_term(bloc=bloc_world.bloc, by=bloc_world.secretariat)
    change = LeadershipChange.objects.get(term=term)
    assert change.source == LeadershipChange.Source.OPENING
    assert (change.old_leader, change.new_leader, change.new_deputy) == (
        None,
        bloc_world.d,
        bloc_world.a,
    )
    assert change.reason == "Theo kết quả bầu tại hội nghị tổng kết năm 2026"
    assert change.changed_by == bloc_world.secretariat


def test_a_merger_of_the_leader_is_logged(bloc_world):
    from tests.factories import AgencyFactory

    target = AgencyFactory(council=bloc_world.council, name="Ban Hợp nhất")
    services.merge_agencies(
        source=bloc_world.b, target=target, merged_on=datetime.date(2026, 3, 1), by=None
    )
    change = LeadershipChange.objects.get(
        term=bloc_world.term, source=LeadershipChange.Source.MERGER
    )
    assert (change.old_leader, change.new_leader) == (bloc_world.b, target)
    assert "hợp nhất vào Ban Hợp nhất" in change.reason
