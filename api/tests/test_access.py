"""Every endpoint × every persona answers as the page that shows the same thing.

The API is asked with the persona's token, the page with its session. A page that sends an
anonymous visitor to the login page is a 401 in the API; a page that only redirects a reader on
(a bloc to its latest year) is the API's 200; any other status is the same in both.
"""

import pytest
from django.conf import settings
from django.urls import reverse

from api.tests.conftest import EVERYONE

pytestmark = pytest.mark.django_db


def endpoints(api_world):
    """(label, API url name, its args, page url name, its args)."""
    term = api_world.term
    code, year = term.bloc.code, term.year
    last = api_world.world.previous_term.year
    at = [code, year]
    return [
        ("blocs", "bloc_list", [], "blocs:bloc_list", []),
        ("bloc", "bloc_detail", [code], "blocs:bloc_detail", [code]),
        ("terms", "term_list", [code], "blocs:bloc_detail", [code]),
        ("term", "term_detail", at, "blocs:term_detail", at),
        ("closed term", "term_detail", [code, last], "blocs:term_detail", [code, last]),
        ("missing term", "term_detail", [code, 2031], "blocs:term_detail", [code, 2031]),
        ("members", "member_list", at, "blocs:term_detail", at),
        ("annual", "ranking", [*at, "annual"], "campaigns:ranking", [*at, "annual"]),
        ("semiannual", "ranking", [*at, "semiannual"], "campaigns:ranking", [*at, "semiannual"]),
        (
            "no period",
            "ranking",
            [code, last, "annual"],
            "campaigns:ranking",
            [code, last, "annual"],
        ),
        ("awards", "awards", at, "awards:nominations", at),
        ("documents", "document_list", at, "reports:term_documents", at),
        (
            "issued document",
            "document_detail",
            [api_world.member_list.pk],
            "reports:document_detail",
            [api_world.member_list.pk],
        ),
        (
            "draft score table",
            "document_detail",
            [api_world.draft_table.pk],
            "reports:document_detail",
            [api_world.draft_table.pk],
        ),
        (
            "issued document file",
            "document_file",
            [api_world.member_list.pk],
            "reports:document_download",
            [api_world.member_list.pk],
        ),
        (
            "draft score table file",
            "document_file",
            [api_world.draft_table.pk],
            "reports:document_download",
            [api_world.draft_table.pk],
        ),
    ]


def page_status(client, user, url) -> int:
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    if response.streaming:
        # Read to the end, which closes the file; closing by hand would also close the test's
        # database connection, as the end of a request does.
        b"".join(response.streaming_content)
    return response.status_code, response.headers.get("Location", "")


def api_status(client, key, url) -> int:
    client.logout()
    headers = {"Authorization": f"Token {key}"} if key else {}
    response = client.get(url, headers=headers)
    if response.streaming:
        # Read to the end, which closes the file; closing by hand would also close the test's
        # database connection, as the end of a request does.
        b"".join(response.streaming_content)
    return response.status_code


def expected_from_page(status, location) -> int:
    if status == 302:
        return 401 if location.startswith(reverse(settings.LOGIN_URL)) else 200
    return status


@pytest.mark.parametrize("persona", EVERYONE)
def test_the_api_answers_every_persona_as_the_page_does(
    client, api_world, users, token_for, persona
):
    user = users[persona]
    key = token_for(user) if user is not None else None
    found = {}
    for label, name, args, page, page_args in endpoints(api_world):
        status, location = page_status(client, user, reverse(page, args=page_args))
        expected = expected_from_page(status, location)
        found[label] = (expected, api_status(client, key, reverse(f"api:{name}", args=args)))
    assert {k: v for k, v in found.items() if v[0] != v[1]} == {}, persona
    answers = {label: api for label, (_page, api) in found.items()}
    # The matrix itself, so that a page and the API cannot drift the same wrong way.
    if persona == "anonymous":
        assert set(answers.values()) == {401}
    elif persona == "outsider":
        assert answers["blocs"] == 200
        assert {v for k, v in answers.items() if k != "blocs"} == {404}
    else:
        assert answers["term"] == answers["members"] == answers["annual"] == 200
        assert answers["missing term"] == answers["no period"] == 404
        assert answers["issued document"] == 200
        draft = 200 if persona in ("board", "secretariat", "secretariat_officer", "admin") else 404
        if persona == "deputy":
            # The deputy sees every scorecard, so its draft score table too.
            draft = 200
        assert answers["draft score table"] == answers["draft score table file"] == draft
        assert answers["issued document file"] == 200


def test_the_schema_and_its_page_are_open_to_everyone(client):
    assert client.get(reverse("api:schema")).status_code == 200
    assert client.get(reverse("api:docs")).status_code == 200
    assert client.get(reverse("api:index")).status_code == 200


def test_the_api_only_reads(client, api_world, users, token_for):
    headers = {"Authorization": f"Token {token_for(users['secretariat'])}"}
    url = reverse("api:term_detail", args=[api_world.term.bloc.code, api_world.term.year])
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(
            url, {}, content_type="application/json", headers=headers
        )
        assert response.status_code == 405, method


@pytest.mark.parametrize("year", [1999, 2101, 10**30])
def test_a_year_out_of_range_is_not_found(client, api_world, users, token_for, year):
    headers = {"Authorization": f"Token {token_for(users['admin'])}"}
    code = api_world.term.bloc.code
    for name, args in (
        ("term_detail", [code, year]),
        ("member_list", [code, year]),
        ("ranking", [code, year, "annual"]),
        ("awards", [code, year]),
        ("document_list", [code, year]),
    ):
        assert client.get(reverse(f"api:{name}", args=args), headers=headers).status_code == 404


def test_a_document_id_out_of_range_is_not_found(client, users, token_for):
    headers = {"Authorization": f"Token {token_for(users['admin'])}"}
    url = reverse("api:document_detail", args=[10**30])
    assert client.get(url, headers=headers).status_code == 404
