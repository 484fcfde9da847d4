"""Every blocs view × every persona of ``personas`` (DESIGN.md "Quality bars: Access")."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from blocs import services
from blocs.models import BlocTerm, Membership
from tests.factories import PERSONAS
from tests.urlnames import url_names_of

pytestmark = pytest.mark.django_db

SECRETARIAT = {"secretariat", "secretariat_officer"}

# (url name, which URL arguments, method, rule, status when allowed)
VIEWS = [
    ("dashboard", None, "get", "login", 200),
    ("blocs:bloc_list", None, "get", "login", 200),
    ("blocs:bloc_detail", "bloc", "get", "read", 302),
    ("blocs:term_detail", "term", "get", "read", 200),
    ("blocs:member_import_template", "term", "get", "read", 200),
    ("blocs:election_minutes", "term", "get", "read", 200),
    ("blocs:member_manage", "term", "get", "manage", 200),
    ("blocs:member_manage", "term", "post", "manage", 200),
    ("blocs:member_agency_search", "term", "get", "manage", 200),
    ("blocs:member_remove", "membership", "get", "manage", 200),
    ("blocs:member_remove", "membership", "post", "manage", 200),
    ("blocs:election_record", "term", "get", "manage", 200),
    ("blocs:election_record", "term", "post", "manage", 200),
    ("blocs:rotation_edit", "term", "get", "manage", 200),
    ("blocs:rotation_edit", "term", "post", "manage", 200),
    ("blocs:term_open_next", "term", "get", "manage", 200),
    ("blocs:term_open_next", "term", "post", "manage", 200),
    ("blocs:term_close", "term", "post", "manage", 302),
    ("blocs:term_activate", "term", "post", "manage", 302),
    ("blocs:leadership_edit", "term", "get", "oversee", 200),
    ("blocs:leadership_edit", "term", "post", "oversee", 200),
    ("blocs:member_import", "term", "get", "oversee", 200),
    ("blocs:member_import", "term", "post", "oversee", 200),
    # Setting a bloc up: the board creates it; a bloc that has a year sends to that year.
    ("blocs:bloc_create", None, "get", "board", 200),
    ("blocs:bloc_create", None, "post", "board", 400),
    ("blocs:bloc_first_year", "bloc", "get", "setup", 302),
    ("blocs:bloc_first_year", "bloc", "post", "setup", 302),
]

# A method each view refuses, for the 405 checks.
WRONG_METHOD = {
    "dashboard": ("post", None),
    "blocs:bloc_list": ("post", None),
    "blocs:bloc_detail": ("post", "bloc"),
    "blocs:term_detail": ("post", "term"),
    "blocs:member_import_template": ("post", "term"),
    "blocs:election_minutes": ("post", "term"),
    "blocs:member_manage": ("put", "term"),
    "blocs:member_agency_search": ("post", "term"),
    "blocs:member_remove": ("delete", "membership"),
    "blocs:election_record": ("put", "term"),
    "blocs:rotation_edit": ("put", "term"),
    "blocs:term_open_next": ("put", "term"),
    "blocs:term_close": ("get", "term"),
    "blocs:term_activate": ("get", "term"),
    "blocs:leadership_edit": ("put", "term"),
    "blocs:member_import": ("put", "term"),
    "blocs:bloc_create": ("put", None),
    "blocs:bloc_first_year": ("put", "bloc"),
}


def expected_status(rule, persona, allowed):
    if persona == "anonymous":
        return 302
    if rule == "login":
        return allowed
    if persona == "outsider":
        return 404
    if rule == "board":
        return allowed if persona == "board" else 404
    if rule == "read":
        return allowed
    if rule == "manage":
        return allowed if persona in SECRETARIAT else 403
    if rule == "oversee":
        return allowed if persona in SECRETARIAT | {"board"} else 403
    if rule == "setup":
        return allowed if persona == "board" else 403
    raise AssertionError(rule)


def url_for(name, args, world, term=None):
    term = term or world.term
    if args is None:
        return reverse(name)
    if args == "bloc":
        return reverse(name, args=[world.bloc.code])
    if args == "term":
        return reverse(name, args=[world.bloc.code, term.year])
    membership = Membership.objects.get(term=term, agency=world.agencies[4])
    return reverse(name, args=[world.bloc.code, term.year, membership.pk])


@pytest.fixture
def world(bloc_world):
    """The persona world with election minutes uploaded, so that every view has something."""
    services.record_election(
        term=bloc_world.term,
        by=bloc_world.secretariat,
        held_on=datetime.date(2026, 12, 20),
        leader=bloc_world.c,
        deputy=bloc_world.d,
        voters=6,
        leader_votes=5,
        deputy_votes=4,
        minutes=SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 bien ban"),
    )
    return bloc_world


def _matrix():
    for name, args, method, rule, allowed in VIEWS:
        for persona in PERSONAS:
            yield pytest.param(
                name,
                args,
                method,
                persona,
                expected_status(rule, persona, allowed),
                id=f"{name.split(':')[-1]}-{method}-{persona}",
            )


@pytest.mark.parametrize("name,args,method,persona,status", list(_matrix()))
def test_permission_matrix(client, world, name, args, method, persona, status):
    user = world.personas[persona]
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(url_for(name, args, world))
    response.close()
    assert response.status_code == status
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", sorted(WRONG_METHOD))
def test_wrong_method_is_refused(client, world, name):
    method, args = WRONG_METHOD[name]
    client.force_login(world.secretariat)
    response = getattr(client, method)(url_for(name, args, world))
    assert response.status_code == 405


def test_matrix_covers_every_blocs_view():
    from blocs import urls

    # A person's own inbox has its matrix in tests/test_notifications.py.
    names = {f"blocs:{p.name}" for p in urls.urlpatterns} - url_names_of("blocs.views.inbox")
    assert names == {name for name, *_ in VIEWS if name.startswith("blocs:")}
    assert names | {"dashboard"} == set(WRONG_METHOD)


LAST_YEAR = [
    ("blocs:term_detail", "term", "get", 200),
    ("blocs:member_manage", "term", "get", 403),
    ("blocs:member_manage", "term", "post", 403),
    ("blocs:member_agency_search", "term", "get", 403),
    ("blocs:election_record", "term", "get", 403),
    ("blocs:leadership_edit", "term", "get", 403),
    ("blocs:member_import", "term", "get", 403),
    ("blocs:term_open_next", "term", "get", 403),
    ("blocs:term_close", "term", "post", 403),
]


@pytest.mark.parametrize("name,args,method,status", LAST_YEAR)
@pytest.mark.parametrize("persona", ["last_year_leader", "secretariat", "board"])
def test_last_years_closed_term_is_read_only_even_for_its_leader(
    client, world, name, args, method, status, persona
):
    assert world.previous_term.status == BlocTerm.Status.CLOSED
    client.force_login(world.personas[persona])
    response = getattr(client, method)(url_for(name, args, world, term=world.previous_term))
    assert response.status_code == status


def test_last_years_leader_has_no_secretariat_rights_this_year(client, world):
    client.force_login(world.last_year_leader)
    page = client.get(reverse("blocs:term_detail", args=[world.bloc.code, 2026]))
    assert page.status_code == 200
    manage = reverse("blocs:member_manage", args=[world.bloc.code, 2026])
    assert f'href="{manage}"' not in page.content.decode()
    response = client.get(reverse("blocs:member_manage", args=[world.bloc.code, 2026]))
    assert response.status_code == 403


def test_superuser_manages_open_terms_but_not_closed_ones(client, world, django_user_model):
    admin = django_user_model.objects.create_superuser("quantri", "qt@example.vn", "x")
    client.force_login(admin)
    assert client.get(url_for("blocs:member_manage", "term", world)).status_code == 200
    assert client.get(url_for("blocs:term_open_next", "term", world)).status_code == 200
    old = world.previous_term
    assert client.get(url_for("blocs:member_manage", "term", world, term=old)).status_code == 403
    assert client.get(url_for("blocs:term_open_next", "term", world, term=old)).status_code == 403


def test_action_buttons_show_only_to_those_who_may_use_them(client, world):
    code = world.bloc.code
    manage = f'href="{reverse("blocs:member_manage", args=[code, 2026])}"'
    leadership = f'href="{reverse("blocs:leadership_edit", args=[code, 2026])}"'
    term_url = reverse("blocs:term_detail", args=[world.bloc.code, 2026])
    client.force_login(world.secretariat)
    html = client.get(term_url).content.decode()
    assert manage in html and leadership in html
    client.force_login(world.board)
    html = client.get(term_url).content.decode()
    assert manage not in html and leadership in html
    client.force_login(world.member_head)
    html = client.get(term_url).content.decode()
    assert manage not in html and leadership not in html
