"""Every review page × every persona, the happy paths, and constant query counts."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blocs.models import AgencyRole
from campaigns.models import CrossCheck, Period, Scorecard, ScoreLine, ScoreLineChange
from campaigns.services import agreement
from campaigns.services import review as review_services
from campaigns.tests import review_helpers as h
from tests import factories
from tests.factories import PERSONAS
from tests.urlnames import url_names_of

pytestmark = pytest.mark.django_db

D = Decimal
OFFICERS = {"board", "secretariat", "secretariat_officer", "deputy"}
MEMBERS = {"member_head", "member_officer", "last_year_leader"}


@pytest.fixture
def world(bloc_world):
    """The 2026 annual period under review: E's card reviewed by D, F's card still a draft."""
    w = bloc_world
    w.e, w.f = w.agencies[4], w.agencies[5]
    table = h.make_table(w.term)
    w.period = h.make_period(w.term)
    w.cards = h.make_cards(w.period, table, w.agencies[:5])
    w.cards.update(h.make_cards(w.period, table, [w.f], status=Scorecard.Status.DRAFT))
    review_services.assign_cross_checks(
        period=w.period, pairs=review_services.proposed_rotation(w.period), by=w.secretariat
    )
    assert CrossCheck.objects.get(period=w.period, reviewed=w.e).reviewer == w.d
    return w


def url(w, name, **kwargs):
    base = {"bloc_code": w.bloc.code, "year": w.term.year}
    if name not in ("ranking_index",):
        base["kind"] = "annual"
    return reverse(f"campaigns:{name}", kwargs={**base, **kwargs})


def client_for(client, user):
    if user is not None:
        client.force_login(user)
    return client


def expect(response, code):
    if code == "login":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == code, response.content[:500]


def read_expectation(persona, allowed):
    if persona == "anonymous":
        return "login"
    if persona == "outsider":
        return 404
    return 200 if persona in allowed else None


ALL = sorted(OFFICERS | MEMBERS | {"outsider", "anonymous"})


@pytest.mark.parametrize("persona", ALL)
def test_ranking_page_is_readable_and_members_wait_for_agreement(client, world, persona):
    response = client_for(client, world.personas[persona]).get(url(world, "ranking"))
    expect(response, read_expectation(persona, OFFICERS | MEMBERS))
    if response.status_code == 200:
        published = "Bảng xếp hạng được công bố cho các đơn vị" not in response.content.decode()
        assert published == (persona in OFFICERS)


@pytest.mark.parametrize("persona", ALL)
def test_ranking_index_redirects_readers(client, world, persona):
    response = client_for(client, world.personas[persona]).get(url(world, "ranking_index"))
    if persona == "anonymous":
        expect(response, "login")
    elif persona == "outsider":
        expect(response, 404)
    else:
        assert response.status_code == 302 and response["Location"] == url(world, "ranking")


@pytest.mark.parametrize("persona", ALL)
def test_export_only_once_published_to_members(client, world, persona):
    response = client_for(client, world.personas[persona]).get(
        url(world, "ranking_export", fmt="json")
    )
    expected = read_expectation(persona, OFFICERS) or 403
    expect(response, expected)
    if expected == 200:
        document = json.loads(response.content)
        assert document["period"] == "annual" and len(document["rows"]) == 5


@pytest.mark.parametrize("persona", ALL)
def test_explain_page_for_own_agency_or_officers(client, world, persona):
    response = client_for(client, world.personas[persona]).get(
        url(world, "ranking_explain", agency_id=world.d.pk)
    )
    expected = read_expectation(persona, OFFICERS | {"member_head", "member_officer"}) or 404
    expect(response, expected)


@pytest.mark.parametrize("persona", ALL)
def test_grid_is_for_secretariat_deputy_and_board(client, world, persona):
    response = client_for(client, world.personas[persona]).get(url(world, "review_grid"))
    expect(response, read_expectation(persona, OFFICERS) or 403)


@pytest.mark.parametrize("persona", ALL)
def test_review_home_is_readable(client, world, persona):
    response = client_for(client, world.personas[persona]).get(url(world, "review_home"))
    expect(response, read_expectation(persona, OFFICERS | MEMBERS))


@pytest.mark.parametrize("persona", ALL)
def test_assigned_reviewer_sees_the_scorecard_others_do_not(client, world, persona):
    response = client_for(client, world.personas[persona]).get(
        url(world, "review_scorecard", agency_id=world.e.pk)
    )
    expected = read_expectation(persona, OFFICERS | {"member_head", "member_officer"}) or 404
    expect(response, expected)


@pytest.mark.parametrize("persona", ["member_head", "member_officer", "last_year_leader"])
def test_member_cannot_see_another_members_draft_or_unassigned_card(client, world, persona):
    c = client_for(client, world.personas[persona])
    expect(c.get(url(world, "review_scorecard", agency_id=world.f.pk)), 404)


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("ranking", {}),
        ("review_grid", {}),
        ("review_home", {}),
        ("ranking_export", {"fmt": "csv"}),
    ],
)
def test_read_pages_refuse_post(client, world, name, kwargs):
    client.force_login(world.secretariat)
    expect(client.post(url(world, name, **kwargs)), 405)


@pytest.mark.parametrize(
    "name", ["crosscheck_assign", "crosscheck_auto", "period_agree", "period_reopen"]
)
def test_writes_refuse_get(client, world, name):
    client.force_login(world.secretariat)
    expect(client.get(url(world, name)), 405)


def write_expectation(persona, allowed):
    if persona == "anonymous":
        return "login"
    if persona == "outsider":
        return 404
    return 302 if persona in allowed else 403


@pytest.mark.parametrize("persona", ALL)
def test_only_secretariat_assigns_cross_checks(client, world, persona):
    w = world
    data = {f"reviewer_{a.pk}": "" for a in w.agencies}
    data[f"reviewer_{w.d.pk}"] = str(w.a.pk)
    response = client_for(client, w.personas[persona]).post(url(w, "crosscheck_assign"), data)
    expected = write_expectation(persona, {"secretariat", "secretariat_officer"})
    expect(response, expected)
    count = CrossCheck.objects.filter(period=w.period).count()
    assert count == (1 if expected == 302 else 6)


def test_reciprocal_assignment_is_refused_with_a_message(client, world):
    w = world
    client.force_login(w.secretariat)
    data = {f"reviewer_{a.pk}": "" for a in w.agencies}
    data[f"reviewer_{w.d.pk}"] = str(w.e.pk)
    data[f"reviewer_{w.e.pk}"] = str(w.d.pk)
    response = client.post(url(w, "crosscheck_assign"), data, follow=True)
    assert "không được chấm chéo lẫn nhau" in response.content.decode()
    assert CrossCheck.objects.filter(period=w.period).count() == 6


@pytest.mark.parametrize("persona", ALL)
def test_only_secretariat_runs_the_automatic_assignment(client, world, persona):
    CrossCheck.objects.filter(period=world.period).delete()
    response = client_for(client, world.personas[persona]).post(url(world, "crosscheck_auto"))
    expected = write_expectation(persona, {"secretariat", "secretariat_officer"})
    expect(response, expected)
    assert CrossCheck.objects.filter(period=world.period).exists() == (expected == 302)


@pytest.mark.parametrize("persona", ALL)
def test_only_secretariat_agrees_the_period(client, world, persona):
    response = client_for(client, world.personas[persona]).post(
        url(world, "period_agree"), {"step": "confirm", "confirm": "1"}
    )
    expected = write_expectation(persona, {"secretariat", "secretariat_officer"})
    expect(response, expected)
    world.period.refresh_from_db()
    assert (world.period.status == Period.Status.AGREED) == (expected == 302)


@pytest.mark.parametrize("persona", ALL)
def test_only_secretariat_reopens_an_agreed_period(client, world, persona):
    agreement.agree_period(period=world.period, by=world.secretariat)
    response = client_for(client, world.personas[persona]).post(
        url(world, "period_reopen"), {"reason": "Đơn vị F nộp muộn có lý do chính đáng"}
    )
    expected = write_expectation(persona, {"secretariat", "secretariat_officer"})
    expect(response, expected)
    world.period.refresh_from_db()
    assert (world.period.status == Period.Status.REVIEWING) == (expected == 302)


def line_url(w, agency, layer, code="1.1"):
    ln = ScoreLine.objects.get(scorecard=w.cards[agency], criterion__code=code)
    return ln, url(w, "review_line", agency_id=agency.pk, line_id=ln.pk, layer=layer)


@pytest.mark.parametrize("persona", ALL)
def test_only_the_assigned_reviewer_enters_review_points(client, world, persona):
    w = world
    ln, target = line_url(w, w.e, "review")
    response = client_for(client, w.personas[persona]).post(
        target, {f"l{ln.pk}-points": "20", f"l{ln.pk}-note": "Thiếu minh chứng"}
    )
    # Officers and the assigned reviewer see E's card; only D (its reviewer) may score it.
    if persona == "anonymous":
        expect(response, "login")
    elif persona in ("outsider", "last_year_leader"):
        expect(response, 404)
    elif persona in ("member_head", "member_officer"):
        expect(response, 302)
    else:
        expect(response, 403)
    ln.refresh_from_db()
    assert (ln.review_points == D("20")) == (persona in ("member_head", "member_officer"))


def test_review_note_required_when_points_differ_keeps_what_was_typed(client, world):
    w = world
    ln, target = line_url(w, w.e, "review")
    client.force_login(w.member_head)
    response = client.post(target, {f"l{ln.pk}-points": "19,5", f"l{ln.pk}-note": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert "cần ghi nhận xét" in body and 'value="19,5"' in body
    ln.refresh_from_db()
    assert ln.review_points is None


@pytest.mark.parametrize("persona", ALL)
def test_only_the_member_explains_its_own_line(client, world, persona):
    w = world
    ln, target = line_url(w, w.d, "explanation")
    response = client_for(client, w.personas[persona]).post(
        target, {f"l{ln.pk}-text": "Đã bổ sung văn bản số 12"}
    )
    if persona == "anonymous":
        expect(response, "login")
    elif persona in ("outsider", "last_year_leader"):
        expect(response, 404)
    elif persona in ("member_head", "member_officer"):
        expect(response, 302)
    else:
        expect(response, 403)


@pytest.mark.parametrize("persona", ALL)
def test_only_secretariat_records_agreed_points(client, world, persona):
    w = world
    ln, target = line_url(w, w.d, "agreed")
    response = client_for(client, w.personas[persona]).post(
        target, {f"l{ln.pk}-points": "23", f"l{ln.pk}-note": ""}
    )
    if persona == "anonymous":
        expect(response, "login")
    elif persona in ("outsider", "last_year_leader"):
        expect(response, 404)
    elif persona in ("secretariat", "secretariat_officer"):
        expect(response, 302)
    else:
        expect(response, 403)


@pytest.mark.parametrize("persona", ALL)
def test_only_the_board_adjusts_after_agreement(client, world, persona):
    w = world
    agreement.agree_period(period=w.period, by=w.secretariat)
    ln, target = line_url(w, w.d, "board")
    response = client_for(client, w.personas[persona]).post(
        target, {f"l{ln.pk}-points": "20", f"l{ln.pk}-reason": "Sai số liệu báo cáo"}
    )
    if persona == "anonymous":
        expect(response, "login")
    elif persona in ("outsider", "last_year_leader"):
        expect(response, 404)
    elif persona == "board":
        expect(response, 302)
    else:
        expect(response, 403)
    ln.refresh_from_db()
    assert ln.agreed_points == D("24")
    assert (ln.board_points == D("20")) == (persona == "board")


def test_agreed_period_refuses_member_layers(client, world):
    w = world
    agreement.agree_period(period=w.period, by=w.secretariat)
    client.force_login(w.member_head)
    ln, target = line_url(w, w.e, "review")
    expect(client.post(target, {f"l{ln.pk}-points": "20", f"l{ln.pk}-note": "x"}), 403)
    client.force_login(w.secretariat)
    ln, target = line_url(w, w.d, "agreed")
    expect(client.post(target, {f"l{ln.pk}-points": "20"}), 403)


def test_layers_shown_side_by_side_with_authors(client, world):
    w = world
    ln, _ = line_url(w, w.e, "review")
    review_services.record_review(
        line=ln, points="20", note="Thiếu", reviewer_id=w.d.pk, by=w.member_head
    )
    review_services.record_agreed(line=ln, points="22", note="Hội nghị", by=w.secretariat)
    client.force_login(w.board)
    body = client.get(url(w, "review_scorecard", agency_id=w.e.pk)).content.decode()
    assert "Thủ trưởng D" in body and "Thủ trưởng B" in body
    # Points as people write them: "24", never "24,00".
    assert ">24<" in body and ">20<" in body and ">22<" in body and "24,00" not in body


def test_grid_filters_by_layer_and_differences(client, world):
    w = world
    ln, _ = line_url(w, w.e, "review")
    review_services.record_review(
        line=ln, points="20", note="Thiếu", reviewer_id=w.d.pk, by=w.member_head
    )
    client.force_login(w.secretariat)
    body = client.get(url(w, "review_grid") + "?layer=review&diff=on").content.decode()
    assert w.e.abbreviation in body and w.d.abbreviation not in body
    assert ">20<" in body


# The tests that run each review view for every persona: the access matrix of this module.
MATRIX = {
    "review_home": [test_review_home_is_readable],
    "crosscheck_assign": [test_only_secretariat_assigns_cross_checks],
    "crosscheck_auto": [test_only_secretariat_runs_the_automatic_assignment],
    "period_agree": [test_only_secretariat_agrees_the_period],
    "period_reopen": [test_only_secretariat_reopens_an_agreed_period],
    "review_grid": [test_grid_is_for_secretariat_deputy_and_board],
    "review_scorecard": [test_assigned_reviewer_sees_the_scorecard_others_do_not],
    "review_line": [
        test_only_the_assigned_reviewer_enters_review_points,
        test_only_the_member_explains_its_own_line,
        test_only_secretariat_records_agreed_points,
        test_only_the_board_adjusts_after_agreement,
    ],
    "ranking_index": [test_ranking_index_redirects_readers],
    "ranking": [test_ranking_page_is_readable_and_members_wait_for_agreement],
    "ranking_export": [test_export_only_once_published_to_members],
    "ranking_explain": [test_explain_page_for_own_agency_or_officers],
}


def _more_matrix():
    # Imported here, as a module, so that its tests are not collected twice.
    from campaigns.tests import test_review_layer_totals_and_save_all as more

    return {
        "review_save_all": [more.test_only_the_assigned_reviewer_saves_the_whole_card],
        "review_queue": [more.test_queue_lists_the_cards_given_to_the_readers_agency],
        "review_grid_export": [more.test_grid_sheet_is_for_secretariat_deputy_and_board],
    }


def test_matrix_covers_every_review_view_for_every_persona():
    matrix = {**MATRIX, **_more_matrix()}
    assert {f"campaigns:{name}" for name in matrix} == url_names_of(
        "campaigns.views.review", "campaigns.views.period_review", "campaigns.views.ranking"
    )
    for tests in matrix.values():
        for test in tests:
            [personas] = [
                mark.args[1]
                for mark in test.pytestmark
                if mark.name == "parametrize" and mark.args[0] == "persona"
            ]
            assert sorted(personas) == sorted(PERSONAS), test.__name__


# --- Constant query counts ---------------------------------------------------------------------


def big_world(council, n):
    bloc = factories.BlocFactory(council=council)
    agencies = [
        factories.AgencyFactory(council=council, name=f"Cơ quan số {i:02d} khối {bloc.pk}")
        for i in range(n)
    ]
    term = factories.make_term(
        bloc=bloc, year=2026, agencies=agencies, leader=agencies[0], deputy=agencies[1]
    )
    user = factories.UserFactory()
    factories.give_role(user, agencies[0], AgencyRole.Role.HEAD)
    table = h.make_table(term, groups=3, leaves=3, leaf_max="10")
    period = h.make_period(term)
    h.make_cards(period, table, agencies)
    review_services.assign_cross_checks(
        period=period, pairs=review_services.proposed_rotation(period), by=user
    )
    agreement.agree_period(period=period, by=user)
    ln = ScoreLine.objects.filter(scorecard__period=period).select_related("criterion").first()
    review_services.adjust_by_board(line=ln, points="5", reason="Kiểm tra", by=user)
    return bloc, term, agencies, user


def count_queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "page", ["review_grid", "ranking", "ranking_explain", "review_scorecard", "review_home"]
)
def test_pages_run_a_constant_number_of_queries(
    client, council, page, django_assert_max_num_queries
):
    counts = []
    for n in (4, 40):
        bloc, term, agencies, user = big_world(council, n)
        client.force_login(user)
        kwargs = {"bloc_code": bloc.code, "year": 2026, "kind": "annual"}
        if page in ("ranking_explain", "review_scorecard"):
            kwargs["agency_id"] = agencies[-1].pk
        path = reverse(f"campaigns:{page}", kwargs=kwargs)
        counts.append(count_queries(client, path))
        # 15: an agreed period's ranking also reads the review meeting's votes for its
        # "more review-meeting votes" tie-break (one query, registered by the awards app).
        with django_assert_max_num_queries(15):
            client.get(path)
    assert counts[0] == counts[1], counts


def test_members_see_the_ranking_and_other_explanations_once_agreed(client, world):
    w = world
    agreement.agree_period(period=w.period, by=w.secretariat)
    client.force_login(w.last_year_leader)
    body = client.get(url(w, "ranking")).content.decode()
    assert "Bảng xếp hạng được công bố cho các đơn vị" not in body
    assert w.d.name in body and "<svg" in body
    expect(client.get(url(w, "ranking_explain", agency_id=w.d.pk)), 200)
    expect(client.get(url(w, "ranking_export", fmt="xlsx")), 200)
    # F's card is still a draft: it is not ranked and its page stays closed to other members.
    expect(client.get(url(w, "review_scorecard", agency_id=w.f.pk)), 404)


def test_self_review_agreed_96_91_93_shown_with_authors_and_history(client, bloc_world):
    w = bloc_world
    table = h.make_table(w.term, groups=1, leaves=1, leaf_max="100")
    period = h.make_period(w.term)
    cards = h.make_cards(period, table, points={w.d: {"1.1": "96"}})
    ln = h.line(cards[w.d], "1.1")
    ScoreLineChange.objects.create(
        line=ln, layer="self", old_value="", new_value="96", changed_by=w.member_officer
    )
    h.assign(period, [(w.c, w.d)], w.secretariat)
    client.force_login(w.deputy)

    def target(layer):
        return url(w, "review_line", agency_id=w.d.pk, line_id=ln.pk, layer=layer)

    expect(
        client.post(target("review"), {f"l{ln.pk}-points": "91", f"l{ln.pk}-note": "Thiếu"}), 302
    )
    client.force_login(w.secretariat)
    expect(
        client.post(
            target("agreed"),
            {f"l{ln.pk}-points": "93", f"l{ln.pk}-note": "Hội nghị"},
        ),
        302,
    )
    body = client.get(url(w, "review_scorecard", agency_id=w.d.pk)).content.decode()
    for value, author in (("96", "Cán bộ D"), (">91<", "Thủ trưởng C"), (">93<", "Thủ trưởng B")):
        assert value in body and author in body
    assert [c.layer for c in ln.changes.order_by("id")] == ["self", "review", "agreed"]


def test_reviewer_sees_self_score_and_evidence_of_the_assigned_card(client, world):
    from django.core.files.base import ContentFile

    from campaigns.models import Criterion, Evidence

    w = world
    evidence = Evidence(
        scorecard=w.cards[w.e],
        criterion=Criterion.objects.get(table=w.cards[w.e].table, code="1.1"),
        original_name="bao-cao-quy-iv.pdf",
        sha256="0" * 64,
        size=4,
        content_type="application/pdf",
        uploaded_by=w.secretariat,
    )
    evidence.file.save("bao-cao.pdf", ContentFile(b"%PDF"), save=True)
    client.force_login(w.member_officer)
    body = client.get(url(w, "review_scorecard", agency_id=w.e.pk)).content.decode()
    assert "bao-cao-quy-iv.pdf" in body and ">24<" in body
    link = reverse(
        "campaigns:evidence_download",
        kwargs={"bloc_code": w.bloc.code, "year": 2026, "evidence_id": evidence.pk},
    )
    assert link in body
    response = client.get(link)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF"
    response.close()


def test_line_write_refuses_get_and_scorecard_page_refuses_post(client, world):
    w = world
    _ln, target = line_url(w, w.e, "review")
    client.force_login(w.member_head)
    expect(client.get(target), 405)
    expect(client.post(url(w, "review_scorecard", agency_id=w.e.pk)), 405)
    expect(client.post(url(w, "ranking_explain", agency_id=w.e.pk)), 405)
    expect(client.post(url(w, "ranking_index")), 405)


def test_unknown_layer_period_or_format_is_not_found(client, world):
    w = world
    ln, _target = line_url(w, w.e, "review")
    client.force_login(w.secretariat)
    expect(client.post(url(w, "review_line", agency_id=w.e.pk, line_id=ln.pk, layer="self")), 404)
    expect(client.get(url(w, "ranking_export", fmt="pdf")), 404)
    bad = reverse(
        "campaigns:ranking", kwargs={"bloc_code": w.bloc.code, "year": 2026, "kind": "quarterly"}
    )
    expect(client.get(bad), 404)


def test_every_campaigns_view_is_in_one_of_the_matrices():
    # Each matrix checks its own modules; together they must leave no campaigns view out.
    covered = (
        url_names_of("campaigns.views.pledges", "campaigns.views.campaigns")
        | url_names_of(
            "campaigns.views.criteria", "campaigns.views.periods", "campaigns.views.scorecards"
        )
        | url_names_of(
            "campaigns.views.review", "campaigns.views.period_review", "campaigns.views.ranking"
        )
        | url_names_of("campaigns.views.progress")
        | url_names_of("campaigns.views.rules")
        | url_names_of("campaigns.views.leniency")
    )
    assert covered == url_names_of("campaigns.views")
