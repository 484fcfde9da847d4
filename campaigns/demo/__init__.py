"""Demo data of the campaigns app, called by seed_demo after the blocs demo."""

import datetime

from django.utils import timezone

from campaigns.models import DEADLINE_ZONE


def vietnam_time(year, month, day, hour=17, minute=0) -> datetime.datetime:
    """A moment of the demo's story, in Vietnam time."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=DEADLINE_ZONE)


def shift_into_past(end: datetime.datetime) -> datetime.timedelta:
    """How far to move back a demo story that would end at ``end``, so that it ends an hour
    before now: the demo never records a signature, a submission or an upload in the future."""
    return max(end - timezone.now() + datetime.timedelta(hours=1), datetime.timedelta(0))
