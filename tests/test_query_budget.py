"""Every page runs at most 15 SQL queries, on the demo and on a larger demo alike.

Each persona of the demo opens the site at "/" and follows the same-origin links of the HTML
pages it is shown (GET only), opening each page kind (URL name, and period kind) once, as
``tests/test_browser_accessibility.py`` crawls it for axe, from the same starts. Every page's
queries are counted with the session and the user it reads. The same crawl runs again with more
blocs, members, criteria and documents: a page that reads a row per member, criterion or
document shows there, over the budget or grown. The crawl must reach most of the apps' pages,
so the test cannot pass by reaching none.
"""

import datetime
import io
import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, get_resolver, resolve, reverse

from blocs.services import members as member_services
from campaigns.services import criteria as criteria_services
from reports import services as report_services
from tests import factories
from tests.test_browser_accessibility import (
    APP_VIEWS,
    NOT_PAGES,
    PERSONAS,
    SKIP_PREFIXES,
    _is_not_a_page,
    _page_key,
    demo,  # noqa: F401 (the fixture, reused)
)
from tests.urlnames import url_names_of

pytestmark = pytest.mark.django_db(transaction=True)

BUDGET = 15
# How many pages of a kind are opened by links or redirects, besides the starts (pages in a
# state the links do not reach first): the first met shows the kind's queries, and the crawl
# stays quick.
VISITS = 1
# How many more queries a page kind may run on the larger demo (a list that was empty).
GROWTH = 2
# The share of the apps' GET pages (those no crawl is excused from) the crawls must reach.
REACHED_SHARE = 0.8
# Links the crawl does not follow beyond SKIP_PREFIXES: downloads and files, not pages.
FILES = re.compile(r"\.(pdf|zip|xlsx|csv|json|docx|png|jpe?g)$")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _links(path, html):
    parser = _Links()
    parser.feed(html)
    base = urlsplit(path)
    for href in parser.hrefs:
        href = urldefrag(href).url
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            if parts.netloc not in ("testserver", ""):
                continue
            href = parts.path + (f"?{parts.query}" if parts.query else "")
        elif href.startswith("?"):
            href = base.path + href
        elif not href.startswith("/"):
            continue
        yield href


def crawl(client, starts, counts, reached):
    """Open every page kind reachable from ``starts`` (each start, and up to VISITS pages of
    each kind by links); record each page's query count in ``counts`` (path -> (count,
    queries)) and its URL name in ``reached``."""
    queue, queued, seen = list(starts), set(starts), Counter()
    while queue:
        path = queue.pop(0)
        key = _page_key(urlsplit(path).path)
        if key is None or (seen[key] >= VISITS and path not in starts):
            continue
        seen[key] += 1
        # The connection keeps the queries of every capture until reset: a crawl of hundreds of
        # pages would pass its limit.
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        # A download is read to its end so that its file is closed.
        if response.streaming:
            b"".join(response.streaming_content)
            response.close()
        name = resolve(urlsplit(path).path).view_name
        kind = response.get("Content-Type", "")
        if response.status_code in (301, 302):
            target = urlsplit(response["Location"])
            follow = target.path + (f"?{target.query}" if target.query else "")
            reached.setdefault(name, "redirect")
            if follow not in queued and not follow.startswith(SKIP_PREFIXES):
                queue.append(follow), queued.add(follow)
            continue
        if response.status_code != 200 or not kind.startswith("text/html"):
            reached.setdefault(name, f"{response.status_code} {kind}")
            continue
        reached[name] = "page"
        counts[path] = (len(queries), [q["sql"] for q in queries.captured_queries])
        for link in _links(path, response.content.decode()):
            if link in queued or link.startswith(SKIP_PREFIXES) or FILES.search(link):
                continue
            try:
                resolve(urlsplit(link).path)
            except Resolver404:
                continue
            queue.append(link), queued.add(link)


def _clients():
    users = get_user_model().objects
    clients = {}
    for persona, username in PERSONAS.items():
        clients[persona] = Client()
        clients[persona].force_login(users.get(username=username))
    return clients


def crawl_every_persona(site, starts):
    """Each persona's crawl from "/" and ``starts``, and the pages open without a login: the
    counts by (persona, path) and the URL names reached."""
    counts, reached = {}, {}
    for persona, client in _clients().items():
        found = {}
        crawl(client, ["/", *starts], found, reached)
        counts.update({(persona, path): value for path, value in found.items()})
    anonymous = {}
    crawl(
        Client(),
        [
            reverse("login"),
            reverse("reports:verify", args=[site.document.verification_code]),
            reverse("reports:results_index"),
        ],
        anonymous,
        reached,
    )
    counts.update({("anonymous", path): value for path, value in anonymous.items()})
    return counts, reached


def _repeated(queries):
    """The statements a page runs more than once, for the failure message."""
    return [f"    {n}× {sql[:160]}" for sql, n in Counter(queries).most_common() if n > 1]


def over_budget(label, counts) -> list[str]:
    """Each page over the budget with its count and the statements it repeats, worst first."""
    over = sorted(
        ((key, value) for key, value in counts.items() if value[0] > BUDGET),
        key=lambda item: -item[1][0],
    )
    return [
        f"{label} {persona} {path}: {n}\n" + "\n".join(_repeated(queries))
        for (persona, path), (n, queries) in over
    ]


def grown(small, large) -> list[str]:
    """The page kinds (persona, URL name and period kind) whose most queries grew with the
    data by more than GROWTH."""

    def most(counts):
        found = {}
        for (persona, path), (n, _queries) in counts.items():
            key = (persona, _page_key(urlsplit(path).path))
            found[key] = max(found.get(key, 0), n)
        return found

    before, after = most(small), most(large)
    return [
        f"{persona} {kind}: {before[persona, kind]} → {n}"
        for (persona, kind), n in sorted(after.items())
        if (persona, kind) in before and n > before[persona, kind] + GROWTH
    ]


def _patterns(resolver, namespace=""):
    for entry in resolver.url_patterns:
        if hasattr(entry, "url_patterns"):
            yield from _patterns(entry, ":".join(filter(None, [namespace, entry.namespace])))
        elif entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry


def assert_reached_most_pages(reached):
    """The crawls reached most of the apps' GET pages: those that answer GET with a page."""
    superuser = get_user_model().objects.filter(is_superuser=True).first()
    patterns = dict(_patterns(get_resolver()))
    pages = {
        name
        for name in url_names_of(*APP_VIEWS) - set(NOT_PAGES)
        if not _is_not_a_page(patterns[name], superuser)
    }
    missed = sorted(pages - set(reached))
    share = 1 - len(missed) / len(pages)
    assert share >= REACHED_SHARE, (
        f"the crawls reached {share:.0%} of the apps' {len(pages)} GET URLs; missed: {missed}"
    )


def grow(site, *, blocs, members, criteria, documents):
    """Add ``blocs`` blocs of the demo's scale, and to the personas' year ``members`` members
    (each with a head), ``criteria`` rows to its draft criteria table and ``documents``
    documents."""
    call_command("seed_demo", scale=blocs, stdout=io.StringIO())
    term = site.term
    secretariat = get_user_model().objects.get(username=PERSONAS["secretariat_head"])
    for _ in range(members):
        agency = factories.AgencyFactory(council=term.bloc.council)
        factories.give_role(factories.UserFactory(), agency)
        member_services.add_member(
            term=term, agency=agency, joined_on=datetime.date(term.year, 1, 15)
        )
    table = term.criteria_tables.filter(status="draft").get()
    group = table.criteria.filter(parent__isnull=True).order_by("order", "pk").first()
    for i in range(criteria):
        criteria_services.save_criterion(
            table=table,
            by=secretariat,
            parent=group,
            code=f"{group.code}.{90 + i}",
            title=f"Tiêu chí thêm {i}",
            kind=group.children.first().kind,
            max_points=1,
            evidence_required=False,
        )
    for _ in range(documents):
        report_services.request_document(term=term, kind="member_list", by=secretariat)


@pytest.fixture
def site(request):
    """The accessibility crawl's demo: the demo data, a document, drafts and a new bloc."""
    return request.getfixturevalue("demo")


def test_every_page_runs_at_most_15_queries_on_the_demo_and_on_a_larger_one(site):
    # The half-year appeals with their window open, before the meeting closes it.
    window_open = {}
    for persona, client in _clients().items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(site.appeals_open)
        if response.status_code == 200:
            window_open[persona, site.appeals_open] = (
                len(queries),
                [q["sql"] for q in queries.captured_queries],
            )
    starts = [*site.starts, *site.hold_meeting()]
    small, reached = crawl_every_persona(site, starts)
    assert_reached_most_pages(reached)
    grow(site, blocs=4, members=20, criteria=30, documents=3)
    large, _reached = crawl_every_persona(site, starts)
    problems = over_budget("demo", small | window_open) + over_budget("larger", large)
    assert not problems, f"{len(problems)} pages run more than {BUDGET} queries:\n" + "\n".join(
        problems
    )
    assert not grown(small, large), f"pages whose queries grow with the data: {grown(small, large)}"
