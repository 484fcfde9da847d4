"""Every scoring save changes only the fields the request carries, and never stores points out
of range, off the term's step or negative: the whole save is refused, what was typed stays."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from campaigns.models import CrossCheck, Period, Scorecard, ScoreLine, ScoreLineChange
from campaigns.services import review as review_services
from campaigns.tests import review_helpers as h

pytestmark = pytest.mark.django_db

D = Decimal
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF"


def _period(term, status):
    now = timezone.now()
    return Period.objects.create(
        term=term,
        kind=Period.Kind.ANNUAL,
        self_deadline=now + datetime.timedelta(days=5),
        review_deadline=now + datetime.timedelta(days=15),
        status=status,
    )


@pytest.fixture
def draft(bloc_world):
    """D's draft in an open period: 24 on every scored leaf (of 25), a note on each line."""
    w = bloc_world
    w.table = h.make_table(w.term)
    w.period = _period(w.term, Period.Status.OPEN)
    w.card = h.make_cards(w.period, w.table, [w.d], status=Scorecard.Status.DRAFT)[w.d]
    for line in w.card.lines.all():
        line.self_note = f"Ghi chú {line.criterion.code}"
        line.save(update_fields=["self_note"])
    w.url = reverse(
        "campaigns:scorecard_detail", args=[w.bloc.code, w.term.year, "annual", w.card.pk]
    )
    w.leaf = {ln.criterion.code: ln.criterion for ln in w.card.lines.select_related("criterion")}
    return w


def _stored(card):
    return {
        ln.criterion.code: (ln.self_points, ln.self_note)
        for ln in card.lines.select_related("criterion")
    }


# --- The member's scorecard page ---------------------------------------------------------------


def test_a_post_carrying_only_a_file_keeps_every_score_and_note(client, draft):
    before = _stored(draft.card)
    client.force_login(draft.member_officer)
    upload = SimpleUploadedFile("bao-cao.pdf", PDF)
    response = client.post(draft.url, {f"file-{draft.leaf['1.1'].pk}": upload})
    assert response.status_code == 302
    assert _stored(draft.card) == before
    assert draft.card.evidence.count() == 1
    assert not ScoreLineChange.objects.filter(line__scorecard=draft.card).exists()


def test_a_post_carrying_only_one_note_changes_only_that_note(client, draft):
    before = _stored(draft.card)
    client.force_login(draft.member_officer)
    response = client.post(draft.url, {f"note-{draft.leaf['1.2'].pk}": "Đã bổ sung báo cáo"})
    assert response.status_code == 302
    after = _stored(draft.card)
    assert after.pop("1.2") == (D("24"), "Đã bổ sung báo cáo")
    before.pop("1.2")
    assert after == before


@pytest.mark.parametrize(
    "typed, message",
    [
        ("30", "phải từ 0 đến"),
        ("25,5", "phải từ 0 đến"),
        ("7,3", "bội số"),
        ("-1", "không được âm"),
    ],
)
def test_a_draft_with_a_wrong_value_is_refused_whole_and_keeps_what_was_typed(
    client, draft, typed, message
):
    before = _stored(draft.card)
    client.force_login(draft.member_officer)
    wrong, right = draft.leaf["1.1"].pk, draft.leaf["1.2"].pk
    response = client.post(
        draft.url,
        {f"points-{wrong}": typed, f"points-{right}": "20", f"note-{right}": "Sửa lại"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Đã lưu nháp" not in page
    # The reason sits beside the field, and both lines show what was typed.
    warning = page.split(f'id="warn-{wrong}">', 1)[1].split("</div>", 1)[0]
    assert message in warning
    assert f'value="{typed}"' in page and 'value="20"' in page and "Sửa lại" in page
    assert _stored(draft.card) == before
    assert not ScoreLineChange.objects.filter(line__scorecard=draft.card).exists()


def test_the_draft_service_refuses_points_out_of_range_for_any_caller(draft):
    from django.core.exceptions import ValidationError

    from campaigns.services import scorecards as scorecard_services

    before = _stored(draft.card)
    entries = {draft.leaf["1.1"].pk: (D("20"), None), draft.leaf["1.2"].pk: (D("26"), None)}
    with pytest.raises(ValidationError) as exc:
        scorecard_services.save_self_scores(
            scorecard=draft.card, by=draft.member_officer, entries=entries
        )
    assert list(exc.value.message_dict) == [f"points-{draft.leaf['1.2'].pk}"]
    assert _stored(draft.card) == before


# --- The review layers ---------------------------------------------------------------------------


@pytest.fixture
def review(bloc_world):
    """E's submitted card under review, cross-checked by D: line 1.1 has review and agreed
    layers with their notes."""
    w = bloc_world
    w.e = w.agencies[4]
    w.table = h.make_table(w.term)
    w.period = _period(w.term, Period.Status.REVIEWING)
    w.cards = h.make_cards(w.period, w.table, w.agencies)
    h.assign(w.period, [(w.d, w.e)], w.secretariat)
    w.line = h.line(w.cards[w.e], "1.1")
    ScoreLine.objects.filter(pk=w.line.pk).update(
        review_points=D("22"),
        review_note="Thiếu minh chứng quý IV",
        reviewer=w.d,
        agreed_points=D("23"),
        agreed_note="Theo hội nghị khối",
        explanation="Đã gửi bổ sung",
    )
    return w


def _line_url(w, layer, line=None):
    line = line or w.line
    return reverse(
        "campaigns:review_line",
        kwargs={
            "bloc_code": w.bloc.code,
            "year": w.term.year,
            "kind": "annual",
            "agency_id": line.scorecard.agency_id,
            "line_id": line.pk,
            "layer": layer,
        },
    )


def test_a_review_post_without_its_note_field_keeps_the_stored_note(client, review):
    client.force_login(review.member_head)
    prefix = f"l{review.line.pk}"
    response = client.post(_line_url(review, "review"), {f"{prefix}-points": "21"})
    assert response.status_code == 302
    review.line.refresh_from_db()
    assert (review.line.review_points, review.line.review_note) == (
        D("21"),
        "Thiếu minh chứng quý IV",
    )


def test_an_agreed_post_without_its_note_field_keeps_the_stored_note(client, review):
    client.force_login(review.secretariat)
    prefix = f"l{review.line.pk}"
    response = client.post(_line_url(review, "agreed"), {f"{prefix}-points": "22,5"})
    assert response.status_code == 302
    review.line.refresh_from_db()
    assert (review.line.agreed_points, review.line.agreed_note) == (
        D("22.5"),
        "Theo hội nghị khối",
    )


@pytest.mark.parametrize(
    "persona, layer, data",
    [
        ("member_head", "review", {"note": "Chỉ có nhận xét"}),
        ("secretariat", "agreed", {"note": "Chỉ có ghi chú"}),
    ],
)
def test_a_layer_post_missing_its_points_is_refused_and_clears_nothing(
    client, review, persona, layer, data
):
    client.force_login(review.personas[persona])
    prefix = f"l{review.line.pk}"
    response = client.post(_line_url(review, layer), {f"{prefix}-{k}": v for k, v in data.items()})
    assert response.status_code == 400
    assert next(iter(data.values())) in response.content.decode()
    fresh = ScoreLine.objects.get(pk=review.line.pk)
    assert (fresh.review_points, fresh.review_note, fresh.agreed_points, fresh.agreed_note) == (
        D("22"),
        "Thiếu minh chứng quý IV",
        D("23"),
        "Theo hội nghị khối",
    )
    assert not ScoreLineChange.objects.filter(line=fresh).exists()


def test_an_explanation_post_missing_its_text_is_refused_and_keeps_the_explanation(client, review):
    line = h.line(review.cards[review.d], "1.1")
    ScoreLine.objects.filter(pk=line.pk).update(explanation="Đã gửi văn bản số 12")
    client.force_login(review.member_head)
    response = client.post(_line_url(review, "explanation", line), {})
    assert response.status_code == 400
    line.refresh_from_db()
    assert line.explanation == "Đã gửi văn bản số 12"


@pytest.mark.parametrize(
    "persona, layer, extra",
    [
        ("member_head", "review", {"note": "Sai"}),
        ("secretariat", "agreed", {"note": ""}),
    ],
)
@pytest.mark.parametrize("typed", ["26", "7,3"])
def test_a_review_layer_never_stores_points_out_of_range_or_off_step(
    client, review, persona, layer, extra, typed
):
    client.force_login(review.personas[persona])
    prefix = f"l{review.line.pk}"
    data = {f"{prefix}-points": typed, **{f"{prefix}-{k}": v for k, v in extra.items()}}
    response = client.post(_line_url(review, layer), data)
    assert response.status_code == 400
    assert f'value="{typed}"' in response.content.decode()
    review.line.refresh_from_db()
    assert (review.line.review_points, review.line.agreed_points) == (D("22"), D("23"))


@pytest.mark.parametrize("typed", ["26", "7,3", "-2"])
def test_the_board_never_stores_points_out_of_range_or_off_step(client, review, typed):
    Scorecard.objects.filter(period=review.period).update(status=Scorecard.Status.AGREED)
    Period.objects.filter(pk=review.period.pk).update(
        status=Period.Status.AGREED,
        self_deadline=timezone.now() - datetime.timedelta(days=2),
        review_deadline=timezone.now() - datetime.timedelta(days=1),
    )
    client.force_login(review.board)
    prefix = f"l{review.line.pk}"
    response = client.post(
        _line_url(review, "board"), {f"{prefix}-points": typed, f"{prefix}-reason": "Kiểm tra"}
    )
    assert response.status_code == 400
    assert f'value="{typed}"' in response.content.decode()
    review.line.refresh_from_db()
    assert review.line.board_points is None and review.line.board_reason == ""


def test_a_board_post_missing_its_reason_is_refused_and_keeps_the_adjustment(client, review):
    Scorecard.objects.filter(period=review.period).update(status=Scorecard.Status.AGREED)
    Period.objects.filter(pk=review.period.pk).update(status=Period.Status.AGREED)
    review_services.adjust_by_board(
        line=review.line, points="20", reason="Sai số liệu", by=review.board
    )
    client.force_login(review.board)
    response = client.post(_line_url(review, "board"), {f"l{review.line.pk}-points": "19"})
    assert response.status_code == 400
    review.line.refresh_from_db()
    assert (review.line.board_points, review.line.board_reason) == (D("20"), "Sai số liệu")


def test_a_cross_check_post_carrying_one_choice_keeps_the_other_assignments(client, review):
    a, b, c, d, e, f = review.agencies
    h.assign(review.period, [(e, f), (f, a)], review.secretariat)
    client.force_login(review.secretariat)
    url = reverse(
        "campaigns:crosscheck_assign", args=[review.bloc.code, review.term.year, "annual"]
    )
    response = client.post(url, {f"reviewer_{b.pk}": str(c.pk)})
    assert response.status_code == 302
    pairs = set(
        CrossCheck.objects.filter(period=review.period).values_list("reviewer_id", "reviewed_id")
    )
    assert pairs == {(d.pk, e.pk), (e.pk, f.pk), (f.pk, a.pk), (c.pk, b.pk)}


def test_a_cross_check_post_with_an_empty_choice_still_removes_that_assignment(client, review):
    a, b, c, d, e, f = review.agencies
    h.assign(review.period, [(e, f)], review.secretariat)
    client.force_login(review.secretariat)
    url = reverse(
        "campaigns:crosscheck_assign", args=[review.bloc.code, review.term.year, "annual"]
    )
    response = client.post(url, {f"reviewer_{f.pk}": ""})
    assert response.status_code == 302
    pairs = set(
        CrossCheck.objects.filter(period=review.period).values_list("reviewer_id", "reviewed_id")
    )
    assert pairs == {(d.pk, e.pk)}
