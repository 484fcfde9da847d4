"""The main pages in Chromium under the Content-Security-Policy: nothing refused, nothing broken."""

import pytest
from django.urls import reverse

from campaigns.models import Period
from campaigns.services import agreement
from campaigns.tests import review_helpers as h
from campaigns.tests.test_pledge_support import make_open
from tests.browser import assert_accessible, login
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Playwright's init scripts run outside the page's policy, before any script of the page.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@pytest.fixture
def watched(page):
    """The page, with every policy violation and script error it meets recorded."""
    page.problems = []

    def on_console(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            page.problems.append(message.text)

    page.add_init_script(RECORD_VIOLATIONS)
    page.on("console", on_console)
    page.on("pageerror", lambda error: page.problems.append(f"script error: {error}"))
    return page


def _visit(page, path):
    """Open a page: it must carry the policy, and break none of it."""
    response = page.goto(page.base_url + path)
    assert response.status == 200, path
    policy = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in policy and "unsafe-eval" not in policy, path
    page.wait_for_load_state("load")
    violations = page.evaluate("window.__cspViolations")
    assert violations == [] and page.problems == [], (path, violations, page.problems)
    assert_accessible(page)


def test_main_pages_break_no_part_of_the_policy(watched, bloc_world):
    w = bloc_world
    make_open(w)
    table = h.make_table(w.term)
    period = h.make_period(w.term, kind=Period.Kind.ANNUAL)
    cards = h.make_cards(period, table)
    agreement.agree_period(period=period, by=w.secretariat)
    code, year = w.bloc.code, w.term.year

    _visit(watched, reverse("login"))
    login(watched, w.secretariat.username, PASSWORD)
    for path in (
        reverse("dashboard"),
        reverse("blocs:term_detail", args=[code, year]),
        reverse("campaigns:pledge_detail", args=[code, year]),
        reverse("campaigns:scorecard_detail", args=[code, year, "annual", cards[w.d].pk]),
        reverse("campaigns:ranking", args=[code, year, "annual"]),
        reverse("campaigns:review_grid", args=[code, year, "annual"]),
    ):
        _visit(watched, path)


def test_confirm_and_language_switch_work_without_inline_script(watched, bloc_world):
    w = bloc_world
    login(watched, w.secretariat.username, PASSWORD)
    _visit(watched, reverse("blocs:term_detail", args=[w.bloc.code, w.term.year]))

    # Closing the year asks first; dismissing the question keeps the year open.
    questions = []

    def dismiss(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    watched.once("dialog", dismiss)
    watched.get_by_role("button", name=f"Kết thúc năm thi đua {w.term.year}").click()
    watched.wait_for_timeout(300)
    assert questions and "chỉ còn xem được" in questions[0]
    w.term.refresh_from_db()
    assert not w.term.is_closed

    # Choosing a language submits the switch at once.
    with watched.expect_navigation():
        watched.locator("#lang-select").select_option("en")
    assert watched.locator("html").get_attribute("lang") == "en"
    assert watched.evaluate("window.__cspViolations") == [] and watched.problems == []
