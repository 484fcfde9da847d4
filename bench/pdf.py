"""How long long documents take in a warm worker, beside a warm Chromium, and how much memory
a real worker's children hold while rendering one after another.

``pdf_bench()`` builds (once) a bloc of ``BENCH_PDF_AGENCIES`` agencies (30) × 80 criteria,
reviewed and agreed, whose year-end review report runs to nine pages (tables, three charts, an
annex), and one of ``BENCH_PDF_TABLE_AGENCIES`` (48) whose score table runs to ten (one wide
table: the issue's ten-page document), then prints for each:

- the document rendered end to end as a warm worker renders it (the task's function, request +
  render + sign, again and again in one process): median wall and CPU time, pages, size;
- WeasyPrint alone on the same HTML, and a warm Chromium printing that identical HTML to PDF
  (the yardstick only: the documents stay WeasyPrint), with the ratio of the two;

and last, one line per document against the issue's target, e.g. "10-page score table: 905 ms
end to end (target < 1000 ms)", in CPU time beside the wall time and Chromium's.

Then a real Celery worker (``celery -A khoithidua worker --concurrency 1``, the prefork pool as
in production, the settings' ``CELERY_WORKER_MAX_MEMORY_PER_CHILD``) renders
``BENCH_PDF_DOCUMENTS`` (30) review reports in a row through Redis db ``BENCH_PDF_REDIS`` (4):
the peak resident memory of its children (VmHWM), how many children it took, the parent's.

Run alone: ``DATABASE_URL=... .venv/bin/python bench/pdf.py`` (``BENCH_PDF_WORKER=0`` skips the
worker). Nothing here is asserted: the figures are for people to compare. On a busy machine
compare the CPU column: the wall time also counts the time other processes held the cores.
"""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bloc import build_bench_bloc  # noqa: E402
from common import ROOT  # noqa: E402  (sets Django up)
from django.conf import settings  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.utils import translation  # noqa: E402

from reports import services as documents  # noqa: E402
from reports.kinds.base import get_kind  # noqa: E402
from reports.models import Document  # noqa: E402
from reports.rendering import LOCAL_ORIGIN, LocalStaticFetcher, html_to_pdf  # noqa: E402

AGENCIES = int(os.environ.get("BENCH_PDF_AGENCIES", "30"))
TABLE_AGENCIES = int(os.environ.get("BENCH_PDF_TABLE_AGENCIES", "48"))
DOCUMENTS = int(os.environ.get("BENCH_PDF_DOCUMENTS", "30"))
REDIS = os.environ.get("BENCH_PDF_REDIS", "redis://127.0.0.1:6379/4")
# The review report (tables, three charts, an annex) and the score table (one wide table).
KINDS = ("annual_report", "score_table_annual")
NAMES = {"annual_report": "review report", "score_table_annual": "score table"}
# The target: a ten-page document end to end in a warm worker.
TARGET_MS = 1000
CHROMIUM = "/usr/bin/chromium"


def build_long_bloc(agencies=AGENCIES):
    """The bench bloc of ``agencies`` agencies (``bloc.build_bench_bloc``): long documents."""
    return build_bench_bloc(agencies)


def timed(label, fn, runs) -> tuple[float, float]:
    """Median wall and CPU milliseconds of ``runs`` runs of ``fn``, printed as a row.

    The CPU time (this process's) is the figure to compare on a busy machine: the wall time
    also counts the time other processes held the cores.
    """
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    wall, cpu = statistics.median(walls) * 1000, statistics.median(cpus) * 1000
    print(f"{label:<48} {wall:>10.1f} {cpu:>10.1f}")
    return wall, cpu


def document_html(document) -> str:
    """The HTML the worker turns into this document's PDF."""
    kind = get_kind(document.kind)
    with translation.override(settings.LANGUAGE_CODE):
        context = documents.document_context(document)
        context.update(kind.build_context(document))
        return render_to_string(kind.template, context)


def _descendants_cpu(pid: int) -> float:
    """CPU seconds spent so far by the processes under ``pid`` (Chromium's, under Playwright's
    driver), read from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total, todo = 0.0, _children(pid)
    while todo:
        child = todo.pop()
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        todo.extend(_children(child))
    return total


def chromium_pdf(html: str, runs: int) -> tuple[float, float] | None:
    """Median wall and CPU ms of a warm Chromium printing ``html`` to PDF, its static files
    served from disk as WeasyPrint's fetcher serves them (CPU: all of Chromium's processes);
    None when Playwright or Chromium is missing."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not Path(CHROMIUM).exists():
        return None
    fetcher = LocalStaticFetcher()
    # set_content has no address: a <base> lets "/static/…" resolve to the local origin.
    page_html = html.replace("<head>", f'<head><base href="{LOCAL_ORIGIN}/">', 1)

    def serve(route):
        try:
            found = fetcher.fetch(route.request.url)
        except ValueError:
            route.abort()
            return
        route.fulfill(body=found.read(), content_type=found.headers["Content-Type"])

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.route(f"{LOCAL_ORIGIN}/**", serve)

        def run():
            page.set_content(page_html, wait_until="load")
            return page.pdf(prefer_css_page_size=True, print_background=True)

        run()
        run()  # warm: the browser, its fonts
        walls, cpus = [], []
        for _ in range(runs):
            start, cpu = time.perf_counter(), _descendants_cpu(os.getpid())
            run()
            cpus.append(_descendants_cpu(os.getpid()) - cpu)
            walls.append(time.perf_counter() - start)
        browser.close()
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(c) for c in text.split()]


def _status_kib(pid: int, field: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _own_kib(pid: int) -> int | None:
    """What the process holds alone (private pages, KiB): its resident memory less the pages it
    still shares with the worker's parent since the fork (the imports, the fonts)."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    fields = {}
    for line in text.splitlines()[1:]:
        name, _, rest = line.partition(":")
        if rest.strip().endswith("kB"):
            fields[name] = int(rest.split()[0])
    return fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)


def worker_memory(term, count=DOCUMENTS, broker=REDIS) -> dict:
    """Start a real worker, have it render ``count`` documents in a row, and sample its children.

    Returns the peak VmHWM (KiB) of any child, the children it took (a child past
    ``CELERY_WORKER_MAX_MEMORY_PER_CHILD`` is replaced after its task), the last child's RSS and
    the seconds it took. The worker gets this process's database and its own Redis db.
    """
    from celery import Celery

    env = {
        **os.environ,
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_DEFAULT_QUEUE": "bench-pdf",
        "PYTHONPATH": str(ROOT),
    }
    worker = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "khoithidua",
            "worker",
            "--concurrency",
            "1",
            "--pool",
            "prefork",
            "-Q",
            "bench-pdf",
            "-l",
            "warning",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    peaks: dict[int, int] = {}
    own: dict[int, int] = {}
    last_rss = parent = None

    def sample():
        nonlocal last_rss, parent
        parent = _status_kib(worker.pid, "VmRSS") or parent
        for child in _children(worker.pid):
            hwm = _status_kib(child, "VmHWM")
            if hwm is not None:
                peaks[child] = max(peaks.get(child, 0), hwm)
                last_rss = _status_kib(child, "VmRSS")
                own[child] = max(own.get(child, 0), _own_kib(child) or 0)

    sender = Celery(broker=broker)
    try:
        deadline = time.monotonic() + 60
        while not _children(worker.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        start = time.perf_counter()
        ids = []
        for _ in range(count):
            requested = documents.request_document(term=term, kind=KINDS[0])
            ids.append(requested.document.pk)
            sender.send_task(
                "reports.tasks.render_document_task",
                args=[requested.document.pk],
                queue="bench-pdf",
            )
            # One at a time, as documents are asked for: each takes the next number.
            while Document.objects.filter(
                pk=requested.document.pk, status__in=documents.IN_PROGRESS
            ).exists():
                sample()
                time.sleep(0.1)
                if time.perf_counter() - start > 30 * count:
                    raise TimeoutError("the worker did not render the documents")
        seconds = time.perf_counter() - start
        sample()
        ready = Document.objects.filter(pk__in=ids, status=Document.Status.READY).count()
    finally:
        sender.close()
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    return {
        "peak_kib": max(peaks.values(), default=0),
        "own_kib": max(own.values(), default=0),
        "children": len(peaks),
        "last_rss_kib": last_rss,
        "seconds": seconds,
        "ready": ready,
        "parent_kib": parent or 0,
    }


def document_bench(term, kind, runs) -> dict:
    """One kind's figures: end to end in a warm process, WeasyPrint alone, Chromium."""

    def end_to_end():
        requested = documents.request_document(term=term, kind=kind)
        documents.render_document(requested.document.pk)

    end_to_end()  # warm: fonts, templates, the signing key
    figures = {}
    figures["end to end"], figures["end to end cpu"] = timed(
        f"{kind} (request + render + sign)", end_to_end, runs
    )
    last = Document.objects.filter(term=term, kind=kind).order_by("-id").first()
    html = document_html(last)
    figures["weasyprint"], figures["weasyprint cpu"] = timed(
        f"  {kind}: WeasyPrint alone", lambda: html_to_pdf(html), runs
    )
    chromium = chromium_pdf(html, runs)
    figures["pages"], figures["kib"] = last.pages, last.size / 1024
    print(f"  {kind}: {last.pages} pages, {last.size / 1024:.0f} KiB")
    if chromium:
        figures["chromium"], figures["chromium cpu"] = chromium
        print(
            f"{'  Chromium, the same HTML (yardstick)':<48} {chromium[0]:>10.1f} {chromium[1]:>10.1f}"
        )
        print(
            f"  WeasyPrint / Chromium = {figures['weasyprint'] / chromium[0]:.2f}× wall, "
            f"{figures['weasyprint cpu'] / chromium[1]:.2f}× CPU; end to end / Chromium = "
            f"{figures['end to end'] / chromium[0]:.2f}× wall, "
            f"{figures['end to end cpu'] / chromium[1]:.2f}× CPU"
        )
    else:
        print("  (no Chromium: playwright or /usr/bin/chromium missing)")
    return figures


def target_line(kind: str, figures: dict) -> str:
    """ "10-page score table: 905 ms end to end (target < 1000 ms), …": CPU first, as the
    machine may be busy, then wall, WeasyPrint alone and the ratio to a warm Chromium."""
    cpu, wall = figures["end to end cpu"], figures["end to end"]
    line = (
        f"{figures['pages']}-page {NAMES.get(kind, kind)}: {cpu:.0f} ms end to end "
        f"(target < {TARGET_MS} ms: {'met' if cpu < TARGET_MS else 'not met'}; CPU, "
        f"{wall:.0f} ms wall), WeasyPrint alone {figures['weasyprint cpu']:.0f} ms"
    )
    if "chromium cpu" in figures:
        line += (
            f", Chromium {figures['chromium cpu']:.0f} ms: {cpu / figures['chromium cpu']:.1f}× "
            f"end to end, {figures['weasyprint cpu'] / figures['chromium cpu']:.1f}× WeasyPrint"
        )
    return line


def pdf_bench(term=None, runs=None, worker=None, table_term=None) -> dict:
    """Print the long documents' figures (see the module) and return them by kind.

    ``term``: the bloc year whose review report is rendered (default: ``build_long_bloc()``);
    ``table_term``: the one whose score table is (default: ``build_long_bloc(48)``, ten pages);
    ``runs``: timed runs for each median (default ``BENCH_RUNS``); ``worker``: whether to start a
    Celery worker for the memory figure (default ``BENCH_PDF_WORKER`` != "0").
    Returns {kind: {"end to end", "end to end cpu", "weasyprint", "weasyprint cpu", "pages",
    "kib", "chromium", "chromium cpu"}} and, with the worker, {"worker": {...}}.
    """
    from common import RUNS

    runs = runs or RUNS
    if worker is None:
        worker = os.environ.get("BENCH_PDF_WORKER", "1") != "0"
    start = time.perf_counter()
    if term is None:
        term, _user = build_long_bloc()
    if table_term is None:
        table_term, _user = build_long_bloc(TABLE_AGENCIES)
    print(f"blocs {term.bloc.code}, {table_term.bloc.code}: {time.perf_counter() - start:.1f} s")
    figures = {}
    for kind, kind_term in zip(KINDS, (term, table_term), strict=True):
        print(f"\n{'document of ' + kind_term.bloc.code:<48} {'median ms':>10} {'CPU ms':>10}")
        figures[kind] = document_bench(kind_term, kind, runs)
    print(f"\nthe issue's target: a 10-page document end to end in a warm worker < {TARGET_MS} ms")
    for kind in KINDS:
        print(target_line(kind, figures[kind]))
    if worker:
        memory = figures["worker"] = worker_memory(term)
        limit = settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD
        print(
            f"worker, {memory['ready']}/{DOCUMENTS} {KINDS[0]} in a row in "
            f"{memory['seconds']:.0f} s: children's peak RSS {memory['peak_kib'] / 1024:.0f} MiB "
            f"over {memory['children']} children (replaced past {limit / 1024:.0f} MiB), "
            f"of which its own (not shared with the parent) {memory['own_kib'] / 1024:.0f} MiB, "
            f"last child's RSS {(memory['last_rss_kib'] or 0) / 1024:.0f} MiB, the parent's "
            f"{memory['parent_kib'] / 1024:.0f} MiB"
        )
    return figures


if __name__ == "__main__":
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    pdf_bench()
