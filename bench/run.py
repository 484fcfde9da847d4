"""``make bench``: every figure of the performance record, in one run.

Against the database in ``DATABASE_URL`` (the embedded SQLite file otherwise; PostgreSQL is what
the figures are for), in this order (``BENCH_ONLY=main,pdf`` runs only some):

- ``seed``: ``seed_demo --scale`` to the first of ``BENCH_PROVINCE_SCALES`` (300,1000), timed;
- ``main``: a bloc of 14 agencies × 80 criteria, built once: the secretariat's daily pages, the
  grid, the ranking and its explanation, each beside its bare render (the same template from the
  view's context kept in memory), and ``export_ranking``;
- ``board`` (bench/board.py): the members page at 1,000 and 4,000 agencies, then the board
  officer's dashboard, province overview and cross-bloc ranking at each scale, the seed growing
  (timed) in between; the demo's award dossiers and agency histories (bench/dossier_history.py);
- ``pdf`` (bench/pdf.py): long documents end to end in a warm process beside a warm Chromium,
  and a real worker's children's memory;
- ``load`` (bench/load.py): gunicorn with 2 workers under a bounded load of logged-in users,
  each page beside its bare render served the same way.

Each row: SQL query count, median time of ``BENCH_RUNS`` runs, peak Python memory. Nothing here
is asserted: the figures are for people to compare.
"""

import io
import os
import time

from bloc import build_bench_bloc  # noqa: E402
from board import board_benches  # noqa: E402
from common import HEADER, compare, measure, page  # noqa: E402  (sets Django up)
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from dossier_history import dossier_history_benches  # noqa: E402
from load import load_bench  # noqa: E402
from pdf import pdf_bench  # noqa: E402
from seed import seed_scales  # noqa: E402

from blocs.models import Bloc, User  # noqa: E402
from campaigns.models import (  # noqa: E402
    Period,
    Scorecard,
    ScoreLine,
)

WIDE_CODE = "bench-14x80"
# The board's pages are measured at each of these numbers of blocs added by seed_demo --scale.
PROVINCE_SCALES = sorted(
    int(n) for n in os.environ.get("BENCH_PROVINCE_SCALES", "300,1000").split(",") if n.strip()
)


def build_wide_bloc():
    """The bench bloc of 14 agencies × 80 criteria, reviewed and agreed (idempotent)."""
    return build_bench_bloc(14)


def main_pages(client, term, card):
    """The pages the bloc's secretariat opens every day, each beside its bare render."""
    year = {"bloc_code": WIDE_CODE, "year": term.year}
    pages = [
        ("dashboard", reverse("dashboard")),
        ("term page", reverse("blocs:term_detail", kwargs=year)),
        ("members page 14 members", reverse("blocs:member_manage", kwargs=year)),
        ("pledge page", reverse("campaigns:pledge_detail", kwargs=year)),
        ("progress page", reverse("campaigns:term_progress", kwargs=year)),
        (
            "scorecard 80 criteria",
            reverse(
                "campaigns:scorecard_detail",
                kwargs={**year, "kind": "annual", "scorecard_id": card.pk},
            ),
        ),
    ]
    for label, path in pages:
        compare(label, client, path)


def export(code, year, kind, fmt):
    def run():
        out = io.StringIO()
        if fmt == "xlsx":
            call_command(
                "export_ranking",
                code,
                str(year),
                kind,
                "--format",
                fmt,
                "--output",
                os.devnull,
                stderr=io.StringIO(),
            )
        else:
            call_command("export_ranking", code, str(year), kind, "--format", fmt, stdout=out)

    return run


def main_benches(scale):
    """The 14 × 80 bloc's pages and exports, and a scale bloc's, each beside its bare render."""
    start = time.perf_counter()
    term, user = build_wide_bloc()
    print(f"bloc 14 × 80: {time.perf_counter() - start:.1f} s")
    client = Client()
    client.force_login(user)
    admin = User.objects.get(username="admin")
    admin_client = Client()
    admin_client.force_login(admin)
    print(HEADER)
    wide = {"bloc_code": WIDE_CODE, "year": 2026, "kind": "annual"}
    first = Scorecard.objects.filter(period__term=term).order_by("agency__sort_key").first()
    main_pages(client, term, first)
    compare("grid 14 × 80", client, reverse("campaigns:review_grid", kwargs=wide))
    measure(
        "grid 14 × 80, differences only",
        page(client, reverse("campaigns:review_grid", kwargs=wide) + "?diff=on"),
    )
    compare("ranking page 14 × 80", client, reverse("campaigns:ranking", kwargs=wide))
    measure(
        "explain page 14 × 80",
        page(
            client,
            reverse("campaigns:ranking_explain", kwargs={**wide, "agency_id": first.agency_id}),
        ),
    )
    for fmt in ("json", "csv", "xlsx"):
        measure(f"export_ranking 14 × 80 --format {fmt}", export(WIDE_CODE, 2026, "annual", fmt))
    scaled = Bloc.objects.filter(code__startswith="khoi-mo-rong-").order_by("code").first()
    if scaled and Period.objects.filter(term__bloc=scaled, kind="annual").exists():
        kwargs = {"bloc_code": scaled.code, "year": 2026, "kind": "annual"}
        compare(
            f"grid {scaled.code} (12 × 80)",
            admin_client,
            reverse("campaigns:review_grid", kwargs=kwargs),
        )
        compare(
            f"ranking page {scaled.code}",
            admin_client,
            reverse("campaigns:ranking", kwargs=kwargs),
        )
        measure(f"export_ranking {scaled.code} json", export(scaled.code, 2026, "annual", "json"))
    print(f"\nscore lines in the database at --scale {scale}: {ScoreLine.objects.count()}")


# What ``make bench`` runs, in this order; ``BENCH_ONLY=board,pdf`` runs only those.
SECTIONS = ("seed", "main", "board", "pdf", "load")


def main():
    setup_test_environment()
    print(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}")
    call_command("migrate", verbosity=0, interactive=False)
    only = {s.strip() for s in os.environ.get("BENCH_ONLY", "").split(",") if s.strip()}
    wanted = [s for s in SECTIONS if not only or s in only]
    low, high = PROVINCE_SCALES[0], PROVINCE_SCALES[-1]
    if "seed" in wanted:
        seed_scales([low])
    else:
        call_command("seed_demo", stdout=io.StringIO())
    if "main" in wanted:
        main_benches(low)
    if "board" in wanted:
        # The board's pages at each scale; the seed grows between them (its time printed).
        board_benches(PROVINCE_SCALES)
        dossier_history_benches()
    elif "seed" in wanted and high > low:
        seed_scales([high])
    if "pdf" in wanted:
        pdf_bench()
    if "load" in wanted:
        load_bench()


if __name__ == "__main__":
    main()
