"""The appeals page: who sees what, who may publish, appeal, answer and finalise."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from awards.models import Appeal, EligibilityHold, RankingPublication
from awards.services import appeals
from blocs.models import Agency, AgencyRole, Membership
from campaigns.models import Period, ScoreLineChange
from campaigns.tests.review_helpers import line, make_cards, make_period, make_table
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

D = Decimal
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
READERS = ("secretariat", "secretariat_officer", "deputy", "board", "member_head", "member_officer")


@pytest.fixture
def world(bloc_world):
    w = bloc_world
    table = make_table(w.term)
    w.period = make_period(w.term, status=Period.Status.AGREED)
    w.cards = make_cards(w.period, table, points={w.d: {"1.1": "20"}, w.c: {"1.1": "22"}})
    return w


def url(w, name="awards:appeals", *more):
    return reverse(name, args=[w.bloc.code, w.term.year, "annual", *more])


def login(client, user):
    if user is not None:
        client.force_login(user)
    return client


def publish(w, days=5, now=None):
    return appeals.publish_ranking(period=w.period, by=w.secretariat, appeal_days=days, now=now)


def appeal_d(w, publication, **kw):
    return appeals.submit_appeal(
        publication=publication,
        agency=w.d,
        lines=[(line(w.cards[w.d], "1.1"), "24")],
        reason="Có minh chứng bổ sung",
        by=w.member_head,
        **kw,
    )


@pytest.mark.parametrize("persona", READERS)
def test_every_reader_sees_the_page(client, world, persona):
    publish(world)
    response = login(client, world.personas[persona]).get(url(world))
    assert response.status_code == 200
    assert b'data-state="provisional"' in response.content


def test_an_outsider_gets_404_and_anonymous_is_sent_to_login(client, world):
    assert login(client, world.outsider).get(url(world)).status_code == 404
    client.logout()
    response = client.get(url(world))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_page_refuses_post(client, world):
    assert login(client, world.secretariat).post(url(world)).status_code == 405
    assert client.get(url(world, "awards:ranking_publish")).status_code == 405


def test_the_secretariat_publishes_with_the_days_prefilled(client, world):
    login(client, world.secretariat)
    page = client.get(url(world))
    assert b'name="appeal_days" value="5"' in page.content
    response = client.post(url(world, "awards:ranking_publish"), {"appeal_days": "7"})
    assert response.status_code == 302
    publication = RankingPublication.objects.get(period=world.period)
    assert publication.appeal_days == 7


def test_a_bad_number_of_days_keeps_the_input(client, world):
    login(client, world.secretariat)
    response = client.post(url(world, "awards:ranking_publish"), {"appeal_days": "99"})
    assert response.status_code == 400
    assert b'value="99"' in response.content
    assert not RankingPublication.objects.exists()


@pytest.mark.parametrize("persona", ["deputy", "board", "member_head", "member_officer"])
def test_only_the_secretariat_publishes(client, world, persona):
    response = login(client, world.personas[persona]).post(
        url(world, "awards:ranking_publish"), {"appeal_days": "5"}
    )
    assert response.status_code == 403
    assert not RankingPublication.objects.exists()


def test_the_leader_agencys_officer_acts_as_the_secretariat(client, world):
    response = login(client, world.secretariat_officer).post(
        url(world, "awards:ranking_publish"), {"appeal_days": "5"}
    )
    assert response.status_code == 302
    assert RankingPublication.objects.filter(period=world.period).exists()


def test_a_held_agency_is_marked_in_the_ranking(client, world):
    EligibilityHold.objects.create(
        agency=world.d,
        reason=EligibilityHold.Reason.values[0],
        details="Đang thanh tra",
        starts_on=datetime.date(2020, 1, 1),
        recorded_by=world.board,
    )
    page = login(client, world.deputy).get(url(world)).content.decode()
    assert "chưa xét:" in page and "Đang thanh tra" in page


def test_the_ranking_page_links_to_the_appeals_page_once_agreed(client, world):
    page = login(client, world.member_head).get(
        reverse("campaigns:ranking", args=[world.bloc.code, world.term.year, "annual"])
    )
    assert url(world) in page.content.decode()


def test_a_head_appeals_its_own_line_with_evidence(client, world):
    publish(world)
    own = line(world.cards[world.d], "1.1")
    login(client, world.member_head)
    page = client.get(url(world))
    assert b'name="lines"' in page.content
    response = client.post(
        url(world, "awards:appeal_submit"),
        {
            "agency": world.d.pk,
            "lines": [own.pk],
            f"requested_{own.pk}": "24",
            "reason": "Có minh chứng bổ sung",
            "evidence": SimpleUploadedFile("bien-ban.pdf", PDF, "application/pdf"),
        },
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert (appeal.number, appeal.agency, appeal.lines.get().requested_points) == (1, world.d, 24)
    download = client.get(url(world, "awards:appeal_evidence", appeal.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    # Reading the whole stream closed the response; closing it again would end a request
    # once more, which on PostgreSQL closes the connection the rest of this test still uses.
    # Another member's people may not fetch it; the secretariat may.
    assert (
        login(client, world.last_year_leader)
        .get(url(world, "awards:appeal_evidence", appeal.pk))
        .status_code
        == 404
    )
    again = login(client, world.secretariat).get(url(world, "awards:appeal_evidence", appeal.pk))
    assert again.status_code == 200 and b"".join(again.streaming_content) == PDF
    again.close()


def test_a_head_cannot_appeal_another_agencys_line(client, world):
    publish(world)
    other = line(world.cards[world.c], "1.1")
    response = login(client, world.member_head).post(
        url(world, "awards:appeal_submit"),
        {"agency": world.d.pk, "lines": [other.pk], "reason": "Điểm của C cao"},
    )
    assert response.status_code == 400
    assert "Điểm của C cao" in response.content.decode()
    assert not Appeal.objects.exists()


def test_a_head_cannot_appeal_for_another_agency(client, world):
    publish(world)
    own = line(world.cards[world.d], "1.1")
    response = login(client, world.member_head).post(
        url(world, "awards:appeal_submit"),
        {"agency": world.c.pk, "lines": [own.pk], "reason": "Thử"},
    )
    assert response.status_code == 400
    assert not Appeal.objects.exists()


def test_an_officer_may_not_appeal(client, world):
    publish(world)
    own = line(world.cards[world.d], "1.1")
    response = login(client, world.member_officer).post(
        url(world, "awards:appeal_submit"),
        {"agency": world.d.pk, "lines": [own.pk], "reason": "Thử"},
    )
    assert response.status_code == 403


def test_an_appeal_after_the_window_is_refused(client, world):
    publish(world, now=timezone.now() - datetime.timedelta(days=6))
    own = line(world.cards[world.d], "1.1")
    login(client, world.member_head)
    assert b'name="lines"' not in client.get(url(world)).content
    response = client.post(
        url(world, "awards:appeal_submit"),
        {"agency": world.d.pk, "lines": [own.pk], "reason": "Muộn"},
    )
    assert response.status_code == 400
    assert not Appeal.objects.exists()


def test_a_member_sees_only_its_own_appeals(client, world):
    publication = publish(world)
    appeal_d(world, publication)
    appeals.submit_appeal(
        publication=publication,
        agency=world.c,
        lines=[(line(world.cards[world.c], "1.2"), None)],
        reason="Của C",
        by=world.deputy,
    )
    page = login(client, world.member_head).get(url(world)).content.decode()
    assert "Có minh chứng bổ sung" in page and "Của C" not in page
    page = login(client, world.board).get(url(world)).content.decode()
    assert "Có minh chứng bổ sung" in page and "Của C" in page


def test_the_secretariat_upholds_and_the_ranking_reorders(client, world):
    appeal = appeal_d(world, publish(world))
    own = line(world.cards[world.d], "1.1")
    login(client, world.secretariat)
    response = client.post(
        url(world, "awards:appeal_answer", appeal.pk),
        {"decision": "upheld", f"points_{own.pk}": "24", "answer": "Minh chứng hợp lệ"},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.agreed_points == D("24")
    assert "kiến nghị số 1" in ScoreLineChange.objects.filter(line=own).latest("id").note
    page = client.get(url(world)).content.decode()
    assert page.index(f'data-agency="{world.d.pk}"') < page.index(f'data-agency="{world.c.pk}"')


def test_an_answer_without_text_keeps_the_input(client, world):
    appeal = appeal_d(world, publish(world))
    own = line(world.cards[world.d], "1.1")
    response = login(client, world.secretariat).post(
        url(world, "awards:appeal_answer", appeal.pk),
        {"decision": "upheld", f"points_{own.pk}": "23,5", "answer": ""},
    )
    assert response.status_code == 400
    assert b'value="23,5"' in response.content
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.PENDING


@pytest.mark.parametrize("persona", ["deputy", "board", "member_head", "member_officer"])
def test_only_the_secretariat_answers_and_finalises(client, world, persona):
    appeal = appeal_d(world, publish(world))
    login(client, world.personas[persona])
    answer = client.post(
        url(world, "awards:appeal_answer", appeal.pk), {"decision": "rejected", "answer": "Không"}
    )
    assert answer.status_code == 403
    assert client.post(url(world, "awards:ranking_finalize")).status_code == 403


def test_an_outsider_gets_404_on_every_action(client, world):
    appeal = appeal_d(world, publish(world))
    login(client, world.outsider)
    for name, extra in (
        ("awards:ranking_publish", ()),
        ("awards:appeal_submit", ()),
        ("awards:ranking_finalize", ()),
        ("awards:appeal_answer", (appeal.pk,)),
    ):
        assert client.post(url(world, name, *extra)).status_code == 404
    assert client.get(url(world, "awards:appeal_evidence", appeal.pk)).status_code == 404


def test_finalise_now_once_due(client, world):
    publication = publish(world, now=timezone.now() - datetime.timedelta(days=6))
    login(client, world.secretariat)
    assert "Công bố kết quả chính thức ngay" in client.get(url(world)).content.decode()
    assert client.post(url(world, "awards:ranking_finalize")).status_code == 302
    publication.refresh_from_db()
    assert publication.is_final
    assert b'data-state="final"' in client.get(url(world)).content


def test_finalise_now_refused_while_the_window_is_open(client, world):
    publication = publish(world)
    login(client, world.secretariat)
    assert client.post(url(world, "awards:ranking_finalize")).status_code == 302
    publication.refresh_from_db()
    assert not publication.is_final


def _grow(w, extra):
    """Add ``extra`` member agencies, each with a card and an appeal."""
    table = w.cards[w.d].table
    agencies = []
    for i in range(extra):
        agency = AgencyFactory(council=w.council, name=f"Đơn vị thêm {i}")
        Membership.objects.create(
            term=w.term, agency=agency, joined_on=datetime.date(w.term.year, 1, 1)
        )
        head = UserFactory()
        AgencyRole.objects.create(user=head, agency=agency, role=AgencyRole.Role.HEAD)
        agencies.append((agency, head))
    cards = make_cards(w.period, table, [a for a, _h in agencies])
    return agencies, cards


@pytest.mark.parametrize("persona", ["secretariat", "member_head"])
def test_the_page_reads_in_constant_queries(client, world, persona, django_assert_num_queries):
    publication = publish(world)
    appeal_d(world, publication)
    login(client, world.personas[persona])
    with django_assert_num_queries(15):
        client.get(url(world))
    agencies, cards = _grow(world, 8)
    for agency, head in agencies:
        appeals.submit_appeal(
            publication=publication,
            agency=agency,
            lines=[(line(cards[agency], "1.1"), None), (line(cards[agency], "2.1"), None)],
            reason="Thêm",
            by=head,
        )
    with django_assert_num_queries(15):
        response = client.get(url(world))
    assert response.status_code == 200
    assert Agency.objects.count() > 12


def test_an_appeal_file_over_the_evidence_limit_or_of_another_type_is_refused(
    client, world, settings
):
    settings.EVIDENCE_MAX_BYTES = 1024
    publish(world)
    own = line(world.cards[world.d], "1.1")
    login(client, world.member_head)
    for upload in (
        SimpleUploadedFile("lon.pdf", PDF + b"0" * 2048, "application/pdf"),
        SimpleUploadedFile("gia.pdf", b"MZ not a pdf", "application/pdf"),
    ):
        response = client.post(
            url(world, "awards:appeal_submit"),
            {"agency": world.d.pk, "lines": [own.pk], "reason": "Kèm tệp", "evidence": upload},
        )
        assert response.status_code == 400
        assert "Kèm tệp" in response.content.decode()
    assert not Appeal.objects.exists()


def test_upholding_over_the_maximum_shows_the_error_and_keeps_the_input(client, world):
    appeal = appeal_d(world, publish(world))
    own = line(world.cards[world.d], "1.1")
    response = login(client, world.secretariat).post(
        url(world, "awards:appeal_answer", appeal.pk),
        {"decision": "upheld", f"points_{own.pk}": "30", "answer": "Đồng ý một phần"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "1.1" in body and 'value="30"' in body and "Đồng ý một phần" in body
    own.refresh_from_db()
    assert own.agreed_points is None and own.final_points == D("20")


def test_a_refused_appeal_keeps_the_lines_ticked_and_the_points_typed(client, world):
    publish(world)
    own = line(world.cards[world.d], "1.1")
    response = login(client, world.member_head).post(
        url(world, "awards:appeal_submit"),
        {"agency": world.d.pk, "lines": [own.pk], f"requested_{own.pk}": "99", "reason": ""},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f'name="lines" value="{own.pk}" id="id_lines_0" checked' in page
    assert f'name="requested_{own.pk}" value="99"' in page
    assert "Hãy nêu lý do kiến nghị." in page
    assert not Appeal.objects.exists()


def test_the_page_tells_the_secretariat_why_the_ranking_is_not_final_yet(client, world):
    publication = publish(world)
    appeal_d(world, publication)
    login(client, world.secretariat)
    assert "Chưa hết thời hạn nhận kiến nghị." in client.get(url(world)).content.decode()
    past = timezone.now() - datetime.timedelta(days=10)
    RankingPublication.objects.filter(pk=publication.pk).update(
        published_at=past, closes_at=past + datetime.timedelta(days=5)
    )
    body = client.get(url(world)).content.decode()
    assert "Còn kiến nghị chưa được trả lời." in body
    assert "Chưa hết thời hạn nhận kiến nghị." not in body


@pytest.mark.parametrize(("language", "text"), [("vi", "Định dạng PDF"), ("en", "Format: PDF")])
def test_the_evidence_hint_is_in_the_readers_language(client, world, language, text):
    publish(world)
    login(client, world.member_head)
    client.cookies["django_language"] = language
    assert text in client.get(url(world)).content.decode()
