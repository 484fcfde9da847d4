"""The benchmarks' own blocs: N agencies × an 80-leaf criteria table, scored and agreed."""

import datetime
from decimal import Decimal

from common import ROOT  # noqa: F401  (sets Django up)
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from blocs import demo as blocs_demo  # noqa: E402
from blocs.models import Agency, AgencyRole, Bloc, BlocTerm, Membership, User  # noqa: E402
from campaigns.models import CriteriaTable, Criterion, Period, Scorecard, ScoreLine  # noqa: E402
from campaigns.services import agreement  # noqa: E402
from campaigns.services import review as review_services  # noqa: E402


@transaction.atomic
def build_bench_bloc(agencies: int):
    """A bloc ``bench-<agencies>x80`` of ``agencies`` agencies and an 80-leaf table, its
    year-end period reviewed and agreed, with its secretary ``bench.thuky`` (idempotent).
    Returns the 2026 term and that user."""
    council = blocs_demo.seed()["council"]
    code = f"bench-{agencies}x80"
    bloc, _ = Bloc.objects.get_or_create(
        code=code, defaults={"council": council, "name": f"Khối đo hiệu năng {agencies} × 80"}
    )
    term = BlocTerm.objects.filter(bloc=bloc, year=2026).first()
    user, _ = User.objects.get_or_create(username="bench.thuky", defaults={"full_name": "Bench"})
    if term is not None:
        return term, user
    members = [
        blocs_demo.ensure_agency(
            council, f"Cơ quan đo hiệu năng {i:02d}", f"BENCH{i:02d}", Agency.Kind.STATE
        )
        for i in range(1, agencies + 1)
    ]
    term = BlocTerm.objects.create(bloc=bloc, year=2026, status=BlocTerm.Status.ACTIVE)
    Membership.objects.bulk_create(
        Membership(term=term, agency=a, joined_on=datetime.date(2026, 1, 1)) for a in members
    )
    Membership.objects.filter(term=term, agency=members[0]).update(role="leader")
    Membership.objects.filter(term=term, agency=members[1]).update(role="deputy")
    AgencyRole.objects.get_or_create(user=user, agency=members[0], defaults={"role": "head"})
    table = CriteriaTable.objects.create(term=term, version=1, status=CriteriaTable.Status.ADOPTED)
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
    for kind, prefix in (("bonus", "T"), ("penalty", "TR")):
        for i in range(1, 6):
            order += 1
            Criterion.objects.create(
                table=table,
                code=f"{prefix}.{i}",
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
    for n, agency in enumerate(members):
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
                review_points=c.max_points - Decimal("0.25") * ((n * 7 + k) % 5)
                if c.kind == "scored"
                else None,
            )
            for k, c in enumerate(leaves)
        )
    review_services.assign_cross_checks(
        period=period, pairs=review_services.proposed_rotation(period), by=user
    )
    agreement.agree_period(period=period, by=user)
    return term, user
