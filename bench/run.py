"""Benchmarks of the review pages and the ranking export, printed for the record.

Run by ``make bench`` against the database in ``DATABASE_URL`` (the embedded SQLite file
otherwise). Builds, once, a bloc of 14 agencies × 80 criteria and the ``seed_demo --scale 50``
data, then measures the grid, the ranking page, the explanation page and ``export_ranking``:
SQL query count, median time of 5 runs and peak Python memory (tracemalloc). Then the board's
province overview and cross-bloc ranking at each scale of ``BENCH_PROVINCE_SCALES`` (50 and
300 blocs more: the seed grows in between), with the ratio of their times between the smallest
and the largest scale (``BENCH_ONLY=province`` measures only these). Nothing here is asserted: the figures are for people to compare.
"""

import datetime
import io
import os
import resource
import time
from decimal import Decimal

from common import HEADER, compare, measure, page  # noqa: E402  (sets Django up)
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from blocs import demo as blocs_demo  # noqa: E402
from blocs.models import Agency, AgencyRole, Bloc, BlocTerm, Membership, User  # noqa: E402
from campaigns.models import (  # noqa: E402
    CriteriaTable,
    Criterion,
    Period,
    Scorecard,
    ScoreLine,
)
from campaigns.services import agreement  # noqa: E402
from campaigns.services import review as services  # noqa: E402

WIDE_CODE = "bench-14x80"
SCALE = int(os.environ.get("BENCH_SCALE", "50"))
PROVINCE_SCALES = sorted(
    int(n) for n in os.environ.get("BENCH_PROVINCE_SCALES", "50,300").split(",") if n.strip()
)


@transaction.atomic
def build_wide_bloc():
    """A bloc of 14 agencies and an 80-leaf table, reviewed and agreed (idempotent)."""
    council = blocs_demo.seed()["council"]
    bloc, _ = Bloc.objects.get_or_create(
        code=WIDE_CODE,
        defaults={"council": council, "name": "Khối đo hiệu năng 14 × 80"},
    )
    term = BlocTerm.objects.filter(bloc=bloc, year=2026).first()
    if term is None:
        agencies = [
            blocs_demo.ensure_agency(
                council, f"Cơ quan đo hiệu năng {i:02d}", f"BENCH{i:02d}", Agency.Kind.STATE
            )
            for i in range(1, 15)
        ]
        term = BlocTerm.objects.create(bloc=bloc, year=2026, status=BlocTerm.Status.ACTIVE)
        Membership.objects.bulk_create(
            Membership(term=term, agency=a, joined_on=datetime.date(2026, 1, 1)) for a in agencies
        )
        Membership.objects.filter(term=term, agency=agencies[0]).update(role="leader")
        Membership.objects.filter(term=term, agency=agencies[1]).update(role="deputy")
    user, _ = User.objects.get_or_create(username="bench.thuky", defaults={"full_name": "Bench"})
    leader = Membership.objects.get(term=term, role="leader").agency
    AgencyRole.objects.get_or_create(user=user, agency=leader, defaults={"role": "head"})
    if not CriteriaTable.objects.filter(term=term).exists():
        table = CriteriaTable.objects.create(
            term=term, version=1, status=CriteriaTable.Status.ADOPTED
        )
        order = 0
        for g in range(1, 11):
            order += 1
            group = Criterion.objects.create(
                table=table, code=str(g), title=f"Nhóm {g}", kind="group", order=order
            )
            for i in range(1, 8):
                order += 1
                Criterion.objects.create(
                    table=table,
                    parent=group,
                    code=f"{g}.{i}",
                    title=f"Tiêu chí {g}.{i}",
                    kind="scored",
                    max_points=Decimal("1.5") if i < 7 else Decimal("1"),
                    order=order,
                )
        for kind, code in (("bonus", "T"), ("penalty", "TR")):
            for i in range(1, 6):
                order += 1
                Criterion.objects.create(
                    table=table,
                    code=f"{code}.{i}",
                    title=f"{kind} {i}",
                    kind=kind,
                    max_points=2,
                    order=order,
                )
        now = timezone.now()
        period = Period.objects.create(
            term=term,
            kind="annual",
            self_deadline=now,
            review_deadline=now + datetime.timedelta(days=7),
            status=Period.Status.REVIEWING,
        )
        leaves = [c for c in table.criteria.all() if c.kind != "group"]
        agencies = [m.agency for m in Membership.objects.filter(term=term)]
        for n, agency in enumerate(agencies):
            card = Scorecard.objects.create(
                period=period, agency=agency, table=table, status=Scorecard.Status.SUBMITTED
            )
            ScoreLine.objects.bulk_create(
                ScoreLine(
                    scorecard=card,
                    criterion=c,
                    self_points=c.max_points - Decimal("0.25") * ((n + k) % 3)
                    if c.kind == "scored"
                    else Decimal((n + k) % 2),
                    review_points=c.max_points - Decimal("0.25") * ((n + k) % 4)
                    if c.kind == "scored"
                    else None,
                )
                for k, c in enumerate(leaves)
            )
        services.assign_cross_checks(
            period=period, pairs=services.proposed_rotation(period), by=user
        )
        agreement.agree_period(period=period, by=user)
    return term, user


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


def review_report_bench(term):
    """The year-end review report of the 14 × 80 bloc, rendered as a warm worker renders it:
    the same task function, again and again in one process (each run issues a new number)."""
    from reports import services as documents
    from reports.models import Document

    def run():
        requested = documents.request_document(term=term, kind="annual_report")
        documents.render_document(requested.document.pk)

    run()  # warm: fonts, templates, the signing key
    median = measure("annual report 14 × 80 (request + render + sign)", run)
    last = Document.objects.filter(term=term, kind="annual_report").order_by("-id").first()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"  annual report 14 × 80: {last.pages} pages, {last.size / 1024:.0f} KiB, "
        f"{median / 1000:.2f} s median, process peak RSS {rss:.0f} MiB"
    )


def province_bench(client, council, scale) -> dict:
    """The board's overview and cross-bloc ranking of the year, each beside its bare render.

    The ranking's rows stay cached until a score changes, so it is measured both ways: as read
    again (cached) and as after any change anywhere in the province (the cache emptied first).
    """
    blocs = Bloc.objects.filter(council=council).count()
    agencies = Membership.objects.filter(term__bloc__council=council, term__year=2026).count()
    print(f"\nprovince at --scale {scale}: {blocs} blocs, {agencies} memberships in 2026")
    overview = reverse("reports:province_overview", args=[council.pk, 2026])
    ranking = reverse("reports:province_ranking", args=[council.pk, 2026])
    figures = {}
    compare(f"province overview @{scale}", client, overview)
    figures["overview"] = measure(f"province overview @{scale} (again)", page(client, overview))
    filtered = overview + "?state=not_agreed&page=2"
    figures["overview filtered"] = measure(
        f"province overview @{scale}, filtered, page 2", page(client, filtered)
    )
    client.get(ranking)
    compare(f"cross-bloc ranking @{scale}", client, ranking)
    figures["ranking"] = measure(f"cross-bloc ranking @{scale} (again)", page(client, ranking))
    sorted_ = ranking + "?sort=bloc&band=tot&page=2"
    figures["ranking filtered"] = measure(
        f"cross-bloc ranking @{scale}, filtered, page 2", page(client, sorted_)
    )
    cold = page(client, ranking)

    def uncached():
        cache.clear()
        cold()

    figures["ranking uncached"] = measure(f"cross-bloc ranking @{scale}, uncached", uncached)
    return figures


def province_benches(seeded):
    """``province_bench`` at each scale, seeding more blocs between them, then the ratios."""
    board = Client()
    board.force_login(User.objects.get(username="bantdkt"))
    results = {}
    for scale in PROVINCE_SCALES:
        if scale > seeded:
            start = time.perf_counter()
            call_command("seed_demo", scale=scale, stdout=io.StringIO())
            print(f"\nseed_demo --scale {scale}: {time.perf_counter() - start:.1f} s")
            seeded = scale
        council = Bloc.objects.get(code="khoi-mo-rong-001").council
        print(HEADER)
        results[scale] = province_bench(board, council, scale)
    if len(results) > 1:
        low, high = min(results), max(results)
        print(f"\ntime @{high} / time @{low} (median ms)")
        for name in results[low]:
            a, b = results[low][name], results[high][name]
            print(f"  {name:<28} {a:>8.1f} → {b:>8.1f}   {b / a:.2f}×")


def main():
    setup_test_environment()
    print(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}")
    call_command("migrate", verbosity=0, interactive=False)
    start = time.perf_counter()
    call_command("seed_demo", scale=SCALE, stdout=io.StringIO())
    print(f"seed_demo --scale {SCALE}: {time.perf_counter() - start:.1f} s")
    if os.environ.get("BENCH_ONLY") == "province":
        province_benches(SCALE)
        return
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
    review_report_bench(term)
    scaled = Bloc.objects.filter(code__startswith="khoi-mo-rong-").order_by("code").first()
    if scaled and Period.objects.filter(term__bloc=scaled, kind="annual").exists():
        kwargs = {"bloc_code": scaled.code, "year": 2026, "kind": "annual"}
        measure(
            f"grid {scaled.code} (12 × 80)",
            page(admin_client, reverse("campaigns:review_grid", kwargs=kwargs)),
        )
        measure(
            f"ranking page {scaled.code}",
            page(admin_client, reverse("campaigns:ranking", kwargs=kwargs)),
        )
        measure(f"export_ranking {scaled.code} json", export(scaled.code, 2026, "annual", "json"))
    else:
        print("(no scale blocs with scoring data: the scoring demo did not fill them)")
    total_lines = ScoreLine.objects.count()
    print(f"\nscore lines in the database: {total_lines}")
    province_benches(SCALE)


if __name__ == "__main__":
    main()
