"""The API's pages in Chromium under the site's Content-Security-Policy: the token page, the
schema's documentation page (Swagger UI) and the browsable API break none of it."""

import pytest
from django.urls import reverse

from tests.browser import assert_accessible, axe_violations, describe_violations, login
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
    page.problems = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console",
        lambda m: page.problems.append(m.text) if m.type == "error" else None,
    )
    page.on("pageerror", lambda error: page.problems.append(f"script error: {error}"))
    return page


def visit(page, path):
    response = page.goto(page.base_url + path)
    assert response.status == 200, path
    policy = response.headers.get("content-security-policy", "")
    assert (
        "default-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src-attr")[0]
    )
    page.wait_for_load_state("load")
    return response


def assert_no_problem(page):
    assert page.evaluate("window.__cspViolations") == [] and page.problems == [], (
        page.url,
        page.evaluate("window.__cspViolations"),
        page.problems,
    )


def test_a_user_makes_a_token_and_reads_the_documentation(watched, api_world):
    w = api_world.world
    login(watched, w.member_head.username, PASSWORD)
    visit(watched, reverse("dashboard"))
    watched.locator("nav .dropdown-toggle").last.click()
    watched.get_by_role("link", name="Mã truy cập API").click()
    watched.wait_for_load_state("load")
    assert_accessible(watched)
    watched.get_by_role("button", name="Tạo mã truy cập").click()
    watched.wait_for_load_state("load")
    key = watched.get_by_label("Mã truy cập mới của đồng chí").input_value()
    assert len(key) == 40
    assert_accessible(watched)
    assert_no_problem(watched)

    # The documentation page draws every operation from the schema, and calls one with the
    # browser's session.
    watched.get_by_role(
        "link", name="Tài liệu API (các địa chỉ, tham số và dữ liệu trả về)"
    ).click()
    watched.wait_for_selector(".swagger-ui .opblock")
    operations = watched.locator(".swagger-ui .opblock-summary-path").all_inner_texts()
    assert "/api/v1/blocs/{bloc_code}/terms/{year}/rankings/{kind}/" in operations
    watched.locator(".opblock-summary", has_text="/api/v1/blocs/").first.click()
    watched.get_by_role("button", name="Try it out").click()
    watched.get_by_role("button", name="Execute").click()
    status = watched.locator(".swagger-ui .live-responses-table tbody .response-col_status")
    status.first.wait_for()
    assert status.first.inner_text().strip() == "200"
    assert_no_problem(watched)
    # Swagger UI's own markup is not ours; the site's part of the page must be accessible.
    violations = axe_violations(watched, context={"exclude": [["#swagger-ui"]]})
    assert not violations, describe_violations(violations)


def test_the_browsable_api_keeps_the_policy(watched, api_world):
    w, term = api_world.world, api_world.term
    login(watched, w.secretariat.username, PASSWORD)
    for path in (
        reverse("api:index"),
        reverse("api:term_detail", args=[term.bloc.code, term.year]),
        reverse("api:ranking", args=[term.bloc.code, term.year, "annual"]),
    ):
        visit(watched, path)
        assert "API Khối thi đua" in watched.title()
        assert_no_problem(watched)
