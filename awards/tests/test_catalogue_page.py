"""The award rules page: every reader sees the year's rules; the secretariat and the board edit
them one award at a time until the year-end meeting opens its voting."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.forms.catalogue import parse_share
from awards.models import AwardRule, AwardType, ReviewMeeting
from awards.services import catalogue
from blocs.models import Membership
from tests import factories
from tests.factories import PERSONAS

pytestmark = pytest.mark.django_db

EDITORS = {"board", "secretariat", "secretariat_officer"}
READERS = {"deputy", "member_head", "member_officer", "last_year_leader"}


def url(term, **query):
    base = reverse("awards:award_rules", args=[term.bloc.code, term.year])
    if query:
        base += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return base


def award(term, code):
    catalogue.ensure_award_types(council=term.bloc.council)
    return AwardType.objects.get(council=term.bloc.council, code=code)


def rule_data(award_type, **change):
    data = {
        "award_type": str(award_type.pk),
        "active": "on",
        "max_count": "",
        "max_share": "20",
        "min_vote_share": "50",
        "vote_strict": "1",
        "vote_base": "present",
        "quorum": "",
        "requires": "",
        "min_band": "tot",
        "legal_source": "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 72",
    }
    data.update(change)
    return {k: v for k, v in data.items() if v is not None}


def open_voting(term):
    return ReviewMeeting.objects.create(
        term=term,
        period_kind=ReviewMeeting.PeriodKind.ANNUAL,
        status=ReviewMeeting.Status.VOTING,
        held_at=timezone.now(),
        place="Hội trường",
        chair="Chủ tịch",
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_reads_the_award_rules_page(client, bloc_world, persona):
    user = bloc_world.personas[persona]
    if user is not None:
        client.force_login(user)
    response = client.get(url(bloc_world.term))
    if persona == "anonymous":
        assert response.status_code == 302 and "/login" in response["Location"]
    elif persona == "outsider":
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        assert "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh" in response.content.decode()
        assert response.context["editable"] is (persona in EDITORS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_change_an_award_rule(client, bloc_world, persona):
    term = bloc_world.term
    merit = award(term, catalogue.PROVINCE_MERIT)
    user = bloc_world.personas[persona]
    if user is not None:
        client.force_login(user)
    response = client.post(url(term), rule_data(merit, max_share="25"))
    if persona == "anonymous":
        assert response.status_code == 302 and "/login" in response["Location"]
    elif persona == "outsider":
        assert response.status_code == 404
    elif persona in READERS:
        assert response.status_code == 403
    else:
        assert response.status_code == 302
        assert AwardRule.objects.get(term=term, award_type=merit).max_share == Decimal("0.250")
        return
    assert not AwardRule.objects.filter(term=term).exists()


def test_a_reader_sees_the_default_rules_without_the_page_saving_anything(client, bloc_world):
    assert not AwardType.objects.filter(council=bloc_world.council).exists()
    client.force_login(bloc_world.member_head)
    response = client.get(url(bloc_world.term))
    assert response.status_code == 200
    assert not AwardType.objects.filter(council=bloc_world.council).exists()
    codes = [row["award"].code for row in response.context["rows"]]
    assert catalogue.PROVINCE_MERIT in codes and catalogue.GOV_FLAG in codes
    # One provincial flag leads the bloc; the other is listed as left out of the year.
    left_out = {t.code for t in response.context["left_out"]}
    assert left_out == {catalogue.PROVINCE_FLAG, catalogue.PARTY_FLAG} - set(codes)
    assert len(left_out) == 1


def test_the_page_refuses_other_methods(client, bloc_world):
    client.force_login(bloc_world.secretariat)
    assert client.put(url(bloc_world.term)).status_code == 405


def test_saving_a_rule_materialises_the_year_and_keeps_the_other_awards(client, bloc_world):
    term = bloc_world.term
    merit = award(term, catalogue.PROVINCE_MERIT)
    client.force_login(bloc_world.secretariat)
    response = client.post(url(term), rule_data(merit, max_share="20", max_count="3"))
    assert response.status_code == 302 and response["Location"] == url(term)
    rule = AwardRule.objects.get(term=term, award_type=merit)
    assert (rule.max_share, rule.max_count, rule.changed_by) == (
        Decimal("0.200"),
        3,
        bloc_world.secretariat,
    )
    codes = set(AwardRule.objects.filter(term=term).values_list("award_type__code", flat=True))
    assert catalogue.GOV_FLAG in codes and catalogue.PROVINCE_FLAG in codes
    assert rule.history.latest().history_user == bloc_world.secretariat


def test_a_share_typed_as_a_fraction_is_stored_with_three_places(client, bloc_world):
    term = bloc_world.term
    merit = award(term, catalogue.PROVINCE_MERIT)
    client.force_login(bloc_world.board)
    client.post(url(term), rule_data(merit, min_vote_share="2/3", vote_strict="0"))
    rule = AwardRule.objects.get(term=term, award_type=merit)
    assert rule.min_vote_share == Decimal("0.667") and rule.vote_strict is False
    page = client.get(url(term)).content.decode()
    assert "≥ 2/3 của số thành viên có mặt" in page


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("20", Decimal("0.200")),
        ("66,7", Decimal("0.667")),
        ("50%", Decimal("0.500")),
        ("2/3", Decimal("0.667")),
        ("1/5", Decimal("0.200")),
        ("", None),
    ],
)
def test_shares_are_read_as_percents_or_fractions(typed, stored):
    assert parse_share(typed) == stored


@pytest.mark.parametrize("typed", ["%", "Infinity", "1e999999999", "20%%", "5/"])
def test_parse_share_refuses_what_is_not_a_share(typed):
    with pytest.raises(ValueError):
        parse_share(typed)


@pytest.mark.parametrize("typed", ["abc", "120", "-5", "3/2", "1/0", "1e9", "NaN"])
def test_an_impossible_share_is_refused_with_its_field_named_and_the_input_kept(
    client, bloc_world, typed
):
    term = bloc_world.term
    merit = award(term, catalogue.PROVINCE_MERIT)
    client.force_login(bloc_world.secretariat)
    response = client.post(url(term), rule_data(merit, max_share=typed, legal_source="giữ"))
    assert response.status_code == 400
    errors = response.context["rule_form"].errors["max_share"]
    assert "Tỷ lệ tối đa trên số thành viên phải là một tỷ lệ phần trăm" in errors[0]
    page = response.content.decode()
    assert f'value="{typed}"' in page and "giữ" in page
    assert not AwardRule.objects.filter(term=term).exists()


def test_the_edit_link_shows_the_form_filled_with_the_rule(client, bloc_world):
    term = bloc_world.term
    merit = award(term, catalogue.PROVINCE_MERIT)
    client.force_login(bloc_world.secretariat)
    response = client.get(url(term, edit=merit.pk))
    form = response.context["rule_form"]
    assert form["max_share"].value() == "20%"
    assert 'value="20%"' in response.content.decode()


def test_a_reader_gets_no_form_from_the_edit_link(client, bloc_world):
    merit = award(bloc_world.term, catalogue.PROVINCE_MERIT)
    client.force_login(bloc_world.member_head)
    response = client.get(url(bloc_world.term, edit=merit.pk))
    assert response.status_code == 200 and response.context["rule_form"] is None


def test_the_rules_freeze_once_the_meeting_opens_voting(client, bloc_world):
    term = bloc_world.term
    merit = award(term, catalogue.PROVINCE_MERIT)
    open_voting(term)
    client.force_login(bloc_world.secretariat)
    page = client.get(url(term))
    assert page.context["frozen"] and not page.context["editable"]
    assert "quy định khen thưởng của năm đã khóa" in page.content.decode()
    response = client.post(url(term), rule_data(merit, max_share="30"))
    assert response.status_code == 400
    assert "Hội nghị đã mở bỏ phiếu" in response.content.decode()
    assert not AwardRule.objects.filter(term=term).exists()


def test_the_quota_is_spelled_out_for_the_current_members(client, council):
    world = factories.build_bloc_world(council=council, members=12, years=(2026,))
    client.force_login(world.secretariat)
    response = client.get(url(world.term))
    merit = next(r for r in response.context["rows"] if r["award"].code == catalogue.PROVINCE_MERIT)
    assert merit["quota"] == 2
    assert merit["quota_text"] == "tối đa 20% của 12 thành viên = 2 đơn vị"
    assert "tối đa 20% của 12 thành viên = 2 đơn vị" in response.content.decode()


def test_a_member_that_left_does_not_count_for_the_quota(client, council):
    world = factories.build_bloc_world(council=council, members=12, years=(2026,))
    Membership.objects.filter(term=world.term, agency=world.agencies[-1]).update(
        left_on=datetime.date(2026, 3, 1)
    )
    client.force_login(world.secretariat)
    response = client.get(url(world.term))
    assert response.context["members"] == 11


def test_the_page_says_where_the_rules_come_from(client, bloc_world):
    term, previous = bloc_world.term, bloc_world.previous_term
    client.force_login(bloc_world.board)
    assert client.get(url(term)).context["origin"] == "default"
    catalogue.materialise_rules(term=previous, by=bloc_world.board)
    assert client.get(url(term)).context["origin"] == "inherited"
    merit = award(term, catalogue.PROVINCE_MERIT)
    client.post(url(term), rule_data(merit))
    assert client.get(url(term)).context["origin"] == "own"


def test_the_history_shows_who_changed_which_field(client, bloc_world):
    term = bloc_world.term
    merit = award(term, catalogue.PROVINCE_MERIT)
    client.force_login(bloc_world.secretariat)
    client.post(url(term), rule_data(merit, max_share="20"))
    client.force_login(bloc_world.board)
    client.post(url(term), rule_data(merit, max_share="1/4"))
    changes = client.get(url(term)).context["changes"]
    change = next(c for c in changes if c["what"] == "Tỷ lệ tối đa trên số thành viên")
    assert (change["old"], change["new"], change["by"]) == ("20%", "25%", bloc_world.board)
    assert change["subject"] == merit.name


def test_leaving_an_award_out_of_the_year_deletes_its_rule_with_history(client, bloc_world):
    term = bloc_world.term
    merit = award(term, catalogue.PROVINCE_MERIT)
    client.force_login(bloc_world.secretariat)
    response = client.post(url(term), rule_data(merit, active=None))
    assert response.status_code == 302
    assert AwardRule.objects.filter(term=term).exists()
    assert not AwardRule.objects.filter(term=term, award_type=merit).exists()
    deleted = AwardRule.history.filter(term_id=term.pk, award_type_id=merit.pk).latest()
    assert deleted.history_type == "-" and deleted.history_user == bloc_world.secretariat
    page = client.get(url(term))
    assert merit in page.context["left_out"]
    client.post(url(term), rule_data(merit))
    assert AwardRule.objects.filter(term=term, award_type=merit).exists()


def test_the_board_adds_a_council_award_with_the_default_rule(client, bloc_world):
    term = bloc_world.term
    client.force_login(bloc_world.board)
    response = client.post(
        url(term),
        {
            "action": "add_type",
            "type-code": "bang-khen-khoi",
            "type-name": "Giấy khen của khối",
            "type-level": "bloc",
            "type-kind": "merit",
            "type-issuer": "Khối trưởng",
            "type-order": "60",
        },
    )
    assert response.status_code == 302
    added = AwardType.objects.get(council=bloc_world.council, code="bang-khen-khoi")
    rule = AwardRule.objects.get(term=term, award_type=added)
    assert (rule.max_count, rule.max_share, rule.min_vote_share, rule.vote_strict) == (
        None,
        None,
        Decimal("0.500"),
        True,
    )
    assert AwardRule.objects.filter(term=term).count() > 1


@pytest.mark.parametrize("persona", ["secretariat", "member_head"])
def test_only_the_board_adds_an_award(client, bloc_world, persona):
    client.force_login(bloc_world.personas[persona])
    response = client.post(
        url(bloc_world.term),
        {"action": "add_type", "type-code": "x", "type-name": "X", "type-level": "bloc"},
    )
    assert response.status_code == 403
    assert not AwardType.objects.filter(code="x").exists()


def test_a_duplicate_award_code_is_refused_on_its_field(client, bloc_world):
    award(bloc_world.term, catalogue.GOV_FLAG)
    client.force_login(bloc_world.board)
    response = client.post(
        url(bloc_world.term),
        {
            "action": "add_type",
            "type-code": catalogue.GOV_FLAG,
            "type-name": "Trùng mã",
            "type-level": "bloc",
            "type-kind": "merit",
            "type-order": "1",
        },
    )
    assert response.status_code == 400
    assert response.context["type_form"].errors
    assert "Trùng mã" in response.content.decode()


def test_a_closed_year_is_read_only(client, bloc_world):
    previous = bloc_world.previous_term
    merit = award(previous, catalogue.PROVINCE_MERIT)
    client.force_login(bloc_world.board)
    assert client.get(url(previous)).context["editable"] is False
    assert client.post(url(previous), rule_data(merit)).status_code == 403


@pytest.mark.parametrize("members", [4, 40])
def test_the_page_reads_a_constant_number_of_queries(
    client, council, members, django_assert_max_num_queries
):
    world = factories.build_bloc_world(council=council, members=4, years=(2026,))
    Membership.objects.bulk_create(
        Membership(
            term=world.term,
            agency=factories.AgencyFactory(council=council),
            joined_on=datetime.date(2026, 1, 1),
        )
        for _i in range(members - 4)
    )
    catalogue.materialise_rules(term=world.term, by=world.board)
    client.force_login(world.secretariat)
    client.get(url(world.term))
    with django_assert_max_num_queries(16):
        response = client.get(url(world.term))
    assert response.status_code == 200 and response.context["members"] == members


def test_a_second_leading_award_is_refused_on_its_field(client, bloc_world):
    term = bloc_world.term
    merit = award(term, catalogue.PROVINCE_MERIT)
    client.force_login(bloc_world.board)
    response = client.post(url(term), rule_data(merit, leading="on"))
    assert response.status_code == 400
    errors = response.context["rule_form"].errors["leading"]
    assert "Cờ thi đua của Ủy ban nhân dân tỉnh" in errors[0]
    assert not AwardRule.objects.filter(term=term, award_type=merit, leading=True).exists()
