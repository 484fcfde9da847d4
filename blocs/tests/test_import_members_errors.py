"""A member import that became invalid since the file was read names the row, imports nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from blocs import services
from blocs.imports import ImportRow
from blocs.models import Agency, Membership

pytestmark = pytest.mark.django_db

JOINED = datetime.date(2026, 1, 1)


def new_row(row=2):
    return ImportRow(
        row=row,
        name="Sở Mới thử",
        abbreviation="SMT",
        kind=Agency.Kind.STATE,
        parent_body="",
        joined_on=JOINED,
    )


def existing_row(agency, row):
    return ImportRow(
        row=row,
        name=agency.name,
        abbreviation=agency.abbreviation,
        kind=agency.kind,
        parent_body=agency.parent_body,
        joined_on=JOINED,
        agency_id=agency.pk,
    )


def test_an_agency_gone_since_reading_names_its_row(bloc_world):
    gone = existing_row(bloc_world.d, 3)
    rows = [new_row(), ImportRow(**{**gone.__dict__, "agency_id": 999_999})]
    before = Membership.objects.count()
    with pytest.raises(ValidationError, match="Dòng 3"):
        services.import_members(term=bloc_world.term, rows=rows, by=bloc_world.board)
    assert not Agency.objects.filter(abbreviation="SMT").exists()
    assert Membership.objects.count() == before


def test_a_refused_membership_names_its_row(bloc_world):
    # D became a member since the file was read.
    rows = [new_row(), existing_row(bloc_world.d, 4)]
    with pytest.raises(ValidationError, match="Dòng 4: .*đã là thành viên"):
        services.import_members(term=bloc_world.term, rows=rows, by=bloc_world.board)
    assert not Agency.objects.filter(abbreviation="SMT").exists()
