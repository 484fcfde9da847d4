"""Locking a period asks for confirmation, waits for open self-score deadlines, keeps every
non-submitter visible, and can be undone by the secretariat with a reason."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import DeadlineExtension, Period, Scorecard, ScoreLine
from campaigns.services import agreement
from campaigns.services import review as review_services
from campaigns.tests import review_helpers as h

pytestmark = pytest.mark.django_db

D = Decimal
CONFIRM = {"step": "confirm", "confirm": "1"}


def _period(term, *, self_days, review_days):
    now = timezone.now()
    return Period.objects.create(
        term=term,
        kind=Period.Kind.ANNUAL,
        self_deadline=now + datetime.timedelta(days=self_days),
        review_deadline=now + datetime.timedelta(days=review_days),
        status=Period.Status.REVIEWING,
    )


def _world(w, *, self_days, review_days=10):
    """A, B, C and F submitted; D (the personas' agency) still drafting; E never opened a card."""
    w.e, w.f = w.agencies[4], w.agencies[5]
    w.table = h.make_table(w.term)
    w.period = _period(w.term, self_days=self_days, review_days=review_days)
    w.cards = h.make_cards(w.period, w.table, [w.a, w.b, w.c, w.f])
    w.cards.update(h.make_cards(w.period, w.table, [w.d], status=Scorecard.Status.DRAFT))
    return w


@pytest.fixture
def late(bloc_world):
    """The self-score deadline passed yesterday; the review deadline is still ahead."""
    return _world(bloc_world, self_days=-1)


@pytest.fixture
def early(bloc_world):
    """The self-score deadline is still two days ahead."""
    return _world(bloc_world, self_days=2)


def url(w, name, **kwargs):
    return reverse(
        f"campaigns:{name}",
        kwargs={"bloc_code": w.bloc.code, "year": w.term.year, "kind": "annual", **kwargs},
    )


def _status(w):
    return Period.objects.get(pk=w.period.pk).status


# --- The confirmation step ---------------------------------------------------------------------


def test_the_lock_button_shows_who_has_not_submitted_and_locks_nothing(client, late):
    client.force_login(late.secretariat)
    response = client.post(url(late, "period_agree"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Xác nhận thống nhất điểm và khóa kỳ" in page
    assert late.d.name in page and "Đang soạn (nháp)" in page
    assert late.e.name in page and "Chưa lập phiếu" in page
    assert late.f.name not in page.split("Đơn vị chưa nộp phiếu", 1)[1].split("</table>")[0]
    # The review deadline is still open and is named; nothing was locked.
    assert "Hạn chấm chéo" in page and 'name="confirm"' in page
    assert _status(late) == Period.Status.REVIEWING
    assert not Scorecard.objects.filter(period=late.period, status="agreed").exists()


def test_a_confirmation_without_the_tick_locks_nothing(client, late):
    client.force_login(late.secretariat)
    response = client.post(url(late, "period_agree"), {"step": "confirm"})
    assert response.status_code == 400
    assert "Hãy đánh dấu xác nhận trước khi khóa kỳ." in response.content.decode()
    assert _status(late) == Period.Status.REVIEWING


def test_the_confirmed_second_post_locks_the_period(client, late):
    client.force_login(late.secretariat)
    response = client.post(url(late, "period_agree"), CONFIRM)
    assert response.status_code == 302
    assert _status(late) == Period.Status.AGREED
    assert Scorecard.objects.get(period=late.period, agency=late.d).status == "draft"


def test_locking_before_the_self_score_deadline_is_refused_while_a_card_is_not_submitted(
    client, early
):
    client.force_login(early.secretariat)
    page = client.post(url(early, "period_agree")).content.decode()
    assert "Chưa thể khóa kỳ" in page and early.d.name in page
    assert "Hạn tự chấm chung" in page
    assert 'name="confirm"' not in page
    response = client.post(url(early, "period_agree"), CONFIRM)
    assert response.status_code == 400
    assert "Chưa thể khóa kỳ" in response.content.decode()
    assert _status(early) == Period.Status.REVIEWING


def test_locking_before_the_deadline_is_allowed_once_every_card_is_submitted(client, early):
    Scorecard.objects.filter(period=early.period).update(status=Scorecard.Status.SUBMITTED)
    h.make_cards(early.period, early.table, [early.e])
    client.force_login(early.secretariat)
    page = client.post(url(early, "period_agree")).content.decode()
    assert "Mọi đơn vị đã nộp phiếu." in page and "Chưa thể khóa kỳ" not in page
    assert client.post(url(early, "period_agree"), CONFIRM).status_code == 302
    assert _status(early) == Period.Status.AGREED


def test_an_extension_still_running_refuses_locking(client, late):
    # Everyone else has submitted; D's own deadline runs two more days.
    h.make_cards(late.period, late.table, [late.e])
    DeadlineExtension.objects.create(
        period=late.period,
        agency=late.d,
        until=timezone.now() + datetime.timedelta(days=2),
        reason="Đơn vị có văn bản xin gia hạn",
        granted_by=late.secretariat,
    )
    client.force_login(late.secretariat)
    page = client.post(url(late, "period_agree")).content.decode()
    assert f"Gia hạn tự chấm cho {late.d.name}" in page
    assert "Chưa thể khóa kỳ" in page and 'name="confirm"' not in page
    assert client.post(url(late, "period_agree"), CONFIRM).status_code == 400
    assert _status(late) == Period.Status.REVIEWING


def test_the_service_refuses_a_lock_while_a_non_submitter_still_has_time(late):
    from django.core.exceptions import ValidationError

    before = late.period.self_deadline - datetime.timedelta(hours=1)
    with pytest.raises(ValidationError) as exc:
        agreement.agree_period(period=late.period, by=late.secretariat, now=before)
    assert late.d.name in exc.value.messages[0] and late.e.name in exc.value.messages[0]
    assert _status(late) == Period.Status.REVIEWING


# --- Non-submitters after the lock -------------------------------------------------------------


def _lock(w):
    assert agreement.agree_period(period=w.period, by=w.secretariat).status == "agreed"


def test_a_non_submitter_is_listed_after_the_ranked_ones_as_not_submitted(client, late):
    _lock(late)
    client.force_login(late.last_year_leader)
    page = client.get(url(late, "ranking")).content.decode()
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = body.split("<tr")[1:]
    assert len(rows) == 6
    # The four ranked first, then D and E, without a rank.
    assert all(late.d.name not in r and late.e.name not in r for r in rows[:4])
    assert late.d.name in rows[4] and late.e.name in rows[5]
    for row in rows[4:]:
        assert "chưa nộp" in row
        assert '<td class="num">—</td>' in row


def test_period_data_keeps_ranked_and_names_non_submitters_apart(late):
    from campaigns import selectors

    _lock(late)
    data = selectors.load_period(Period.objects.get(pk=late.period.pk))
    assert sorted(r.agency_id for r in data.ranked) == sorted(
        a.pk for a in (late.a, late.b, late.c, late.f)
    )
    assert [a.id for a in data.unsubmitted] == [late.d.pk, late.e.pk]


def test_the_locked_card_of_a_non_submitter_says_why_it_has_no_buttons(client, late):
    _lock(late)
    client.force_login(late.member_head)
    card = late.cards[late.d]
    response = client.get(
        reverse(
            "campaigns:scorecard_detail", args=[late.bloc.code, late.term.year, "annual", card.pk]
        )
    )
    page = response.content.decode()
    assert "Kỳ đã khóa khi đơn vị chưa nộp phiếu." in page
    assert "Lưu nháp" not in page and "Lưu và nộp phiếu" not in page


# --- Reopening ---------------------------------------------------------------------------------


def test_the_secretariat_reopens_a_locked_period_with_a_reason_kept_in_history(client, late):
    _lock(late)
    line = h.line(late.cards[late.a], "1.1")
    ScoreLine.objects.filter(pk=line.pk).update(review_points=D("23"))
    client.force_login(late.secretariat)
    reason = "Đơn vị D nộp muộn có lý do chính đáng"
    response = client.post(url(late, "period_reopen"), {"reason": reason})
    assert response.status_code == 302
    period = Period.objects.get(pk=late.period.pk)
    assert (period.status, period.agreed_at) == (Period.Status.REVIEWING, None)
    last = period.history.order_by("-history_date", "-history_id").first()
    assert (last.history_change_reason, last.history_user) == (reason, late.secretariat)
    statuses = dict(Scorecard.objects.filter(period=period).values_list("agency_id", "status"))
    assert statuses[late.a.pk] == "reviewed" and statuses[late.b.pk] == "submitted"
    assert statuses[late.d.pk] == "draft"
    home = client.get(url(late, "review_home")).content.decode()
    assert reason in home


def test_reopening_needs_a_reason(client, late):
    _lock(late)
    client.force_login(late.secretariat)
    response = client.post(url(late, "period_reopen"), {"reason": "  "})
    assert response.status_code == 400
    assert "Phải ghi lý do mở lại kỳ." in response.content.decode()
    assert _status(late) == Period.Status.AGREED


def test_reopening_is_refused_once_the_board_adjusted_a_line(client, late):
    _lock(late)
    review_services.adjust_by_board(
        line=h.line(late.cards[late.a], "1.1"), points="20", reason="Sai số liệu", by=late.board
    )
    client.force_login(late.secretariat)
    home = client.get(url(late, "review_home")).content.decode()
    assert "Không thể mở lại kỳ" in home and 'name="reason"' not in home
    response = client.post(url(late, "period_reopen"), {"reason": "Thử mở lại"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Không thể mở lại kỳ: Ban Thi đua – Khen thưởng đã điều chỉnh điểm" in page
    assert "Thử mở lại" in page
    assert _status(late) == Period.Status.AGREED


def test_a_late_member_submits_after_the_reopening_within_its_extension(late):
    from campaigns.services import periods as period_services
    from campaigns.services import scorecards as scorecard_services

    _lock(late)
    agreement.reopen_period(period=late.period, by=late.secretariat, reason="Gia hạn cho D")
    period_services.extend_deadline(
        period=late.period,
        agency=late.d,
        until=timezone.now() + datetime.timedelta(days=1),
        reason="Đơn vị có văn bản xin gia hạn",
        by=late.secretariat,
    )
    scorecard_services.submit_scorecard(scorecard=late.cards[late.d], by=late.member_head)
    assert Scorecard.objects.get(pk=late.cards[late.d].pk).status == "submitted"


# --- The provisional ranking -------------------------------------------------------------------


def test_the_ranking_page_says_provisional_until_the_period_is_agreed(client, late):
    client.force_login(late.secretariat)
    banner = "Xếp hạng tạm thời — kỳ chưa được thống nhất"
    explain = url(late, "ranking_explain", agency_id=late.a.pk)
    assert banner in client.get(url(late, "ranking")).content.decode()
    assert "tạm thời — kỳ chưa được thống nhất" in client.get(explain).content.decode()
    _lock(late)
    assert banner not in client.get(url(late, "ranking")).content.decode()
    assert "tạm thời" not in client.get(explain).content.decode()


def test_a_review_changed_after_reopening_reaches_the_result_when_locked_again(late):
    line = h.line(late.cards[late.a], "1.1")
    kept = h.line(late.cards[late.a], "1.2")
    review_services.record_agreed(
        line=kept, points="7", note="Theo biên bản họp", by=late.secretariat
    )
    _lock(late)
    line.refresh_from_db()
    assert line.agreed_points == line.value(upto="review")
    agreement.reopen_period(period=late.period, by=late.secretariat, reason="Chấm lại 1.1")
    line.refresh_from_db()
    kept.refresh_from_db()
    # The lock's default is emptied; what the secretariat agreed on purpose stays.
    assert line.agreed_points is None and kept.agreed_points == D("7")
    ScoreLine.objects.filter(pk=line.pk).update(review_points=D("3"))
    _lock(late)
    line.refresh_from_db()
    assert (line.agreed_points, line.final_points) == (D("3"), D("3"))
    assert line.changes.filter(layer="agreed", new_value="").exists()


def test_a_reason_longer_than_allowed_is_refused_and_kept(client, late):
    _lock(late)
    client.force_login(late.secretariat)
    reason = "Lý do " * 30
    response = client.post(url(late, "period_reopen"), {"reason": reason})
    assert response.status_code == 400
    assert _status(late) == Period.Status.AGREED
    assert reason.strip()[:50] in response.content.decode()


def test_reopening_a_period_not_agreed_is_refused_with_its_reason(client, late):
    client.force_login(late.secretariat)
    response = client.post(url(late, "period_reopen"), {"reason": "Mở lại"})
    assert response.status_code == 400
    assert "Kỳ chưa được thống nhất điểm nên không cần mở lại." in response.content.decode()
    assert _status(late) == Period.Status.REVIEWING


def test_agreeing_an_agreed_period_again_changes_nothing(client, late):
    _lock(late)
    agreed_at = Period.objects.get(pk=late.period.pk).agreed_at
    client.force_login(late.secretariat)
    response = client.post(url(late, "period_agree"), CONFIRM, follow=True)
    assert "Kỳ chấm điểm đã được thống nhất trước đó." in response.content.decode()
    assert Period.objects.get(pk=late.period.pk).agreed_at == agreed_at


@pytest.mark.parametrize("field", ["self_deadline", "review_deadline"])
def test_a_deadline_at_the_edge_of_the_calendar_is_refused_with_a_message(field):
    from campaigns.forms.scoring import PeriodForm

    data = {"self_deadline": "2026-06-15T17:00", "review_deadline": "2026-06-30T17:00"}
    data[field] = "0001-01-01T00:00"
    form = PeriodForm(data=data)
    assert not form.is_valid()
    assert form.errors[field] == ["Năm của thời hạn phải trong khoảng 1900 – 9998."]
