"""Builders for the blocs tests: blocs of any size and Excel files in the template's layout."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from blocs.imports import HEADERS
from blocs.models import BlocTerm, RotationSlot
from tests.factories import AgencyFactory, BlocFactory, UserFactory, give_role, make_term


def build_bloc(*, council, members: int, years=(2025, 2026)):
    """A bloc of ``members`` agencies, each with a head user; the last year is active."""
    bloc = BlocFactory(council=council)
    agencies = [
        AgencyFactory(council=council, name=f"Sở Đo đếm {bloc.pk}-{i:02d}") for i in range(members)
    ]
    RotationSlot.objects.bulk_create(
        RotationSlot(bloc=bloc, agency=a, position=i) for i, a in enumerate(agencies, start=1)
    )
    for agency in agencies:
        give_role(UserFactory(), agency)
    terms = [
        make_term(
            bloc=bloc,
            year=year,
            agencies=agencies,
            leader=agencies[1] if year == years[-1] else agencies[0],
            deputy=agencies[2] if year == years[-1] else agencies[1],
            status=BlocTerm.Status.ACTIVE if year == years[-1] else BlocTerm.Status.CLOSED,
        )
        for year in years
    ]
    return bloc, agencies, terms


def xlsx_upload(rows, *, name="thanh-vien.xlsx", headers=None) -> SimpleUploadedFile:
    """An uploaded .xlsx with the template's header row followed by ``rows``."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách"
    sheet.append([str(h) for h in (headers or HEADERS)])
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        name,
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def day(text: str) -> datetime.date:
    return datetime.datetime.strptime(text, "%d/%m/%Y").date()
