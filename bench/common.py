"""What every benchmark shares: Django set up on ``DATABASE_URL``, and the measures.

``measure`` prints a row (query count of one run, median time of ``RUNS`` runs, peak traced
memory of one run); ``compare`` prints a page beside its bare render and their ratio.
"""

import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khoithidua.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.template import Context  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
HEADER = f"\n{'measure':<48} {'queries':>6} {'median ms':>10} {'peak MiB':>10}"


def measure(label, fn):
    """Query count of one run, median time of RUNS runs, peak traced memory of one run."""
    # The query log is a bounded deque: once full (after seeding) its length stops growing.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as ctx:
        fn()
    queries = len(ctx.captured_queries)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    fn()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    median = statistics.median(times) * 1000
    print(f"{label:<48} {queries:>6} {median:>10.1f} {peak / 1024 / 1024:>10.2f}")
    return median


def bare_render(client, path):
    """The page's own template rendered from the context the view built, kept in memory.

    The reference a page is judged against: what remains when loading and building the rows
    cost nothing.
    """
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    template = response.templates[0]
    context = response.context[0].flatten() if isinstance(response.context, list) else None
    if context is None:
        context = response.context.flatten()

    def run():
        template.render(Context(context, autoescape=True))

    return run


def compare(label, client, path):
    """A page beside its bare render, with the ratio of their median times."""
    page_ms = measure(label, page(client, path))
    bare_ms = measure(f"  {label}: bare render", bare_render(client, path))
    print(f"  {label}: page / bare render = {page_ms / bare_ms:.2f}×")


def page(client, path):
    def run():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        b"".join(response) if response.streaming else response.content

    return run
