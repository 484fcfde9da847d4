"""seed_demo: idempotent, and the demo the README promises."""

import pytest
from django.core.management import call_command

from blocs.models import Agency, BlocTerm, LeadershipElection, User
from campaigns.models import Pledge, ScoreLine

pytestmark = pytest.mark.django_db

README_LOGINS = [
    "admin",
    "bantdkt",
    "bnctu.truong",
    "bnctu.canbo",
    "bqt.truong",
    "ubkttu.truong",
    "ubkttu.canbo",
    "btctu.truong",
    "ttt.truong",
    "stp.truong",
    "khach",
]


def counts():
    return (
        User.objects.count(),
        Agency.objects.count(),
        BlocTerm.objects.count(),
        Pledge.objects.count(),
        ScoreLine.objects.count(),
    )


def test_seed_demo_twice_creates_the_demo_once(capsys):
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    assert "khoithidua2026" in capsys.readouterr().out


def test_demo_matches_the_readme():
    call_command("seed_demo")
    for username in README_LOGINS:
        user = User.objects.get(username=username)
        assert user.check_password("khoithidua2026"), username
    party = {
        t.year: t
        for t in BlocTerm.objects.filter(bloc__code="khoi-dang").prefetch_related(
            "memberships__agency"
        )
    }
    assert sorted(party) == [2024, 2025, 2026]
    assert party[2026].leader.abbreviation == "BNCTU"
    assert party[2026].deputy.abbreviation == "BQT"
    assert party[2025].leader.abbreviation == "BTCTU"
    assert len([m for m in party[2026].memberships.all() if m.left_on is None]) == 10
    assert LeadershipElection.objects.filter(term=party[2025]).exists()
    state = BlocTerm.objects.get(bloc__code="khoi-tong-hop", year=2026)
    assert (state.leader.abbreviation, state.deputy.abbreviation) == ("TTT", "STP")


def test_scale_adds_blocs_of_twelve_with_scores():
    call_command("seed_demo", "--scale", "2")
    terms = BlocTerm.objects.filter(bloc__code__startswith="khoi-mo-rong-")
    assert terms.count() == 2
    for term in terms:
        assert term.memberships.count() == 12
        assert ScoreLine.objects.filter(scorecard__period__term=term).exists()
