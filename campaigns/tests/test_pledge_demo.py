import pytest

from blocs import demo as blocs_demo
from campaigns.demo import pledges as pledges_demo
from campaigns.models import Campaign, Pledge, PledgeSignature, TitleRegistration

pytestmark = pytest.mark.django_db


def test_demo_pledges_are_idempotent_and_leave_ubkttu_to_sign():
    objects = blocs_demo.seed()
    pledges_demo.seed(objects)
    counts = (Campaign.objects.count(), Pledge.objects.count(), PledgeSignature.objects.count())
    pledges_demo.seed(objects)
    assert counts == (
        Campaign.objects.count(),
        Pledge.objects.count(),
        PledgeSignature.objects.count(),
    )
    signed = Pledge.objects.get(term__bloc__code="khoi-dang", term__year=2025)
    assert signed.status == Pledge.Status.SIGNED
    current = Pledge.objects.get(term__bloc__code="khoi-dang", term__year=2026)
    assert current.status == Pledge.Status.OPEN
    assert current.compute_hash() == current.content_hash
    signers = set(current.signatures.values_list("agency__abbreviation", flat=True))
    assert "UBKTTU" not in signers and "BNCTU" in signers
    assert 0 < len(signers) < len(current.members)
    assert TitleRegistration.objects.filter(term=current.term).exists()
    # Every bloc-year has its yearly campaign.
    assert Campaign.objects.filter(kind="annual").values("term").distinct().count() == 6
