"""Every page each persona can open, on the demo data, passes axe (WCAG 2.1 A and AA).

The crawl starts at the dashboard and follows the links a persona is shown, opening each page
kind (URL name, and period kind) once. A final check takes every URL name of the apps' views
from the resolver, the one the access matrices are held to (``tests/urlnames.py``), and fails
for any GET page that no crawl reached: a page added later is checked as soon as it is linked.
"""

import datetime
import io
import json
import os
from types import SimpleNamespace
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import Resolver404, get_resolver, resolve, reverse
from django.utils import timezone

from awards.models import Ballot, ReviewMeeting
from awards.services import appeals as appeal_services
from awards.services import ballots as ballot_services
from awards.services import catalogue as award_catalogue
from awards.services import meetings as meeting_services
from blocs.models import BlocTerm, Membership
from campaigns.services import criteria as criteria_services
from campaigns.services import pledges as pledge_services
from reports import services as report_services
from tests import factories
from tests.browser import axe_violations, describe_violations, login
from tests.factories import PASSWORD
from tests.urlnames import url_names_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "khoithidua2026"
# The demo's logins (README "Demo logins") for the personas of DESIGN.md "Users".
PERSONAS = {
    "board_officer": "bantdkt",
    "secretariat_head": "bnctu.truong",
    "member_head": "ubkttu.truong",
    "member_officer": "ubkttu.canbo",
    "administrator": "admin",
}
APP_VIEWS = (
    "khoithidua.views",
    "blocs.views",
    "campaigns.views",
    "awards.views",
    "reports.views",
    "reports.views_contributions",
    "reports.views_public",
    "reports.views_province_awards",
    "reports.views_province",
    "reports.dossiers.views",
    "api.views.token",
)
# GET URLs of the apps that are not pages a person reads, so the crawl need not reach them.
NOT_PAGES = {
    "healthz": "JSON for monitoring",
    "reports:document_status": "the status fragment the document page polls, checked in it",
    "blocs:member_agency_search": "the results fragment the members page's search asks for",
    "reports:term_documents_zip": "a zip of the year's documents, a download",
    "blocs:election_minutes": "the uploaded minutes, a file",
    "campaigns:criteria_template": "a spreadsheet",
    "awards:results_xlsx": "a spreadsheet",
    "reports:award_statistics_export": "a spreadsheet",
    "reports:award_statistics_index": "a redirect to the statistics of the board's year",
    "reports:dossier_zip": "the award dossier in one zip, a download",
    # No demo dossier attaches a file.
    "reports:dossier_attachment": "a file attached to the award dossier, a download",
    # No demo appeal attaches a file.
    "awards:appeal_evidence": "the file an appeal attaches, a download",
    # No demo member report attaches a file.
    "reports:member_report_file": "the file a member's report attaches, a download",
}
# Never followed: leaving the site's pages, or a page checked apart (the admin, below). The read
# API's browsable pages and its Swagger UI documentation are the frameworks' own markup; the
# site's part of the documentation page is checked in api/tests/test_browser.py.
SKIP_PREFIXES = ("/admin/", "/static/", "/i18n/", "/accounts/logout/", "/api/")
# The main models whose admin change form is checked with its inlines (the scorecard's lines,
# a period's deadlines and their extensions).
ADMIN_CHANGE_FORMS = (
    "campaigns.scorecard",
    "campaigns.period",
    "blocs.agency",
    "blocs.bloc",
    "blocs.user",
)
PHONE = {"width": 390, "height": 844}
# The only parts left out: markup that Django's bundled scripts build and we do not own. Select2
# (autocomplete fields) names its combobox by the chosen value, so an empty one has no name; the
# filter of a many-to-many picker (SelectFilter2.js) puts aria-label on a plain span.
ADMIN_CONTEXT = {"exclude": [[".select2-selection"], [".selector .search-label-icon"]]}

# URL name -> what the crawls found there, filled by the persona crawls for the coverage check.
REACHED: dict[str, str] = {}
CRAWLED: set[str] = set()


@pytest.fixture
def demo(transactional_db, django_user_model):
    """The demo database, plus what it lacks for some pages: a generated document, a draft
    criteria table and a draft pledge. Returns the pages that start from these."""
    call_command("seed_demo", stdout=io.StringIO())
    secretariat = django_user_model.objects.get(username=PERSONAS["secretariat_head"])
    term = BlocTerm.objects.get(bloc__code="khoi-dang", year=2026)
    document = report_services.request_document(
        term=term, kind="member_list", by=secretariat
    ).document
    report_services.render_document(document.pk)
    document.refresh_from_db()
    draft = criteria_services.start_new_version(
        table=criteria_services.current_table(term), by=secretariat, change_note="Bổ sung"
    )
    state_term = BlocTerm.objects.get(bloc__code="khoi-tong-hop", year=2026)
    pledge_services.save_pledge_draft(
        term=state_term,
        by=django_user_model.objects.get(username="ttt.truong"),
        title="Giao ước thi đua năm 2026",
        slogan="Đoàn kết, đổi mới",
        legal_bases="Luật Thi đua, khen thưởng 2022",
        commitments=["Hoàn thành nhiệm vụ được giao"],
    )
    # A bloc set up without its first year yet, for the page that opens it.
    new_bloc = factories.BlocFactory(council=term.bloc.council)
    member_card = term.periods.get(kind="annual").scorecards.get(agency__abbreviation="UBKTTU")
    half_year = term.periods.get(kind="semiannual")
    # The 2025 year-end is the demo's complete one (answered appeals, closed rounds, a second
    # round, confirmed lists): the crawl meets the 2026 pages of these kinds first, so it starts
    # from these too. The online round of the provincial merit is the one with a second round.
    last = BlocTerm.objects.get(bloc=term.bloc, year=2025)
    last_args = [last.bloc.code, last.year, "annual"]
    year_end = ReviewMeeting.objects.get(term=last, period_kind=ReviewMeeting.PeriodKind.ANNUAL)
    year_end_ballots = [
        reverse("awards:ballot_detail", args=[*last_args, ballot.pk])
        for ballot in year_end.ballots.filter(mode=Ballot.Mode.ONLINE).order_by("pk")
    ] + [
        reverse("awards:ballot_detail", args=[*last_args, ballot.pk])
        for ballot in year_end.ballots.filter(round=2).order_by("pk")
    ]
    return SimpleNamespace(
        document=document,
        term=term,
        # The personas are all of the Party bloc, whose only agreed 2026 period is the half-year:
        # its appeals page is checked first with the window open (the appeal form), then
        # ``hold_meeting`` closes the window for the meeting's online ballot (the vote page).
        appeals_open=reverse("awards:appeals", args=[term.bloc.code, term.year, "semiannual"]),
        hold_meeting=lambda: _hold_half_year_meeting(half_year, secretariat),
        starts=[
            reverse("blocs:bloc_first_year", args=[new_bloc.code]),
            # The confirmation before a member takes back its submitted card.
            reverse(
                "campaigns:scorecard_recall",
                args=[term.bloc.code, term.year, "annual", member_card.pk],
            ),
            reverse("reports:document_detail", args=[document.pk]),
            reverse("reports:verify", args=[document.verification_code]),
            reverse("campaigns:criteria_detail", args=[term.bloc.code, term.year, draft.version]),
            # Its form is inline on the table's page; this is where it comes back with errors.
            reverse("campaigns:criterion_add", args=[term.bloc.code, term.year, draft.version]),
            reverse("campaigns:pledge_detail", args=[state_term.bloc.code, state_term.year]),
            # The demo's one hold has ended: only the full list links to its form.
            reverse("awards:holds") + "?show=all",
            reverse("awards:meeting", args=last_args),
            reverse("awards:appeals", args=last_args),
            reverse("awards:nominations", args=last_args[:2]),
            # Publishing the demo's 2025 results (already public: the page offers to withdraw).
            reverse("reports:results_publish", args=last_args[:2]),
            *year_end_ballots,
            # The state bloc's half-year meeting: planned, attendance taken, voting not open.
            reverse("awards:meeting", args=[state_term.bloc.code, state_term.year, "semiannual"]),
        ],
    )


def _hold_half_year_meeting(period, secretariat):
    """Make the half-year ranking final, hold its meeting with every member present and open an
    online ballot; return the pages this adds (the meeting, the ballot, its vote)."""
    term = period.term
    publication = period.publication
    appeal_services.finalize_if_due(
        publication=publication,
        by=secretariat,
        now=publication.closes_at + datetime.timedelta(hours=1),
    )
    meeting = meeting_services.save_meeting(
        term=term,
        period_kind=ReviewMeeting.PeriodKind.SEMIANNUAL,
        by=secretariat,
        held_at=timezone.now(),
        place="Hội trường Tỉnh ủy Quảng Trị",
        chair=f"{secretariat.get_full_name()}, Thủ trưởng đơn vị Khối trưởng",
    )
    members = Membership.objects.filter(term=term, left_on__isnull=True)
    meeting_services.record_attendance(
        meeting=meeting,
        rows={
            m.agency_id: {
                "present": True,
                "representative": m.agency.name,
                "representative_title": "Thủ trưởng đơn vị",
            }
            for m in members.select_related("agency")
        },
        by=secretariat,
    )
    assert meeting_services.open_voting(meeting=meeting, by=secretariat).met
    meeting.refresh_from_db()
    refusals = []
    for rule in award_catalogue.effective_rules(term):
        try:
            ballot = ballot_services.open_ballot(
                meeting=meeting, award_type=rule.award_type, mode=Ballot.Mode.ONLINE, by=secretariat
            )
        except ValidationError as exc:
            # An award with no candidate at the half-year has no ballot.
            refusals.append(f"{rule.award_type}: {exc.messages}")
            continue
        break
    else:
        raise AssertionError(f"no ballot opens at the half-year meeting: {refusals}")
    args = [term.bloc.code, term.year, "semiannual"]
    return [
        reverse("awards:meeting", args=args),
        reverse("awards:ballot_detail", args=[*args, ballot.pk]),
        reverse("awards:ballot_vote", args=[*args, ballot.pk]),
    ]


@pytest.fixture
def new_page(chromium_browser, live_server):
    """Open pages in fresh contexts (one per persona), all closed at the end."""
    contexts = []

    def open_page(viewport=None):
        context = chromium_browser.new_context(
            locale="vi-VN", viewport=viewport or {"width": 1366, "height": 900}
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.base_url = live_server.url
        return page

    yield open_page
    for context in contexts:
        context.close()


class Findings:
    """The violations met on each page, reported all at once at the end."""

    def __init__(self, who="", context=None):
        self.who, self.context = who, context
        self.pages: dict[str, list[dict]] = {}

    def check(self, page, label=None):
        violations = axe_violations(page, context=self.context)
        # With the query, so that two states of a page (a filter) are both kept.
        url = urlsplit(page.url)
        label = label or url.path + (f"?{url.query}" if url.query else "")
        self.pages[f"{self.who} {label}".strip()] = violations
        return violations

    def assert_none(self):
        _record(self.pages)
        failing = {label: v for label, v in self.pages.items() if v}
        assert not failing, (
            f"accessibility violations on {len(failing)} of {len(self.pages)} pages:\n"
            + "\n".join(f"{label}\n{describe_violations(v)}" for label, v in failing.items())
        )


def _record(pages):
    """With A11Y_REPORT=<file>, append each page's violation counts by rule, for the record."""
    path = os.environ.get("A11Y_REPORT")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            for label, violations in pages.items():
                counts = {v["id"]: len(v["nodes"]) for v in violations}
                out.write(json.dumps({"page": label, "violations": counts}) + "\n")


def _page_key(path):
    """The page kind of a path: its URL name, and the period kind where there is one."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name + (f"[{match.kwargs['kind']}]" if "kind" in match.kwargs else "")


def check_alone(page, findings, path, label):
    """Check one page in a state the crawl will not see, without following its links."""
    response = page.goto(page.base_url + path)
    if response.status == 200:
        findings.check(page, f"{urlsplit(path).path} ({label})")
        REACHED[resolve(urlsplit(path).path).view_name] = "page"


def crawl(page, findings, reached, start="/"):
    """Open every page kind reachable by links from ``start`` and not in ``reached`` yet."""
    queue, queued = [start], {start}
    origin = page.base_url
    while queue:
        path = queue.pop(0)
        key = _page_key(urlsplit(path).path)
        if key is None or (key in reached and path != start):
            continue
        response = page.request.get(origin + path, max_redirects=0)
        kind = response.headers.get("content-type", "")
        name = resolve(urlsplit(path).path).view_name
        if response.status in (301, 302):
            target = urlsplit(response.headers["location"])
            follow = target.path + (f"?{target.query}" if target.query else "")
            reached[key] = "redirect"
            if follow not in queued:
                queue.append(follow), queued.add(follow)
            REACHED.setdefault(name, "redirect")
            continue
        if response.status != 200 or not kind.startswith("text/html"):
            reached[key] = f"{response.status} {kind}"
            REACHED.setdefault(name, reached[key])
            continue
        page.goto(origin + path)
        findings.check(page)
        reached[key] = "page"
        REACHED[name] = "page"
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            href = urldefrag(href).url
            if not href.startswith(origin):
                continue
            link = href[len(origin) :]
            if link.startswith(SKIP_PREFIXES) or link in queued:
                continue
            queue.append(link), queued.add(link)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_a_persona_can_open_is_accessible(demo, new_page, persona):
    page = new_page()
    login(page, PERSONAS[persona], DEMO_PASSWORD)
    findings, reached = Findings(persona), {}
    check_alone(page, findings, demo.appeals_open, "appeal window open")
    meeting_pages = demo.hold_meeting()
    crawl(page, findings, reached)
    for start in demo.starts + meeting_pages:
        crawl(page, findings, reached, start=start)
    CRAWLED.add(persona)
    findings.assert_none()


def test_pages_without_login_are_accessible(demo, new_page):
    page = new_page()
    findings = Findings()
    page.goto(page.base_url + reverse("login"))
    findings.check(page)
    response = page.goto(page.base_url + "/khong-co-trang-nay/")
    assert response.status == 404
    findings.check(page, "404")
    page.goto(page.base_url + reverse("reports:verify", args=[demo.document.verification_code]))
    findings.check(page)
    page.goto(page.base_url + reverse("reports:verify", args=["KHONGCO"]))
    findings.check(page, "verify (unknown code)")
    # The public results: the index and the demo's published 2025 of the council.
    page.goto(page.base_url + reverse("reports:results_index"))
    findings.check(page)
    council_year = [demo.term.bloc.council_id, 2025]
    page.goto(page.base_url + reverse("reports:results_council_year", args=council_year))
    findings.check(page)
    findings.assert_none()


def test_admin_pages_are_accessible(demo, new_page):
    page = new_page()
    login(page, PERSONAS["administrator"], DEMO_PASSWORD)
    findings = Findings("admin", context=ADMIN_CONTEXT)
    page.goto(page.base_url + reverse("admin:index"))
    findings.check(page)
    for model in admin.site._registry:
        opts = model._meta
        page.goto(page.base_url + reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        findings.check(page)
        first = model._default_manager.order_by("pk").first()
        if first is not None and opts.label_lower in ADMIN_CHANGE_FORMS:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
            page.goto(page.base_url + url)
            findings.check(page)
    findings.assert_none()


def test_main_pages_are_accessible_on_a_phone(demo, new_page):
    page = new_page(viewport=PHONE)
    login(page, PERSONAS["secretariat_head"], DEMO_PASSWORD)
    term = demo.term
    args = [term.bloc.code, term.year]
    card = term.periods.get(kind="annual").scorecards.order_by("pk").first()
    meeting, _ballot, vote = demo.hold_meeting()
    findings = Findings()
    for path in (
        reverse("dashboard"),
        reverse("blocs:term_detail", args=args),
        reverse("campaigns:pledge_detail", args=args),
        reverse("campaigns:scorecard_detail", args=[*args, "annual", card.pk]),
        reverse("campaigns:review_grid", args=[*args, "annual"]),
        reverse("campaigns:ranking", args=[*args, "annual"]),
        meeting,
        vote,
    ):
        page.goto(page.base_url + path)
        findings.check(page, f"{path} (390 px)")
    findings.assert_none()


def _is_not_a_page(pattern, superuser):
    """Whether the view refuses GET or only redirects it, whatever its arguments."""
    kwargs = {
        key: 999999 if converter.__class__.__name__ == "IntConverter" else "x"
        for key, converter in pattern.pattern.converters.items()
    }
    request = RequestFactory().get("/")
    request.user = superuser
    request.session = {}
    try:
        response = pattern.callback(request, **kwargs)
    except Exception:
        return False
    return response.status_code == 405 or 300 <= response.status_code < 400


def test_the_crawls_reach_every_page_of_the_apps(transactional_db, django_user_model):
    if CRAWLED != set(PERSONAS):
        pytest.skip("runs after every persona's crawl, in the same session")
    superuser = django_user_model.objects.create_superuser("kiemtra", "kt@example.vn", PASSWORD)
    patterns = {}

    def walk(resolver, namespace=""):
        for entry in resolver.url_patterns:
            if hasattr(entry, "url_patterns"):
                walk(entry, ":".join(filter(None, [namespace, entry.namespace])))
            elif entry.name:
                patterns[f"{namespace}:{entry.name}" if namespace else entry.name] = entry

    walk(get_resolver())
    missed = sorted(
        name
        for name in url_names_of(*APP_VIEWS)
        if name not in REACHED
        and name not in NOT_PAGES
        and not _is_not_a_page(patterns[name], superuser)
    )
    assert not missed, (
        "GET URLs no persona's crawl reached: link them from a page, or add them to NOT_PAGES "
        f"with the reason they are not pages: {missed}"
    )
