"""The pages whose size is the province's: the members page as the council grows, and the board's
dashboard, province overview and cross-bloc ranking as the blocs grow.

``board_benches(scales)`` is what ``make bench`` calls; alone, ``DATABASE_URL=...
.venv/bin/python bench/board.py [SCALE ...]`` measures at the given scales (the scale already
seeded when none is given). Each page is printed beside its bare render (``common.compare``).
"""

import datetime
import sys

from common import HEADER, compare, measure, page  # noqa: E402  (sets Django up)
from django.core.cache import cache  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from seed import seed_scales  # noqa: E402
from simple_history.utils import bulk_create_with_history  # noqa: E402

from blocs.access import board_councils  # noqa: E402
from blocs.models import (  # noqa: E402
    Agency,
    AgencyRole,
    Bloc,
    BlocTerm,
    Council,
    Membership,
    User,
)

# The members page is measured in a council of its own, at these numbers of agencies.
AGENCY_COUNTS = (1000, 4000)
MEMBERS_BLOC = "bench-thanh-vien"
SCALE_PREFIX = "khoi-mo-rong-"
# Names of the kinds a province's agencies bear, so that a search matches a realistic share.
NAME_STEMS = (
    "Sở Ngành",
    "Ủy ban nhân dân xã",
    "Trường Trung học cơ sở",
    "Trạm Y tế phường",
    "Đảng ủy xã",
    "Hội Nông dân huyện",
    "Chi cục Thuế khu vực",
    "Bệnh viện đa khoa",
)


@transaction.atomic
def members_council(agencies: int):
    """A council of ``agencies`` active agencies, 14 of them the members of one bloc's 2026, and
    the secretariat user of that year (idempotent: only the missing agencies are added)."""
    council, _ = Council.objects.get_or_create(
        short_name="HĐTĐKT ĐO HIỆU NĂNG",
        defaults={"name": "Hội đồng đo hiệu năng", "province": "Đo hiệu năng"},
    )
    have = Agency.objects.filter(council=council).count()
    new = []
    for n in range(have + 1, agencies + 1):
        agency = Agency(
            council=council,
            name=f"{NAME_STEMS[n % len(NAME_STEMS)]} số {n:05d}",
            abbreviation=f"DHN{n:05d}",
            kind=Agency.Kind.STATE,
        )
        agency.clean()  # the derived sort and search keys
        new.append(agency)
    bulk_create_with_history(new, Agency, batch_size=1000)
    bloc, _ = Bloc.objects.get_or_create(
        code=MEMBERS_BLOC, defaults={"council": council, "name": "Khối đo trang thành viên"}
    )
    term = BlocTerm.objects.filter(bloc=bloc, year=2026).first()
    if term is None:
        term = BlocTerm.objects.create(bloc=bloc, year=2026, status=BlocTerm.Status.ACTIVE)
        members = list(Agency.objects.filter(council=council).order_by("pk")[:14])
        Membership.objects.bulk_create(
            Membership(term=term, agency=a, joined_on=datetime.date(2026, 1, 1)) for a in members
        )
        Membership.objects.filter(term=term, agency=members[0]).update(role="leader")
        Membership.objects.filter(term=term, agency=members[1]).update(role="deputy")
    user, _ = User.objects.get_or_create(
        username="bench.thanhvien", defaults={"full_name": "Thư ký đo hiệu năng"}
    )
    leader = Membership.objects.get(term=term, role="leader").agency
    AgencyRole.objects.get_or_create(user=user, agency=leader, defaults={"role": "head"})
    return term, user


def members_benches():
    """The members page and its search at each of ``AGENCY_COUNTS`` agencies in the council."""
    print(HEADER)
    for agencies in AGENCY_COUNTS:
        term, user = members_council(agencies)
        client = Client()
        client.force_login(user)
        url = reverse("blocs:member_manage", args=[term.bloc.code, term.year])
        search = reverse("blocs:member_agency_search", args=[term.bloc.code, term.year])
        label = f"members page @{agencies} agencies"
        compare(label, client, url)
        compare(f"{label}, searched", client, url + "?q=truong+trung+hoc")
        measure(f"{label}, htmx search", page(client, search + "?q=so+nganh+so"))


def seed_to(scale: int) -> None:
    """Grow the demo to ``scale`` blocs more (``seed_demo --scale``), unless it is there."""
    if Bloc.objects.filter(code__startswith=SCALE_PREFIX).count() >= scale:
        return
    seed_scales([scale])


def province_bench(client, council, scale) -> dict:
    """The board officer's dashboard, the overview and the cross-bloc ranking of 2026, each
    beside its bare render; the ranking also as after a change anywhere (its cache emptied)."""
    blocs = Bloc.objects.filter(council=council).count()
    members = Membership.objects.filter(term__bloc__council=council, term__year=2026).count()
    print(f"\nboard at --scale {scale}: {blocs} blocs, {members} memberships in 2026")
    print(HEADER)
    overview = reverse("reports:province_overview", args=[council.pk, 2026])
    ranking = reverse("reports:province_ranking", args=[council.pk, 2026])
    figures = {}
    compare(f"board dashboard @{scale}", client, reverse("dashboard"))
    figures["dashboard"] = measure(
        f"board dashboard @{scale} (again)", page(client, reverse("dashboard"))
    )
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


def board_benches(scales: list[int]) -> dict:
    """Print the members page at 1,000 and 4,000 agencies, then the board officer's pages at each
    of ``scales`` (blocs added by ``seed_demo --scale``, the seed growing between them), and the
    ratio of their times between the smallest and the largest scale. Return the figures by scale.
    """
    members_benches()
    officer = User.objects.get(username="bantdkt")
    board = Client()
    board.force_login(officer)
    council = board_councils(officer).get(blocs__code="khoi-dang")
    results = {}
    for scale in sorted(scales):
        seed_to(scale)
        results[scale] = province_bench(board, council, scale)
    if len(results) > 1:
        low, high = min(results), max(results)
        print(f"\ntime @{high} / time @{low} (median ms)")
        for name in results[low]:
            a, b = results[low][name], results[high][name]
            print(f"  {name:<28} {a:>8.1f} → {b:>8.1f}   {b / a:.2f}×")
    return results


if __name__ == "__main__":
    setup_test_environment()
    given = [int(n) for n in sys.argv[1:]]
    board_benches(given or [Bloc.objects.filter(code__startswith=SCALE_PREFIX).count()])
