import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from blocs import services
from blocs.admin import AuditedAdmin
from blocs.models import (
    AgencyNameChange,
    LeadershipChange,
    LeadershipElection,
    Notification,
    NotificationPreference,
)

pytestmark = pytest.mark.django_db

BLOCS_MODELS = [m for m in admin.site._registry if m._meta.app_label == "blocs"]


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("quantri", "quantri@example.vn", "x")


@pytest.fixture
def full_world(bloc_world):
    """The persona world plus a rename and an election, so that every changelist has rows."""
    services.rename_agency(
        agency=bloc_world.d,
        name="Cơ quan D đổi tên",
        abbreviation="CQDDT",
        changed_on=datetime.date(2026, 2, 1),
    )
    services.record_election(
        term=bloc_world.term,
        by=bloc_world.secretariat,
        held_on=datetime.date(2026, 12, 1),
        leader=bloc_world.c,
        deputy=bloc_world.d,
        voters=6,
        leader_votes=5,
        deputy_votes=5,
    )
    services.set_leadership(
        term=bloc_world.term, leader=bloc_world.c, deputy=bloc_world.b, by=bloc_world.board
    )
    assert AgencyNameChange.objects.exists() and LeadershipElection.objects.exists()
    assert LeadershipChange.objects.exists()
    Notification.objects.create(
        user=bloc_world.member_head, kind="campaigns.remind_selfscore", params={"bloc": "Khối"}
    )
    NotificationPreference.objects.create(
        user=bloc_world.member_head, kind="campaigns.remind_selfscore", delivery="digest"
    )
    return bloc_world


def test_every_blocs_model_is_in_the_admin():
    names = {m.__name__ for m in BLOCS_MODELS}
    assert names >= {
        "User",
        "Council",
        "Agency",
        "AgencyNameChange",
        "Bloc",
        "RotationSlot",
        "BlocTerm",
        "Membership",
        "LeadershipElection",
        "AgencyRole",
        "BoardOfficer",
        "LeadershipChange",
    } - {"RotationSlot"}


@pytest.mark.parametrize("model", BLOCS_MODELS, ids=lambda m: m.__name__)
def test_admin_changelist_and_change_page_load(client, superuser, full_world, model):
    client.force_login(superuser)
    opts = model._meta
    changelist = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    obj = model._default_manager.order_by("pk").first()
    change = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    assert change.status_code == 200
    add = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    # The domain logs (renames, changes of the lead) are read-only: they have no add page.
    read_only = (AgencyNameChange, LeadershipChange, Notification)
    assert add.status_code == (403 if model in read_only else 200)
    if isinstance(admin.site._registry[model], AuditedAdmin):
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
        assert client.get(url).status_code == 200


def test_admin_search_works_on_agencies_and_terms(client, superuser, full_world):
    client.force_login(superuser)
    for name in ("agency", "blocterm", "membership"):
        response = client.get(reverse(f"admin:blocs_{name}_changelist"), {"q": "thử"})
        assert response.status_code == 200
