"""Playwright driving Debian's Chromium (never a downloaded browser) for the browser tests."""

import functools
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def chromium_browser():
    from conftest import require_services

    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if require_services():
            pytest.fail(f"Chromium is required but missing at {CHROMIUM}")
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium_browser, live_server):
    context = chromium_browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    yield page
    context.close()


def login(page, username, password):
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(page.base_url + "/")


AXE_SOURCE = Path(__file__).with_name("vendor").joinpath("axe-core", "axe.min.js")
# The standard we are held to: WCAG 2.1 level A and AA (axe's tags for 2.0 and the 2.1 additions).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_RUN = """([context, tags]) => window.axe.run(context || document, {
  runOnly: {type: "tag", values: tags},
  resultTypes: ["violations"],
})"""


def axe_violations(page, *, context=None) -> list[dict]:
    """Run axe on the page as it is now and return its violations (axe's own dictionaries)."""
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated by the browser's debugging protocol, so the page's policy that refuses inline
        # scripts does not apply, and nothing is added to the page's markup.
        page.evaluate(_axe_source())
    return page.evaluate(AXE_RUN, [context, AXE_TAGS])["violations"]


def describe_violations(violations: list[dict], *, targets: int = 3) -> str:
    """One line per violated rule, with the elements a developer has to fix."""
    lines = []
    for v in violations:
        nodes = v["nodes"]
        shown = ", ".join(" ".join(map(str, n["target"])) for n in nodes[:targets])
        more = f" (+{len(nodes) - targets} more)" if len(nodes) > targets else ""
        lines.append(f"- {v['id']} [{v['impact']}] {v['help']}: {shown}{more}")
    return "\n".join(lines)


def assert_accessible(page, *, context=None):
    """Fail with every WCAG 2.1 A/AA violation axe finds on the page (or in ``context``)."""
    violations = axe_violations(page, context=context)
    assert not violations, (
        f"{len(violations)} accessibility rule(s) violated on {page.url}:\n"
        + describe_violations(violations)
    )


@functools.cache
def _axe_source() -> str:
    return AXE_SOURCE.read_text(encoding="utf-8")
