"""How long ``seed_demo --scale N`` takes, growing the database in ``DATABASE_URL`` to each N.

``seed_scales(scales)`` seeds the demo, then each scale in turn (a scale already there is only
checked again), printing for each the seconds taken, the statements sent and the rows there are:
blocs, agencies, memberships and score lines. Alone:
``DATABASE_URL=... .venv/bin/python bench/seed.py 50 300 1000`` (default ``BENCH_SEED_SCALES``,
else 50,300). Nothing is asserted: the figures are for people to compare.
"""

import io
import os
import sys
import time

from common import connection  # noqa: E402  (sets Django up)
from django.core.management import call_command  # noqa: E402

from blocs.models import Agency, Bloc, Membership  # noqa: E402
from campaigns.models import ScoreLine  # noqa: E402

SCALES = [int(n) for n in os.environ.get("BENCH_SEED_SCALES", "50,300").split(",") if n.strip()]


class Counter:
    """A database execute wrapper that counts the statements sent."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def seed_scales(scales=SCALES) -> dict:
    """Seconds taken by ``seed_demo --scale N`` for each N of ``scales`` (in growing order)."""
    call_command("seed_demo", stdout=io.StringIO())
    print(
        f"\n{'seed_demo':<24} {'seconds':>8} {'queries':>8} {'blocs':>6} {'agencies':>9} "
        f"{'members':>8} {'score lines':>12}"
    )
    seconds = {}
    for scale in sorted(scales):
        statements = Counter()
        start = time.perf_counter()
        # Counted, not logged: the log would keep every bulk statement's text in memory.
        with connection.execute_wrapper(statements):
            call_command("seed_demo", scale=scale, stdout=io.StringIO())
        seconds[scale] = time.perf_counter() - start
        print(
            f"{f'--scale {scale}':<24} {seconds[scale]:>8.1f} {statements.count:>8} "
            f"{Bloc.objects.count():>6} {Agency.objects.count():>9} "
            f"{Membership.objects.count():>8} {ScoreLine.objects.count():>12}"
        )
    return seconds


if __name__ == "__main__":
    seed_scales([int(n) for n in sys.argv[1:]] or SCALES)
