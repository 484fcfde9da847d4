"""Demo data of the campaigns app, called by seed_demo after the blocs demo."""

import datetime

from django.db import connection
from django.utils import timezone

from blocs.models import AgencyRole, Membership
from campaigns.models import DEADLINE_ZONE


def vietnam_time(year, month, day, hour=17, minute=0) -> datetime.datetime:
    """A moment of the demo's story, in Vietnam time."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=DEADLINE_ZONE)


def shift_into_past(end: datetime.datetime) -> datetime.timedelta:
    """How far to move back a demo story that would end at ``end``, so that it ends an hour
    before now: the demo never records a signature, a submission or an upload in the future."""
    return max(end - timezone.now() + datetime.timedelta(hours=1), datetime.timedelta(0))


def acting_people(term) -> dict:
    """A user who acts for each member agency of ``term``: its head, else any of its people."""
    ids = Membership.objects.filter(term=term).values_list("agency_id", flat=True)
    people = {}
    for role in AgencyRole.objects.filter(agency_id__in=ids).select_related("user").order_by("id"):
        if role.role == AgencyRole.Role.HEAD or role.agency_id not in people:
            people[role.agency_id] = role.user
    return people


def secretariat_of(term, people: dict, fallback):
    """The user acting for the term's leader agency (``fallback`` when there is none)."""
    leader = term.memberships.filter(role=Membership.Role.LEADER).first()
    return people.get(leader.agency_id, fallback) if leader else fallback


def write_rows(model, fields, rows) -> None:
    """Insert ``rows`` (tuples of the values of ``fields``) of ``model``, other fields at their
    defaults, with no model instances: PostgreSQL copies them in (``COPY``), the fastest way in;
    other databases take them through ``bulk_create``. For the benchmark data, millions of rows.
    """
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            (model(**dict(zip(fields, row, strict=True))) for row in rows), batch_size=2000
        )
        return
    named = [model._meta.get_field(name) for name in fields]
    others = [f for f in model._meta.concrete_fields if f not in named and not f.primary_key]
    defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in others)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in named + others)
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row + defaults)
