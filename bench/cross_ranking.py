"""The board's cross-bloc ranking after each kind of change, as the blocs grow.

``cross_ranking_benches(scale)`` is what ``bench/run.py`` may call; alone,
``DATABASE_URL=... .venv/bin/python bench/cross_ranking.py [SCALE]`` measures at the given scale
(the scale already seeded when none is given). Each row is a request to the ranking page right
after one change: what a change to one agency, one membership, one bloc's rules or scores costs
the next reader, an entry past its age (served while a worker is asked), what still totals every
bloc (an award rule, nothing stored), and the worker's full build.
"""

import sys

from board import SCALE_PREFIX, seed_to  # noqa: E402  (sets Django up)
from common import HEADER, measure, page  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from awards.models import AwardRule  # noqa: E402
from blocs.access import board_councils  # noqa: E402
from blocs.models import Bloc, Membership, User  # noqa: E402
from campaigns.models import Period, ScoringRules  # noqa: E402
from reports import province_ranking, tasks  # noqa: E402


def after(change, read):
    def run():
        change()
        read()

    return run


def cross_ranking_benches(scale: int) -> dict:
    """Print the ranking page at ``scale`` blocs after each kind of change; return the medians."""
    seed_to(scale)
    officer = User.objects.get(username="bantdkt")
    client = Client()
    client.force_login(officer)
    council = board_councils(officer).get(blocs__code="khoi-dang")
    url = reverse("reports:province_ranking", args=[council.pk, 2026])
    read = page(client, url)
    membership = (
        Membership.objects.filter(term__bloc__council=council, term__year=2026)
        .select_related("agency")
        .order_by("pk")
        .first()
    )
    agency = membership.agency
    rules = ScoringRules.objects.filter(term__bloc__council=council, term__year=2026).first()
    award_rule = AwardRule.objects.filter(term__bloc__council=council).first()
    names = iter(range(10**6))

    def rename():
        agency.name = f"{agency.name.split(' #')[0]} #{next(names)}"
        agency.save()

    def touch_membership():
        membership.left_reason = f"đo {next(names)}"
        membership.save()

    def touch_rules():
        rules.save()

    def touch_award_rule():
        if award_rule is not None:
            award_rule.save()

    def grow_old():
        key = province_ranking._key(council.pk, 2026, Period.Kind.ANNUAL)
        stored = cache.get(key)
        stored.built_at -= province_ranking.datetime.timedelta(seconds=2 * 3600)
        cache.set(key, stored, province_ranking.KEEP_SECONDS)
        cache.delete(f"{key}:token")
        cache.delete(f"{key}:queued")

    def uncached():
        cache.clear()
        read()

    def worker():
        province_ranking.rebuild(council, year=2026, kind=Period.Kind.ANNUAL)

    blocs = Bloc.objects.filter(council=council).count()
    print(f"\ncross-bloc ranking at --scale {scale}: {blocs} blocs")
    print(HEADER)
    read()
    figures = {"cached": measure(f"ranking @{scale}, nothing changed", read)}
    figures["agency renamed"] = measure(
        f"ranking @{scale}, one agency renamed", after(rename, read)
    )
    figures["membership changed"] = measure(
        f"ranking @{scale}, one membership changed", after(touch_membership, read)
    )
    if rules is not None:  # the demo's blocs may all follow the default rules
        figures["rules changed"] = measure(
            f"ranking @{scale}, one bloc's rules changed", after(touch_rules, read)
        )
    # A request past the entry's age only asks a worker (the broker is not reached here); the
    # time includes ageing the entry, a read and a write of it in the cache.
    delay = tasks.refresh_cross_rankings_task.delay
    tasks.refresh_cross_rankings_task.delay = lambda **kwargs: None
    try:
        figures["past its age"] = measure(
            f"ranking @{scale}, past its age (worker asked)", after(grow_old, read)
        )
    finally:
        tasks.refresh_cross_rankings_task.delay = delay
    figures["worker build"] = measure(f"worker's full build @{scale}", worker)
    figures["award rule changed"] = measure(
        f"ranking @{scale}, an award rule changed (all)", after(touch_award_rule, read)
    )
    figures["uncached"] = measure(f"ranking @{scale}, nothing stored", uncached)
    return figures


if __name__ == "__main__":
    setup_test_environment()
    given = [int(n) for n in sys.argv[1:]]
    cross_ranking_benches(
        given[0] if given else Bloc.objects.filter(code__startswith=SCALE_PREFIX).count()
    )
