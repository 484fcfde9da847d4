"""The audit trail of the blocs app: services name their author, pages name the request's user,
and the admin shows the domain logs without a way to change them."""

import datetime

import pytest
from django.urls import reverse

from blocs import services
from blocs.history import change_source, os_account
from blocs.models import (
    AgencyNameChange,
    BlocTerm,
    LeadershipChange,
    Membership,
    RotationSlot,
)
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def _trail(model, **filters):
    """(history type, author) of the historical rows matching ``filters``, oldest first."""
    rows = model.history.filter(**filters).order_by("history_id")
    return [(row.history_type, row.history_user) for row in rows]


def test_add_and_remove_member_name_their_author(bloc_world):
    w = bloc_world
    newcomer = AgencyFactory(council=w.council)
    membership = services.add_member(
        term=w.term, agency=newcomer, joined_on=datetime.date(2026, 3, 1), by=w.secretariat
    )
    services.remove_member(
        membership=membership,
        left_on=datetime.date(2026, 6, 1),
        reason="Giải thể",
        by=w.secretariat_officer,
    )
    assert _trail(Membership, id=membership.pk) == [
        ("+", w.secretariat),
        ("~", w.secretariat_officer),
    ]
    assert membership.history.latest().left_reason == "Giải thể"
    slot = RotationSlot.objects.get(bloc=w.bloc, agency=newcomer)
    assert _trail(RotationSlot, id=slot.pk) == [("+", w.secretariat)]


def test_closing_a_year_names_its_author(bloc_world):
    w = bloc_world
    services.close_term(term=w.term, by=w.board)
    record = w.term.history.latest()
    assert (record.status, record.history_user) == (BlocTerm.Status.CLOSED, w.board)


def test_opening_the_next_year_names_its_author_on_the_year_and_every_membership(bloc_world):
    w = bloc_world
    term = services.open_next_term(bloc=w.bloc, by=w.secretariat)
    assert _trail(BlocTerm, id=term.pk) == [("+", w.secretariat)]
    memberships = Membership.history.filter(term_id=term.pk)
    assert memberships.filter(history_type="+").count() == term.memberships.count() > 0
    assert set(memberships.values_list("history_user", flat=True)) == {w.secretariat.pk}
    # The lead set at opening is a change of two memberships, by the same author.
    assert memberships.filter(history_type="~").count() == 2


def test_a_new_rotation_order_names_its_author_on_the_rows_removed_and_added(bloc_world):
    w = bloc_world
    old = list(RotationSlot.objects.filter(bloc=w.bloc).values_list("pk", flat=True))
    services.set_rotation(bloc=w.bloc, agencies=list(reversed(w.agencies)), by=w.board)
    removed = RotationSlot.history.filter(id__in=old, history_type="-")
    assert removed.count() == len(old)
    added = RotationSlot.history.filter(bloc_id=w.bloc.pk, history_type="+", history_user=w.board)
    assert added.count() == len(w.agencies)
    assert set(removed.values_list("history_user", flat=True)) == {w.board.pk}


def test_a_merger_names_its_author_on_the_agency_and_the_memberships_it_moves(bloc_world):
    w = bloc_world
    target = AgencyFactory(council=w.council)
    services.merge_agencies(
        source=w.d, target=target, merged_on=datetime.date(2026, 3, 1), by=w.board
    )
    record = w.d.history.latest()
    assert (record.active, record.merged_into_id, record.history_user) == (
        False,
        target.pk,
        w.board,
    )
    moved = Membership.history.filter(term_id=w.term.pk, agency_id__in=[w.d.pk, target.pk])
    assert set(moved.values_list("history_user", flat=True)) == {w.board.pk}


def test_an_election_names_who_recorded_it(bloc_world):
    w = bloc_world
    election = services.record_election(
        term=w.term,
        by=w.secretariat,
        held_on=datetime.date(2026, 12, 1),
        leader=w.c,
        deputy=w.d,
        voters=6,
        leader_votes=5,
        deputy_votes=4,
    )
    assert election.history.get().history_user == w.secretariat


def test_an_admin_edit_names_the_request_user_and_the_web(client, admin_user, bloc_world):
    council = bloc_world.council
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:blocs_council_change", args=[council.pk]),
        {
            "name": council.name,
            "short_name": "HĐ mới",
            "province": council.province,
            "document_profile": council.document_profile,
            "_save": "Lưu",
        },
    )
    assert response.status_code == 302
    record = council.history.latest()
    assert (record.short_name, record.history_user) == ("HĐ mới", admin_user)
    assert (record.history_source, record.history_os_user) == ("web", os_account())


@pytest.mark.parametrize(
    ("argv", "source"),
    [
        (["manage.py", "shell"], "shell"),
        (["/srv/app/manage.py", "--settings=x", "seed_demo", "--scale", "2"], "seed_demo"),
        (["/usr/lib/python3/site-packages/django/__main__.py", "import_members"], "import_members"),
        (["/srv/app/.venv/bin/celery", "-A", "khoithidua", "worker"], "celery"),
        (["manage.py"], "manage.py"),
        ([], "python"),
    ],
)
def test_the_source_of_a_change_outside_a_request_is_the_command_or_the_program(argv, source):
    assert change_source(argv) == source


@pytest.mark.parametrize("model", [AgencyNameChange, LeadershipChange])
def test_the_admin_shows_the_logs_of_the_blocs_but_never_edits_them(
    client, admin_user, bloc_world, model
):
    w = bloc_world
    services.rename_agency(
        agency=w.d, name="Cơ quan D mới", abbreviation="CQDM", changed_on=datetime.date(2026, 2, 1)
    )
    services.set_leadership(term=w.term, leader=w.c, deputy=w.b, by=w.board)
    obj = model.objects.order_by("pk").first()
    opts = model._meta
    client.force_login(admin_user)
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(change, {"reason": "Sửa lại"}).status_code == 403
    delete = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()
    # Nor through the agency page, where the renames are listed.
    agency = client.get(reverse("admin:blocs_agency_change", args=[w.d.pk])).content.decode()
    assert 'name="name_changes-0-old_name"' not in agency
