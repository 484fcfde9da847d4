"""A token sees exactly what its user sees: each endpoint lists the objects of its page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from api.tests.conftest import EVERYONE

pytestmark = pytest.mark.django_db

READERS = [p for p in EVERYONE if p not in ("anonymous", "outsider")]


def api_get(client, key, name, *args, **params):
    client.logout()
    response = client.get(
        reverse(f"api:{name}", args=args), params, headers={"Authorization": f"Token {key}"}
    )
    assert response.status_code == 200, (name, response.status_code)
    return response.json()


def page_context(client, user, name, *args):
    client.logout()
    client.force_login(user)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200, (name, response.status_code)
    return response.context


@pytest.mark.parametrize("persona", [*READERS, "outsider"])
def test_the_blocs_are_those_of_the_blocs_page(client, api_world, users, token_for, persona):
    user = users[persona]
    page = page_context(client, user, "blocs:bloc_list")
    found = api_get(client, token_for(user), "bloc_list")
    assert [b["code"] for b in found["results"]] == [bloc.code for bloc, _term in page["rows"]]
    assert found["count"] == len(page["rows"])


@pytest.mark.parametrize("persona", READERS)
def test_the_members_are_those_of_the_year_page(client, api_world, users, token_for, persona):
    user, term = users[persona], api_world.term
    page = page_context(client, user, "blocs:term_detail", term.bloc.code, term.year)
    found = api_get(client, token_for(user), "member_list", term.bloc.code, term.year)
    assert [(m["agency_id"], m["name"], m["role"]) for m in found["results"]] == [
        (m.agency_id, m.name_then, m.role) for m in page["memberships"]
    ]


@pytest.mark.parametrize("persona", READERS)
@pytest.mark.parametrize("kind", ["annual", "semiannual"])
def test_the_ranking_is_the_ranking_pages(client, api_world, users, token_for, persona, kind):
    user, term = users[persona], api_world.term
    page = page_context(client, user, "campaigns:ranking", term.bloc.code, term.year, kind)
    found = api_get(client, token_for(user), "ranking", term.bloc.code, term.year, kind)
    assert found["visible"] is page["visible"]
    if not page["visible"]:
        assert found["rows"] == found["unsubmitted"] == []
        return
    assert [(r["rank"], r["agency_id"], Decimal(r["total"])) for r in found["rows"]] == [
        (ranked.rank, ranked.agency_id, ranked.row.total) for ranked, _before in page["rows"]
    ]
    assert [u["agency_id"] for u in found["unsubmitted"]] == [
        u["agency"].id for u in page["unsubmitted"]
    ]


def test_members_see_the_half_year_ranking_only_once_agreed(client, api_world, users, token_for):
    term = api_world.term
    args = (term.bloc.code, term.year)
    member = api_get(client, token_for(users["member_head"]), "ranking", *args, "semiannual")
    secretariat = api_get(client, token_for(users["secretariat"]), "ranking", *args, "semiannual")
    assert member["visible"] is False and member["rows"] == []
    assert secretariat["visible"] is True and len(secretariat["rows"]) == 6


def test_the_points_are_decimal_strings_as_export_ranking_writes_them(
    client, api_world, users, token_for
):
    term = api_world.term
    found = api_get(
        client, token_for(users["member_officer"]), "ranking", term.bloc.code, term.year, "annual"
    )
    first = found["rows"][0]
    # Every agency has 24 of 25 on each of the four leaves; C has 20 on 1.1.
    assert first["total"] == "96.00" and first["base"] == "96.00"
    assert first["bonus"] == first["penalty"] == "0.00"
    assert found["rows"][-1]["total"] == "92.00"
    assert found["rows"][-1]["agency_id"] == api_world.world.c.pk
    assert first["classification"] == "Xuất sắc"


@pytest.mark.parametrize("persona", READERS)
def test_the_nominations_are_those_of_the_nominations_page(
    client, api_world, users, token_for, persona
):
    user, term = users[persona], api_world.term
    page = page_context(client, user, "awards:nominations", term.bloc.code, term.year)
    found = api_get(client, token_for(user), "awards", term.bloc.code, term.year)
    shown = {
        (e["award"].code, tuple(e["agency_ids"]))
        for e in page["entries"]
        if e["agency_ids"] is not None
    }
    assert {
        (n["award_type"]["code"], tuple(a["agency_id"] for a in n["nominees"]))
        for n in found["nominations"]
    } == shown
    drafts = {n["status"] for n in found["nominations"]} == {"confirmed", "draft"}
    assert drafts is (persona in ("board", "secretariat", "secretariat_officer", "admin"))


def test_the_decision_lists_granted_and_refused_nominees(client, api_world, users, token_for):
    term, w = api_world.term, api_world.world
    found = api_get(client, token_for(users["secretariat"]), "awards", term.bloc.code, term.year)
    decision = found["decision"]
    assert decision["number"] == "125/QĐ-UBND" and decision["signed_on"] == "2027-01-15"
    assert [(a["agency_id"], a["granted"], a["in_force"]) for a in decision["awards"]] == [
        (w.c.pk, True, True),
        (w.d.pk, False, False),
    ]


@pytest.mark.parametrize(
    ("persona", "shown"),
    [("board", True), ("secretariat", True), ("deputy", False), ("member_officer", False)],
)
def test_the_decision_shows_to_who_reads_the_dossier_page(
    client, api_world, users, token_for, persona, shown
):
    term = api_world.term
    found = api_get(client, token_for(users[persona]), "awards", term.bloc.code, term.year)
    assert (found["decision"] is not None) is shown
    client.force_login(users[persona])
    page = client.get(reverse("reports:dossier", args=[term.bloc.code, term.year]))
    assert page.status_code == (200 if shown else 403)


def test_no_decision_shows_before_the_dossier_is_decided(client, api_world, users, token_for):
    term = api_world.term
    term.dossier.state = "accepted"
    term.dossier.save(update_fields=["state"])
    found = api_get(client, token_for(users["board"]), "awards", term.bloc.code, term.year)
    assert found["decision"] is None


@pytest.mark.parametrize("persona", READERS)
def test_the_documents_are_those_of_the_documents_page(
    client, api_world, users, token_for, persona
):
    user, term = users[persona], api_world.term
    page = page_context(client, user, "reports:term_documents", term.bloc.code, term.year)
    found = api_get(client, token_for(user), "document_list", term.bloc.code, term.year)
    assert [d["id"] for d in found["results"]] == [d.pk for d in page["documents"]]


def test_a_document_links_its_download_and_verification(client, api_world, users, token_for):
    document = api_world.member_list
    key = token_for(users["member_officer"])
    found = api_get(client, key, "document_detail", document.pk)
    assert found["download_url"] == "http://testserver" + reverse(
        "reports:document_download", args=[document.pk]
    )
    assert found["verify_url"].endswith(
        reverse("reports:verify", args=[document.verification_code])
    )
    assert found["number_label"] == document.number_label
    assert found["sha256"] == document.sha256
    # The download itself is the site's page, for the signed-in user.
    client.force_login(users["member_officer"])
    response = client.get(found["download_url"])
    assert response.status_code == 200
    response.close()


def test_a_document_not_ready_has_no_download(client, api_world, users, token_for):
    from api.tests.conftest import make_document

    pending = make_document(api_world.term, "member_list", number=2, ready=False)
    found = api_get(client, token_for(users["board"]), "document_detail", pending.pk)
    assert found["download_url"] is None and found["status"] == "pending"
