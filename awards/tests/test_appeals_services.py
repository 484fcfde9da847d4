"""Provisional ranking, appeals and the final ranking: the services, with numbers."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from awards import notices
from awards.models import Appeal
from awards.services import appeals
from awards.tasks import finalize_rankings_task
from blocs.models import Notification
from campaigns import selectors
from campaigns.models import Period, ScoreLineChange
from campaigns.tests.review_helpers import line, make_cards, make_period, make_table

pytestmark = pytest.mark.django_db

D = Decimal
T0 = timezone.make_aware(datetime.datetime(2026, 12, 10, 9, 0))


def agreed_world(world):
    """An agreed annual period: C leads D by 2 points, D's line 1.1 agreed at 20 (max 25)."""
    table = make_table(world.term)
    period = make_period(world.term, status=Period.Status.AGREED)
    cards = make_cards(period, table, points={world.d: {"1.1": "20"}, world.c: {"1.1": "22"}})
    return period, cards


def publish(world, period, days=5):
    return appeals.publish_ranking(period=period, by=world.secretariat, appeal_days=days, now=T0)


def appeal_on(world, publication, cards, points="24", when=None):
    return appeals.submit_appeal(
        publication=publication,
        agency=world.d,
        lines=[(line(cards[world.d], "1.1"), points)],
        reason="Có minh chứng bổ sung",
        by=world.member_head,
        now=when or T0 + datetime.timedelta(days=1),
    )


def rank_of(period, agency):
    return next(r.rank for r in selectors.load_period(period).ranked if r.agency_id == agency.pk)


def test_an_upheld_appeal_changes_the_agreed_points_keeps_the_old_value_and_reranks(bloc_world):
    w = bloc_world
    period, cards = agreed_world(w)
    assert rank_of(period, w.d) > rank_of(period, w.c)
    publication = publish(w, period)
    appeal = appeal_on(w, publication, cards)
    assert appeal.number == 1
    ln = line(cards[w.d], "1.1")
    appeals.answer_appeal(
        appeal=appeal,
        upheld=True,
        answer="Minh chứng hợp lệ",
        new_points={ln.pk: "24"},
        by=w.secretariat,
        now=T0 + datetime.timedelta(days=2),
    )
    ln.refresh_from_db()
    assert ln.agreed_points == D("24")
    change = ScoreLineChange.objects.filter(line=ln, layer="agreed").latest("id")
    assert change.old_value == "20" and change.new_value == "24"
    assert "kiến nghị số 1" in change.note and w.d.name in change.note
    assert change.changed_by == w.secretariat
    row = appeal.lines.get()
    assert (row.old_points, row.requested_points, row.new_points) == (D("20"), D("24"), D("24"))
    assert rank_of(period, w.d) < rank_of(period, w.c)


def test_a_rejected_appeal_keeps_the_points(bloc_world):
    w = bloc_world
    period, cards = agreed_world(w)
    appeal = appeal_on(w, publish(w, period), cards)
    appeals.answer_appeal(appeal=appeal, upheld=False, answer="Không có căn cứ", by=w.secretariat)
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.REJECTED
    assert line(cards[w.d], "1.1").final_points == D("20")
    assert appeal.lines.get().new_points is None


def test_an_appeal_needs_an_answer(bloc_world):
    w = bloc_world
    period, cards = agreed_world(w)
    appeal = appeal_on(w, publish(w, period), cards)
    with pytest.raises(ValidationError):
        appeals.answer_appeal(appeal=appeal, upheld=False, answer="  ", by=w.secretariat)


def test_an_upheld_line_over_its_maximum_is_refused_and_nothing_changes(bloc_world):
    w = bloc_world
    period, cards = agreed_world(w)
    appeal = appeal_on(w, publish(w, period), cards)
    ln = line(cards[w.d], "1.1")
    with pytest.raises(ValidationError):
        appeals.answer_appeal(
            appeal=appeal, upheld=True, answer="Đồng ý", new_points={ln.pk: "30"}, by=w.secretariat
        )
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.PENDING
    assert line(cards[w.d], "1.1").final_points == D("20")


def test_appeals_are_numbered_per_publication(bloc_world):
    w = bloc_world
    period, cards = agreed_world(w)
    publication = publish(w, period)
    assert appeal_on(w, publication, cards).number == 1
    assert appeal_on(w, publication, cards, points=None).number == 2


def test_a_closed_window_refuses_a_new_appeal(bloc_world):
    w = bloc_world
    period, cards = agreed_world(w)
    publication = publish(w, period, days=5)
    with pytest.raises(ValidationError, match="hết thời hạn"):
        appeal_on(w, publication, cards, when=T0 + datetime.timedelta(days=5))


def test_an_agency_cannot_appeal_another_agencys_line(bloc_world):
    w = bloc_world
    period, cards = agreed_world(w)
    publication = publish(w, period)
    with pytest.raises(ValidationError, match="của đơn vị mình"):
        appeals.submit_appeal(
            publication=publication,
            agency=w.d,
            lines=[(line(cards[w.c], "1.1"), None)],
            reason="Điểm của C cao quá",
            by=w.member_head,
            now=T0,
        )


def test_an_appeal_needs_a_line_and_a_reason(bloc_world):
    w = bloc_world
    period, _cards = agreed_world(w)
    publication = publish(w, period)
    with pytest.raises(ValidationError) as exc:
        appeals.submit_appeal(
            publication=publication, agency=w.d, lines=[], reason="", by=w.member_head, now=T0
        )
    assert set(exc.value.message_dict) == {"lines", "reason"}


def test_only_an_agreed_period_is_published_and_only_once(bloc_world):
    w = bloc_world
    table = make_table(w.term)
    period = make_period(w.term)
    make_cards(period, table)
    with pytest.raises(ValidationError):
        appeals.publish_ranking(period=period, by=w.secretariat)
    period.status = Period.Status.AGREED
    period.save()
    publication = appeals.publish_ranking(period=period, by=w.secretariat, now=T0)
    assert publication.appeal_days == 5
    assert publication.closes_at == T0 + datetime.timedelta(days=5)
    with pytest.raises(ValidationError):
        appeals.publish_ranking(period=period, by=w.secretariat)


def test_final_only_after_the_window_closed_when_appeals_are_answered_first(bloc_world):
    w = bloc_world
    period, cards = agreed_world(w)
    publication = publish(w, period)
    appeal = appeal_on(w, publication, cards)
    appeals.answer_appeal(
        appeal=appeal,
        upheld=False,
        answer="Không",
        by=w.secretariat,
        now=T0 + datetime.timedelta(2),
    )
    publication.refresh_from_db()
    assert not publication.is_final
    assert not appeals.finalize_if_due(publication=publication, now=T0 + datetime.timedelta(4))
    assert appeals.finalize_if_due(publication=publication, now=T0 + datetime.timedelta(5))
    publication.refresh_from_db()
    assert publication.finalized_at == T0 + datetime.timedelta(5)


def test_final_only_once_every_appeal_is_answered_after_the_window(bloc_world):
    w = bloc_world
    period, cards = agreed_world(w)
    publication = publish(w, period)
    appeal = appeal_on(w, publication, cards)
    late = T0 + datetime.timedelta(days=6)
    assert not appeals.finalize_if_due(publication=publication, now=late)
    appeals.answer_appeal(appeal=appeal, upheld=False, answer="Không", by=w.secretariat, now=late)
    publication.refresh_from_db()
    assert publication.finalized_at == late
    assert publication.finalized_by == w.secretariat


def test_the_beat_task_finalises_due_rankings(bloc_world):
    w = bloc_world
    period, _cards = agreed_world(w)
    publication = appeals.publish_ranking(
        period=period, by=w.secretariat, appeal_days=1, now=timezone.now() - datetime.timedelta(2)
    )
    assert finalize_rankings_task() == 1
    publication.refresh_from_db()
    assert publication.is_final


def test_each_step_tells_the_right_people(bloc_world, django_capture_on_commit_callbacks):
    w = bloc_world
    period, cards = agreed_world(w)
    publication = publish(w, period)
    told = set(
        Notification.objects.filter(kind=notices.RANKING_PROVISIONAL).values_list("user", flat=True)
    )
    assert {w.member_head.pk, w.member_officer.pk, w.deputy.pk} <= told
    assert w.outsider.pk not in told and w.board.pk not in told
    assert w.secretariat.pk not in told  # the one who published is not told of his own act
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        appeal = appeal_on(w, publication, cards)
    assert {w.secretariat.email} <= {to for m in mail.outbox for to in m.to}
    received = set(
        Notification.objects.filter(kind=notices.APPEAL_RECEIVED).values_list("user", flat=True)
    )
    assert received == {w.secretariat.pk, w.secretariat_officer.pk}
    appeals.answer_appeal(
        appeal=appeal,
        upheld=False,
        answer="Không có căn cứ",
        by=w.secretariat,
        now=T0 + datetime.timedelta(days=6),
    )
    answered = set(
        Notification.objects.filter(kind=notices.APPEAL_ANSWERED).values_list("user", flat=True)
    )
    assert answered == {w.member_head.pk, w.member_officer.pk}
    assert Notification.objects.filter(kind=notices.RANKING_FINAL, user=w.member_head).exists()


def test_the_agreed_points_change_after_an_appeal_only_on_an_agreed_period(bloc_world):
    from campaigns.services.review import amend_agreed_after_appeal

    w = bloc_world
    table = make_table(w.term)
    period = make_period(w.term)
    cards = make_cards(period, table)
    with pytest.raises(ValidationError, match="đã thống nhất"):
        amend_agreed_after_appeal(
            line=line(cards[w.d], "1.1"), points="20", reason="Kiến nghị số 1", by=w.secretariat
        )


def test_a_reopened_period_refuses_new_appeals(bloc_world):
    w = bloc_world
    period, cards = agreed_world(w)
    publication = publish(w, period)
    Period.objects.filter(pk=period.pk).update(status=Period.Status.REVIEWING)
    with pytest.raises(ValidationError, match="mở lại"):
        appeal_on(w, publication, cards)


def test_a_published_period_is_not_reopened_and_says_why(bloc_world):
    from campaigns.services import agreement

    w = bloc_world
    period, cards = agreed_world(w)
    publication = publish(w, period)
    with pytest.raises(ValidationError, match="công bố tạm thời"):
        agreement.reopen_period(period=period, by=w.secretariat, reason="Chấm lại")
    appeals.finalize_if_due(publication=publication, now=publication.closes_at)
    with pytest.raises(ValidationError, match="công bố chính thức"):
        agreement.reopen_period(period=period, by=w.secretariat, reason="Chấm lại")
    period.refresh_from_db()
    assert period.status == Period.Status.AGREED


def test_an_agreed_period_not_yet_published_may_still_be_reopened(bloc_world):
    from campaigns.services import agreement

    w = bloc_world
    period, _cards = agreed_world(w)
    agreement.reopen_period(period=period, by=w.secretariat, reason="Chấm lại dòng 1.1")
    period.refresh_from_db()
    assert period.status == Period.Status.REVIEWING
