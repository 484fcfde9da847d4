import datetime

import pytest
from django.utils import timezone

from blocs.access import term_access
from blocs.models import Membership

pytestmark = pytest.mark.django_db


def test_a_departure_recorded_ahead_takes_effect_on_its_date(bloc_world):
    membership = Membership.objects.get(term=bloc_world.term, agency=bloc_world.d)
    today = timezone.localdate()
    membership.left_on = today + datetime.timedelta(days=10)
    membership.save(update_fields=["left_on"])
    access = term_access(bloc_world.member_head, bloc_world.term)
    assert access.can_draft_for(bloc_world.d.pk) and access.can_act_for(bloc_world.d.pk)
    membership.left_on = today
    membership.save(update_fields=["left_on"])
    access = term_access(bloc_world.member_head, bloc_world.term)
    assert access.can_read
    assert not access.can_draft_for(bloc_world.d.pk)
