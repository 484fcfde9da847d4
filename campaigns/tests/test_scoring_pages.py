"""Periods, extensions, reopening and evidence replacement through the pages; the demo data."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from campaigns import card_totals
from campaigns.demo.scoring import make_table
from campaigns.models import DeadlineExtension, Evidence, Period, Scorecard
from campaigns.services import criteria as criteria_services
from campaigns.services import periods as period_services
from campaigns.services import scorecards as scorecard_services

pytestmark = pytest.mark.django_db

ROWS = [
    ("1", "", "group", "Nhiệm vụ chuyên môn", 0, False),
    ("1.1", "1", "scored", "Hoàn thành chỉ tiêu", 70, True),
    ("1.2", "1", "scored", "Cải cách hành chính", 30, False),
    ("T", "", "bonus", "Sáng kiến", 5, False),
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(bloc_world):
    w = bloc_world
    w.table = make_table(w.term, ROWS, by=w.secretariat)
    w.args = [w.bloc.code, w.term.year]
    return w


def test_the_secretariat_opens_a_period_in_vietnam_time(client, world):
    client.force_login(world.secretariat)
    url = reverse("campaigns:period_edit", args=[*world.args, "semiannual"])
    response = client.post(
        url,
        {
            "self_deadline_date": "30/06/2026",
            "self_deadline_time": "17:00",
            "review_deadline_date": "15/07/2026",
            "review_deadline_time": "17:00",
        },
    )
    assert response.status_code == 302
    period = Period.objects.get(term=world.term, kind="semiannual")
    assert period.self_deadline == datetime.datetime(2026, 6, 30, 10, 0, tzinfo=datetime.UTC)
    page = client.get(reverse("campaigns:period_list", args=world.args)).content.decode()
    assert "17:00 30/06/2026 (GMT+7)" in page and "17:00 15/07/2026 (GMT+7)" in page


def test_a_review_deadline_before_the_self_deadline_is_refused_and_kept(client, world):
    client.force_login(world.secretariat)
    url = reverse("campaigns:period_edit", args=[*world.args, "annual"])
    response = client.post(
        url,
        {
            "self_deadline_date": "15/12/2026",
            "self_deadline_time": "17:00",
            "review_deadline_date": "01/12/2026",
            "review_deadline_time": "17:00",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Hạn chấm chéo phải sau hạn tự chấm." in page
    assert 'name="review_deadline_date" value="01/12/2026"' in page
    assert not Period.objects.filter(term=world.term, kind="annual").exists()


def test_an_extension_is_logged_and_shown_for_that_agency_only(client, world):
    period = period_services.save_period(
        term=world.term,
        kind="semiannual",
        self_deadline=timezone.now() - datetime.timedelta(hours=2),
        review_deadline=timezone.now() + datetime.timedelta(days=9),
        by=world.secretariat,
    )
    client.force_login(world.secretariat)
    until = timezone.localtime(timezone.now() + datetime.timedelta(days=2)).replace(
        second=0, microsecond=0
    )
    response = client.post(
        reverse("campaigns:period_extend", args=[*world.args, "semiannual"]),
        {
            "semiannual-agency": world.d.pk,
            "semiannual-until_date": until.strftime("%d/%m/%Y"),
            "semiannual-until_time": until.strftime("%H:%M"),
            "semiannual-reason": "Đơn vị có công văn xin gia hạn",
        },
    )
    assert response.status_code == 302
    extension = DeadlineExtension.objects.get(period=period)
    assert (extension.agency, extension.until, extension.granted_by) == (
        world.d,
        until,
        world.secretariat,
    )
    assert period_services.effective_deadline(period, world.d.pk) == until
    assert period_services.effective_deadline(period, world.c.pk) == period.self_deadline


def test_the_secretariat_reopens_with_a_reason_and_the_member_edits_again(client, world):
    period = period_services.save_period(
        term=world.term,
        kind="annual",
        self_deadline=timezone.now() + datetime.timedelta(days=2),
        review_deadline=timezone.now() + datetime.timedelta(days=9),
        by=world.secretariat,
    )
    card = scorecard_services.open_scorecard(period=period, agency=world.d)
    Scorecard.objects.filter(pk=card.pk).update(status=Scorecard.Status.SUBMITTED)
    url = reverse("campaigns:scorecard_reopen", args=[*world.args, "annual", card.pk])
    client.force_login(world.secretariat)
    client.post(url, {"reason": ""})
    card.refresh_from_db()
    assert card.status == Scorecard.Status.SUBMITTED
    client.post(url, {"reason": "Bổ sung minh chứng tiêu chí 1.1"})
    card.refresh_from_db()
    assert card.status == Scorecard.Status.DRAFT
    client.force_login(world.member_officer)
    page_url = reverse("campaigns:scorecard_detail", args=[*world.args, "annual", card.pk])
    page = client.get(page_url).content.decode()
    assert "Bổ sung minh chứng tiêu chí 1.1" in page and "Lưu nháp" in page


def test_replacing_and_withdrawing_files_from_the_page_keeps_the_old_ones(client, world):
    period = period_services.save_period(
        term=world.term,
        kind="annual",
        self_deadline=timezone.now() + datetime.timedelta(days=2),
        review_deadline=timezone.now() + datetime.timedelta(days=9),
        by=world.secretariat,
    )
    card = scorecard_services.open_scorecard(period=period, agency=world.d)
    leaf = {c.code: c for c in world.table.criteria.all()}
    first = scorecard_services.attach_evidence(
        scorecard=card,
        criterion=leaf["1.1"],
        uploaded=SimpleUploadedFile("cu.pdf", PDF),
        by=world.member_officer,
    )
    second = scorecard_services.attach_evidence(
        scorecard=card,
        criterion=leaf["1.2"],
        uploaded=SimpleUploadedFile("go.pdf", PDF),
        by=world.member_officer,
    )
    client.force_login(world.member_officer)
    url = reverse("campaigns:scorecard_detail", args=[*world.args, "annual", card.pk])
    response = client.post(
        url,
        {
            f"replace-{first.pk}": SimpleUploadedFile("moi.pdf", PDF + b"%moi"),
            "withdraw": [str(second.pk)],
            f"points-{leaf['1.1'].pk}": "70",
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.replaced_by.original_name == "moi.pdf"
    assert second.withdrawn_at is not None
    assert Evidence.objects.filter(scorecard=card).count() == 3
    current = [e.original_name for e in Evidence.objects.filter(scorecard=card) if e.is_current]
    assert current == ["moi.pdf"]
    history = client.get(
        reverse("campaigns:scorecard_history", args=[*world.args, "annual", card.pk])
    ).content.decode()
    assert "đã thay bằng moi.pdf" in history and "đã gỡ" in history


def test_the_demo_data_is_complete_and_seeding_twice_changes_nothing():
    from blocs import demo as blocs_demo
    from campaigns.demo import scoring as scoring_demo

    objects = blocs_demo.seed()
    scoring_demo.seed(objects)
    counts = (Scorecard.objects.count(), Evidence.objects.count(), Period.objects.count())
    scoring_demo.seed(objects)
    assert (Scorecard.objects.count(), Evidence.objects.count(), Period.objects.count()) == counts
    party = objects["party_bloc"]
    for card in Scorecard.objects.filter(period__term__bloc=party).select_related(
        "table", "period__term"
    ):
        assert criteria_services.adoption_problems(card.table) == []
        totals = card_totals.scorecard_totals(card)
        assert Decimal("60") <= totals.total <= Decimal("110")
        if card.status == Scorecard.Status.SUBMITTED:
            problems = scorecard_services.submission_problems(
                scorecard=card,
                criteria=card.table.criteria.all(),
                lines=card.lines.all(),
                evidence=card.evidence.all(),
                deadline=card.period.self_deadline,
                now=card.submitted_at,
            )
            assert problems == [], (card, problems)
    draft = Scorecard.objects.get(
        period__term__bloc=party,
        period__term__year=2026,
        period__kind="annual",
        agency__abbreviation="UBKTTU",
    )
    assert draft.status == Scorecard.Status.DRAFT and draft.table.version == 2


def test_the_secretariat_builds_and_adopts_a_table_through_the_pages(client, bloc_world):
    w = bloc_world
    args = [w.bloc.code, w.term.year]
    client.force_login(w.secretariat)
    response = client.post(reverse("campaigns:criteria_create", args=args), {"source": "blank"})
    assert response.status_code == 302
    add = reverse("campaigns:criterion_add", args=[*args, 1])
    client.post(add, {"code": "1", "title": "Nhiệm vụ chuyên môn", "kind": "group"})
    group = w.term.criteria_tables.get().criteria.get(code="1")
    client.post(
        add,
        {
            "parent": group.pk,
            "code": "1.1",
            "title": "Hoàn thành",
            "kind": "scored",
            "max_points": "60",
            "evidence_required": "on",
        },
    )
    response = client.post(add, {"code": "1.2", "title": "Thiếu điểm", "kind": "scored"})
    assert response.status_code == 400
    assert "Tiêu chí phải có điểm tối đa lớn hơn 0." in response.content.decode()
    adopt = reverse("campaigns:criteria_adopt", args=[*args, 1])
    page = client.post(adopt, follow=True).content.decode()
    assert "Tổng điểm tối đa của các tiêu chí chấm điểm là 60, chưa bằng điểm chuẩn 100." in page
    client.post(
        add,
        {
            "parent": group.pk,
            "code": "1.2",
            "title": "Tham mưu",
            "kind": "scored",
            "max_points": "40",
        },
    )
    page = client.post(adopt, follow=True).content.decode()
    assert "Đã thông qua bảng tiêu chí phiên bản 1." in page
    table = w.term.criteria_tables.get()
    assert table.status == "adopted" and table.adopted_by == w.secretariat
    # Frozen: a change needs a new version.
    edit = reverse("campaigns:criterion_edit", args=[*args, 1, group.pk])
    assert client.get(edit).status_code == 403
