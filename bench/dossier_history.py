"""The award dossier of each demo bloc's year and an agency's history across the years, as the
board reads them, each beside its bare render.

``dossier_history_benches()`` is what ``make bench`` calls; alone, ``DATABASE_URL=...
.venv/bin/python bench/dossier_history.py`` measures the seeded demo.
"""

from common import HEADER, compare  # noqa: E402  (sets Django up)
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from awards.models import Dossier, GrantedAward  # noqa: E402
from blocs.models import User  # noqa: E402


def dossier_history_benches() -> None:
    """Print every demo dossier's page (its state in the label) and the history of the agencies
    granted an award, or of the first agency with a dossier when none is, for the board
    officer."""
    board = Client()
    board.force_login(User.objects.get(username="bantdkt"))
    print(HEADER)
    for dossier in Dossier.objects.select_related("term__bloc").order_by("term__year", "pk"):
        term = dossier.term
        compare(
            f"dossier {term.bloc.code} {term.year} ({dossier.state})",
            board,
            reverse("reports:dossier", args=[term.bloc.code, term.year]),
        )
    agencies = list(
        GrantedAward.objects.order_by("agency_id").values_list("agency_id", flat=True).distinct()
    )
    if not agencies:
        agencies = list(
            Dossier.objects.values_list("term__memberships__agency_id", flat=True)
            .order_by("term__memberships__agency_id")
            .distinct()[:1]
        )
    for agency_id in agencies[:2]:
        compare(
            f"agency history {agency_id}",
            board,
            reverse("reports:agency_history", args=[agency_id]),
        )


if __name__ == "__main__":
    setup_test_environment()
    dossier_history_benches()
