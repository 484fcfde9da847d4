"""seed_demo --scale: the benchmark blocs' shapes, written in bulk, idempotent and growing, in a
number of queries that does not grow with the blocs."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blocs.models import Agency, Bloc, BlocTerm, LeadershipChange, Membership
from campaigns import crosscheck, layers
from campaigns.models import (
    Campaign,
    CriteriaTable,
    Criterion,
    CrossCheck,
    Period,
    Scorecard,
    ScoreLine,
    ScoreLineChange,
)

pytestmark = pytest.mark.django_db

SCALED = {"bloc__code__startswith": "khoi-mo-rong-"}


def seed(scale=0) -> list[str]:
    """Run seed_demo and return the statements it sent."""
    with CaptureQueriesContext(connection) as queries:
        call_command("seed_demo", scale=scale, stdout=io.StringIO())
    return [q["sql"] for q in queries.captured_queries]


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (
            Bloc,
            Agency,
            BlocTerm,
            Membership,
            LeadershipChange,
            Campaign,
            CriteriaTable,
            Criterion,
            Period,
            CrossCheck,
            Scorecard,
            ScoreLine,
            ScoreLineChange,
            ScoreLine.history.model,
            Membership.history.model,
            Period.history.model,
            Scorecard.history.model,
        )
    }


def test_scale_builds_the_benchmark_blocs():
    seed(3)
    terms = BlocTerm.objects.filter(**SCALED).select_related("bloc").order_by("bloc__code")
    assert [t.bloc.code for t in terms] == [f"khoi-mo-rong-00{n}" for n in (1, 2, 3)]
    for n, term in enumerate(terms, start=1):
        assert term.year == 2026 and term.status == BlocTerm.Status.ACTIVE
        assert term.memberships.count() == 12
        assert (term.leader.abbreviation, term.deputy.abbreviation) == (f"S{n}N01", f"S{n}N02")
        assert term.bloc.rotation.count() == 12
        change = LeadershipChange.objects.get(term=term)
        assert (change.new_leader, change.new_deputy) == (term.leader, term.deputy)
        # Joined as members, then two made leader and deputy.
        trail = Membership.history.filter(term=term)
        assert trail.filter(history_type="+", role=Membership.Role.MEMBER).count() == 12
        assert sorted(trail.filter(history_type="~").values_list("role", flat=True)) == [
            Membership.Role.DEPUTY,
            Membership.Role.LEADER,
        ]
        assert Campaign.objects.filter(term=term, kind=Campaign.Kind.ANNUAL).count() == 1
        table = CriteriaTable.objects.get(term=term)
        assert table.criteria.filter(kind=Criterion.Kind.GROUP).count() == 12
        assert table.criteria.exclude(kind=Criterion.Kind.GROUP).count() == 80
        periods = {p.kind: p for p in Period.objects.filter(term=term)}
        assert periods[Period.Kind.SEMIANNUAL].status == Period.Status.AGREED
        assert periods[Period.Kind.ANNUAL].status == Period.Status.REVIEWING
        members = [
            m.agency_id
            for m in term.memberships.select_related("agency").order_by(
                "agency__sort_key", "agency_id"
            )
        ]
        for period in periods.values():
            agreed = period.kind == Period.Kind.SEMIANNUAL
            pairs = set(
                CrossCheck.objects.filter(period=period).values_list("reviewer_id", "reviewed_id")
            )
            assert pairs == set(crosscheck.rotation(members, shift=1))
            reviewer = {b: a for a, b in pairs}
            cards = Scorecard.objects.filter(period=period)
            assert cards.count() == 12
            assert {c.status for c in cards} == {
                Scorecard.Status.AGREED if agreed else Scorecard.Status.SUBMITTED
            }
            lines = ScoreLine.objects.filter(scorecard__period=period).select_related("scorecard")
            assert len(lines) == 12 * 80
            for line in lines:
                assert line.self_points is not None
                assert line.review_points == line.self_points
                assert line.reviewer_id == reviewer[line.scorecard.agency_id]
                expected = line.value(upto=layers.REVIEW) if agreed else None
                assert line.agreed_points == expected
            # The lock's trail: one history row and one agreed change for each line.
            history = ScoreLine.history.filter(scorecard__period=period)
            changes = ScoreLineChange.objects.filter(line__scorecard__period=period)
            assert history.filter(history_type="~").count() == (len(lines) if agreed else 0)
            assert changes.filter(layer=ScoreLineChange.Layer.AGREED).count() == (
                len(lines) if agreed else 0
            )
            if agreed:
                for change in changes.select_related("line")[:50]:
                    assert change.new_value == f"{change.line.agreed_points.normalize():f}"
                    assert change.note


def test_scale_is_idempotent_and_grows():
    seed(2)
    seed(3)
    grown = counts()
    seed(3)
    assert counts() == grown
    assert BlocTerm.objects.filter(**SCALED).count() == 3
    assert (
        ScoreLine.objects.filter(
            scorecard__period__term__bloc__code__startswith="khoi-mo-rong-"
        ).count()
        == 3 * 2 * 12 * 80
    )


def not_inserts(statements) -> list[str]:
    """The statements other than inserts, whose number some databases cap by the row."""
    return [s for s in statements if not s.lstrip().upper().startswith(("INSERT", "COPY"))]


def test_scale_queries_do_not_grow_with_the_blocs():
    seed()
    one = seed(1)
    five = seed(5)  # four blocs more
    assert len(not_inserts(five)) <= len(not_inserts(one))
    if connection.vendor == "postgresql":
        # Every table's rows in a single statement (score lines copied in).
        assert len(five) <= len(one)
