"""Locking a period in Debian's Chromium: the confirmation page, then the ranking with the
agency that never submitted listed as "chưa nộp"."""

import datetime
import os

import pytest
from django.utils import timezone

from campaigns.models import Period, Scorecard
from campaigns.tests import review_helpers as h
from tests import factories
from tests.browser import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SCREENSHOT_DIR", "")


def test_the_secretariat_confirms_the_lock_and_the_late_agency_stays_in_the_ranking(
    page, bloc_world, tmp_path
):
    w = bloc_world
    table = h.make_table(w.term)
    now = timezone.now()
    period = Period.objects.create(
        term=w.term,
        kind=Period.Kind.ANNUAL,
        self_deadline=now - datetime.timedelta(days=1),
        review_deadline=now + datetime.timedelta(days=7),
        status=Period.Status.REVIEWING,
    )
    h.make_cards(period, table, w.agencies[:5])
    h.make_cards(period, table, [w.agencies[5]], status=Scorecard.Status.DRAFT)
    late = w.agencies[5]
    login(page, w.secretariat.username, factories.PASSWORD)
    page.goto(f"{page.base_url}/blocs/{w.bloc.code}/{w.term.year}/review/annual/")
    page.get_by_role("button", name="Thống nhất điểm và khóa kỳ").click()
    assert_accessible(page)
    page.get_by_role("heading", name="Xác nhận thống nhất điểm và khóa kỳ").wait_for()
    assert_accessible(page)
    assert page.get_by_role("row", name=late.name).is_visible()
    out = SHOTS or str(tmp_path)
    page.screenshot(path=os.path.join(out, "period_agree_confirm.png"), full_page=True)
    # Without the tick nothing is locked.
    page.get_by_role("button", name="Xác nhận thống nhất điểm và khóa kỳ").click()
    page.get_by_text("Hãy đánh dấu xác nhận trước khi khóa kỳ.").wait_for()
    assert_accessible(page)
    period.refresh_from_db()
    assert period.status == Period.Status.REVIEWING
    page.get_by_label("Tôi đã xem danh sách trên").check()
    page.get_by_role("button", name="Xác nhận thống nhất điểm và khóa kỳ").click()
    page.get_by_text("Đã thống nhất điểm").first.wait_for()
    period.refresh_from_db()
    assert period.status == Period.Status.AGREED
    page.get_by_role("link", name="Xếp hạng").first.click()
    assert_accessible(page)
    row = page.locator("tr[data-unsubmitted]")
    assert row.count() == 1 and late.name in row.inner_text() and "chưa nộp" in row.inner_text()
    page.screenshot(path=os.path.join(out, "ranking_after_lock.png"), full_page=True)
