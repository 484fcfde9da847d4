"""Deadlines are typed as dd/mm/yyyy and HH:MM (24 hours) in Vietnam time, in any browser."""

import datetime
import re
from pathlib import Path

import pytest
from django.urls import reverse

from campaigns.demo.scoring import make_table
from campaigns.forms.scoring import PeriodForm
from campaigns.models import Period
from campaigns.tests.test_scoring_pages import ROWS
from khoithidua.fields import VIETNAM, DeadlineField
from tests.browser import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
UTC = datetime.UTC


def _period(self_date, self_time, review_date="15/07/2026", review_time="17:00"):
    return PeriodForm(
        {
            "self_deadline_date": self_date,
            "self_deadline_time": self_time,
            "review_deadline_date": review_date,
            "review_deadline_time": review_time,
        }
    )


def test_a_deadline_is_read_in_vietnam_time():
    form = _period("30/06/2026", "17:00")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["self_deadline"] == datetime.datetime(2026, 6, 30, 10, 0, tzinfo=UTC)


def test_single_digit_day_month_and_hour_are_read():
    form = _period("5/7/2026", "8:05", "9/7/2026", "23:59")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["self_deadline"] == datetime.datetime(2026, 7, 5, 8, 5, tzinfo=VIETNAM)


@pytest.mark.parametrize(
    "date, time, message",
    [
        ("2026-06-30", "17:00", "Ngày phải theo dạng dd/mm/yyyy"),
        ("06/31/2026", "17:00", "Ngày phải theo dạng dd/mm/yyyy"),
        ("31/02/2026", "17:00", "Ngày phải theo dạng dd/mm/yyyy"),
        ("30/06/2026", "5:00 PM", "Giờ phải theo dạng HH:MM, 24 giờ"),
        ("30/06/2026", "24:00", "Giờ phải theo dạng HH:MM, 24 giờ"),
        ("30/06/2026", "", "Hãy nhập giờ theo dạng HH:MM, 24 giờ."),
        ("", "17:00", "Hãy nhập ngày theo dạng dd/mm/yyyy."),
        ("", "", "Hãy nhập ngày (dd/mm/yyyy) và giờ (HH:MM)."),
        ("01/01/0001", "00:00", "Năm của thời hạn phải trong khoảng 1900 – 9998."),
        ("31/12/9999", "23:59", "Năm của thời hạn phải trong khoảng 1900 – 9998."),
    ],
)
def test_a_mistyped_deadline_says_what_is_expected_in_vietnamese(date, time, message):
    form = _period(date, time)
    assert not form.is_valid()
    assert any(message in error for error in form.errors["self_deadline"])


def test_what_was_typed_is_shown_again_after_an_error():
    form = _period("31/02/2026", "17:00")
    assert not form.is_valid()
    html = str(form["self_deadline"])
    assert 'value="31/02/2026"' in html and 'value="17:00"' in html


def test_the_inputs_are_text_with_a_pattern_a_placeholder_and_a_label_each():
    html = str(PeriodForm()["self_deadline"])
    assert "datetime-local" not in html and 'type="date"' not in html
    assert html.count('type="text"') == 2
    assert 'placeholder="dd/mm/yyyy"' in html and 'placeholder="HH:MM"' in html
    assert html.count('inputmode="numeric"') == 2 and html.count("pattern=") == 2
    assert 'name="self_deadline_date"' in html and 'name="self_deadline_time"' in html
    for input_id in ("id_self_deadline_0", "id_self_deadline_1"):
        assert f'<label class="form-label small mb-0" for="{input_id}">' in html
        assert f'id="{input_id}"' in html


def test_the_browser_may_send_what_the_server_reads():
    """The pattern attributes let through the time written "17h00", which the server reads."""
    html = str(PeriodForm()["self_deadline"])
    patterns = re.findall(r'pattern="([^"]+)"', html)
    date_pattern, time_pattern = patterns
    assert re.fullmatch(date_pattern, "30/06/2026") and re.fullmatch(time_pattern, "17h00")
    form = _period("30/06/2026", "17h00", review_time="17H30")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["self_deadline"] == datetime.datetime(2026, 6, 30, 10, 0, tzinfo=UTC)
    assert form.cleaned_data["review_deadline"].astimezone(VIETNAM).time() == datetime.time(17, 30)


def test_a_deadline_is_shown_in_vietnam_time_for_editing():
    moment = datetime.datetime(2026, 6, 30, 10, 0, tzinfo=UTC)
    html = str(PeriodForm(initial={"self_deadline": moment})["self_deadline"])
    assert 'value="30/06/2026"' in html and 'value="17:00"' in html


def test_a_whole_moment_in_one_value_is_still_read():
    """Scripts that post the moment in one value, as the former input did, keep working."""
    field = DeadlineField()
    assert field.clean("2026-06-30T17:00") == datetime.datetime(2026, 6, 30, 10, 0, tzinfo=UTC)
    form = PeriodForm({"self_deadline": "30/06/2026 17:00", "review_deadline": "1/7/2026 17:00"})
    assert form.is_valid(), form.errors


def test_no_form_or_template_uses_the_browsers_date_inputs():
    offences = []
    for folder in ("templates", "campaigns", "blocs", "awards", "reports", "khoithidua"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in {".html", ".py"} or "tests" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            if re.search(r"datetime-local|type=\"date\"|input_type = \"date", text):
                offences.append(str(path.relative_to(ROOT)))
    assert offences == []


def test_the_period_form_saves_split_inputs(client, bloc_world):
    make_table(bloc_world.term, ROWS, by=bloc_world.secretariat)
    client.force_login(bloc_world.secretariat)
    url = reverse("campaigns:period_edit", args=[bloc_world.bloc.code, 2026, "semiannual"])
    page = client.get(url).content.decode()
    assert 'name="self_deadline_date"' in page and 'name="self_deadline_time"' in page
    response = client.post(
        url,
        {
            "self_deadline_date": "30/06/2026",
            "self_deadline_time": "17:00",
            "review_deadline_date": "15/07/2026",
            "review_deadline_time": "08:30",
        },
    )
    assert response.status_code == 302
    period = Period.objects.get(term=bloc_world.term, kind="semiannual")
    assert period.review_deadline == datetime.datetime(2026, 7, 15, 1, 30, tzinfo=UTC)


@pytest.mark.browser
def test_an_english_browser_types_the_deadline_the_vietnamese_way(
    transactional_db, bloc_world, chromium_browser, live_server
):
    make_table(bloc_world.term, ROWS, by=bloc_world.secretariat)
    context = chromium_browser.new_context(locale="en-US", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.base_url = live_server.url
    try:
        login(page, bloc_world.secretariat.username, PASSWORD)
        page.goto(
            live_server.url
            + reverse("campaigns:period_edit", args=[bloc_world.bloc.code, 2026, "semiannual"])
        )
        page.get_by_label("Ngày (dd/mm/yyyy)").first.fill("30/06/2026")
        page.get_by_label("Giờ (HH:MM, 24 giờ)").first.fill("17:00")
        page.get_by_label("Ngày (dd/mm/yyyy)").nth(1).fill("15/07/2026")
        page.get_by_label("Giờ (HH:MM, 24 giờ)").nth(1).fill("17:00")
        page.locator("form button[type=submit]").last.click()
        page.wait_for_load_state()
        period = Period.objects.get(term=bloc_world.term, kind="semiannual")
        assert period.self_deadline == datetime.datetime(2026, 6, 30, 10, 0, tzinfo=UTC)
    finally:
        context.close()
