"""The board's award statistics of a year: figures per award and per bloc, the page and the
workbook read back, who may see them, and a query count that does not grow with the blocs."""

import datetime
import io
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from awards.models import (
    AwardDecision,
    AwardType,
    Dossier,
    GrantedAward,
    Nomination,
    NominationList,
)
from awards.services import catalogue
from blocs.models import BoardOfficer
from tests.factories import PERSONAS, UserFactory, build_bloc_world

pytestmark = pytest.mark.django_db

MERIT = "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"
PROVINCE_FLAG = "Cờ thi đua của Ủy ban nhân dân tỉnh"
EXCELLENT = "Tập thể lao động xuất sắc"


def award(council, code) -> AwardType:
    return AwardType.objects.get(council=council, code=code)


def propose(term, award_type, agencies, *, by, confirmed=True) -> list[Nomination]:
    """A nomination list of ``term`` for one award, confirmed unless told otherwise."""
    status = NominationList.Status.CONFIRMED if confirmed else NominationList.Status.DRAFT
    nomination_list = NominationList.objects.create(
        term=term,
        award_type=award_type,
        status=status,
        confirmed_at=timezone.now() if confirmed else None,
        confirmed_by=by if confirmed else None,
    )
    return [
        Nomination.objects.create(nomination_list=nomination_list, agency=agency, position=i)
        for i, agency in enumerate(agencies, start=1)
    ]


def decide(term, answers, *, by, number="15/QĐ-UBND") -> AwardDecision:
    """The council's decision on ``term``'s dossier: ``answers`` maps a nomination to granted."""
    dossier, _created = Dossier.objects.get_or_create(
        term=term, defaults={"state": Dossier.State.DECIDED, "version": 1}
    )
    decision = AwardDecision.objects.create(
        dossier=dossier,
        number=number,
        signed_on=datetime.date(term.year + 1, 1, 20),
        signer_name="Nguyễn Văn Ký",
        signer_title="Chủ tịch",
        recorded_by=by,
    )
    for nomination, granted in answers.items():
        GrantedAward.objects.create(
            decision=decision,
            nomination=nomination,
            agency=nomination.agency,
            award_type=nomination.nomination_list.award_type,
            granted=granted,
        )
    return decision


def revoke(nomination, *, by, reason="Phát hiện khai man thành tích") -> GrantedAward:
    grant = nomination.grant
    grant.revoked_at = timezone.now()
    grant.revoked_on = datetime.date(grant.decision.signed_on.year, 6, 1)
    grant.revocation_number = "99/QĐ-UBND"
    grant.revocation_reason = reason
    grant.revoked_by = by
    grant.save()
    return grant


def build_statistics_world(council):
    """Two blocs in 2026 with proposals, a decision on each, one revocation, one pending list.

    Bloc one: Bằng khen for A and B (A granted, B not), the provincial flag for C (granted, then
    revoked), Tập thể lao động xuất sắc for D, E and F (no decision yet), a draft list and a
    2025 list that do not count. Bloc two: Bằng khen for its A, granted.
    """
    one = build_bloc_world(council=council, members=6)
    two = build_bloc_world(council=council, members=6)
    catalogue.ensure_award_types(council=council)
    AwardType.objects.create(
        council=council,
        code="don-vi-dan-dau",
        name="Đơn vị dẫn đầu khối",
        level="bloc",
        kind="title",
    )
    merit = award(council, catalogue.PROVINCE_MERIT)
    flag = award(council, catalogue.PROVINCE_FLAG)
    excellent = award(council, catalogue.EXCELLENT_COLLECTIVE)
    a, b = propose(one.term, merit, [one.a, one.b], by=one.secretariat)
    (c,) = propose(one.term, flag, [one.c], by=one.secretariat)
    propose(one.term, excellent, one.agencies[3:6], by=one.secretariat)
    propose(
        one.term, award(council, catalogue.GOV_FLAG), [one.a], by=one.secretariat, confirmed=False
    )
    propose(one.term, award(council, "don-vi-dan-dau"), [one.a], by=one.secretariat)
    earlier = propose(one.previous_term, merit, [one.a, one.b], by=one.secretariat)
    decide(one.previous_term, dict.fromkeys(earlier, True), by=one.board, number="3/QĐ-UBND")
    decide(one.term, {a: True, b: False, c: True}, by=one.board)
    revoke(c, by=one.board)
    (two_a,) = propose(two.term, merit, [two.a], by=two.secretariat)
    decide(two.term, {two_a: True}, by=one.board, number="16/QĐ-UBND")
    return SimpleNamespace(one=one, two=two, council=council)


def figures(row) -> tuple:
    f = row.figures if hasattr(row, "figures") else row
    return (f.proposed, f.granted, f.not_granted, f.revoked)


def test_statistics_count_confirmed_proposals_and_the_decisions_per_award(council):
    from reports.province_awards import award_statistics

    build_statistics_world(council)

    stats = award_statistics(council, 2026)

    by_name = {row.award.name: row for row in stats.awards}
    assert figures(by_name[MERIT]) == (3, 2, 1, 0)
    assert figures(by_name[PROVINCE_FLAG]) == (1, 0, 0, 1)
    assert figures(by_name[EXCELLENT]) == (3, 0, 0, 0)
    assert by_name[EXCELLENT].figures.note == "Chưa có quyết định: 3"
    assert figures(by_name["Cờ thi đua của Chính phủ"]) == (0, 0, 0, 0)
    # A bloc-level award is the bloc's own decision: never in the board's statistics.
    assert "Đơn vị dẫn đầu khối" not in by_name
    assert figures(stats.total) == (7, 2, 1, 1)
    assert stats.total.pending == 3


def test_statistics_per_bloc_give_each_bloc_its_figures_and_its_decision(council):
    from reports.province_awards import award_statistics

    world = build_statistics_world(council)

    stats = award_statistics(council, 2026)

    rows = {row.bloc.pk: row for row in stats.blocs}
    one, two = rows[world.one.bloc.pk], rows[world.two.bloc.pk]
    assert figures(one.total) == (6, 1, 1, 1)
    assert figures(two.total) == (1, 1, 0, 0)
    merit_index = [r.award.name for r in stats.awards].index(MERIT)
    assert figures(one.by_award[merit_index]) == (2, 1, 1, 0)
    assert two.decision_label == "Quyết định số 16/QĐ-UBND ngày 20/01/2027"
    assert [row.bloc.name for row in stats.blocs] == sorted(
        [world.one.bloc.name, world.two.bloc.name]
    )


def test_the_previous_year_counts_only_its_own_proposals(council):
    from reports.province_awards import award_statistics

    build_statistics_world(council)

    stats = award_statistics(council, 2025)

    assert figures(stats.total) == (2, 2, 0, 0)


def test_the_workbook_reads_back_with_the_figures_and_vietnamese_text(client, council):
    world = build_statistics_world(council)
    client.force_login(world.one.board)

    response = client.get(reverse("reports:award_statistics_export", args=[council.pk, 2026]))

    assert response.status_code == 200
    assert "thong-ke-khen-thuong-2026.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Theo hình thức", "Theo khối"]
    sheet = book["Theo hình thức"]
    assert sheet["A1"].value == council.name.upper()
    assert sheet["A2"].value == "THỐNG KÊ KẾT QUẢ KHEN THƯỞNG CÁC KHỐI THI ĐUA"
    assert sheet["A3"].value == "Năm 2026"
    assert [c.value for c in sheet[5]] == [
        "STT",
        "Hình thức khen thưởng",
        "Số đề nghị",
        "Số được khen thưởng",
        "Số không được khen thưởng",
        "Số bị thu hồi",
        "Ghi chú",
    ]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=7, values_only=True)}
    assert rows[MERIT][2:6] == (3, 2, 1, 0)
    assert rows[PROVINCE_FLAG][2:6] == (1, 0, 0, 1)
    assert rows[EXCELLENT][2:7] == (3, 0, 0, 0, "Chưa có quyết định: 3")
    assert rows["Tổng cộng"][2:6] == (7, 2, 1, 1)
    assert isinstance(rows[MERIT][2], int)

    blocs = book["Theo khối"]
    assert blocs["A2"].value == "THỐNG KÊ KẾT QUẢ KHEN THƯỞNG THEO KHỐI THI ĐUA"
    header = [c.value for c in blocs[5]]
    assert header[:2] == ["STT", "Khối thi đua"]
    assert MERIT in header and header[-1] == "Ghi chú"
    assert "Cộng" in header
    sub = [c.value for c in blocs[6]]
    assert sub[2:4] == ["Đề nghị", "Được khen thưởng"]
    assert sub[-5:-1] == ["Đề nghị", "Được khen thưởng", "Không được khen thưởng", "Bị thu hồi"]
    by_bloc = {r[1]: r for r in blocs.iter_rows(min_row=7, values_only=True)}
    one = by_bloc[world.one.bloc.name]
    assert one[-5:-1] == (6, 1, 1, 1)
    assert "Quyết định số 15/QĐ-UBND ngày 20/01/2027" in one[-1]
    assert by_bloc["Tổng cộng"][-5:-1] == (7, 2, 1, 1)


def test_the_page_shows_both_tables_with_the_figures(client, council):
    world = build_statistics_world(council)
    client.force_login(world.one.board)

    response = client.get(reverse("reports:award_statistics", args=[council.pk, 2026]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Thống kê khen thưởng các khối thi đua năm 2026" in page
    assert MERIT in page and world.two.bloc.name in page
    assert "Chưa có quyết định: 3" in page
    assert reverse("reports:award_statistics_export", args=[council.pk, 2026]) in page


def test_the_index_sends_the_board_to_its_council_and_year(client, council):
    world = build_statistics_world(council)
    client.force_login(world.one.board)

    response = client.get(reverse("reports:award_statistics_index"))

    assert response.status_code == 302
    assert response["Location"] == reverse("reports:award_statistics", args=[council.pk, 2026])


@pytest.mark.parametrize("persona", [*PERSONAS, "admin", "other_board"])
@pytest.mark.parametrize("name", ["award_statistics", "award_statistics_export"])
def test_only_the_councils_board_and_administrators_see_the_statistics(
    client, council, persona, name
):
    world = build_statistics_world(council)
    if persona == "admin":
        user = UserFactory(is_superuser=True, is_staff=True)
    elif persona == "other_board":
        user = UserFactory()
        other = world.one.outsider.agency_roles.get().agency.council
        BoardOfficer.objects.create(user=user, council=other)
    else:
        user = world.one.personas[persona]
    if user is not None:
        client.force_login(user)

    response = client.get(reverse(f"reports:{name}", args=[council.pk, 2026]))

    if user is None:
        assert response.status_code == 302
        assert reverse("login") in response["Location"]
    elif persona in {"board", "admin"}:
        assert response.status_code == 200
    else:
        assert response.status_code == 404


def test_the_index_is_a_404_outside_every_board(client, council):
    world = build_statistics_world(council)
    client.force_login(world.one.member_head)

    assert client.get(reverse("reports:award_statistics_index")).status_code == 404


@pytest.mark.parametrize("name", ["award_statistics", "award_statistics_export"])
def test_statistics_post_is_refused(client, council, name):
    world = build_statistics_world(council)
    client.force_login(world.one.board)

    response = client.post(reverse(f"reports:{name}", args=[council.pk, 2026]))

    assert response.status_code == 405


def _more_blocs(council, count, board):
    merit = award(council, catalogue.PROVINCE_MERIT)
    for _i in range(count):
        world = build_bloc_world(council=council, members=4, years=(2026,))
        nominations = propose(world.term, merit, [world.a, world.b], by=world.secretariat)
        decide(world.term, {nominations[0]: True, nominations[1]: False}, by=board)


@pytest.mark.parametrize("name", ["award_statistics", "award_statistics_export"])
def test_the_statistics_read_a_fixed_number_of_queries_whatever_the_blocs(
    client, council, django_assert_max_num_queries, name
):
    world = build_statistics_world(council)
    client.force_login(world.one.board)
    url = reverse(f"reports:{name}", args=[council.pk, 2026])
    # Session, user, the council, its years, the councils, terms, figures, awards, decisions.
    with django_assert_max_num_queries(12) as small:
        assert client.get(url).status_code == 200

    _more_blocs(council, 6, world.one.board)

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
