"""The ranking of a period as files: JSON, CSV (UTF-8 with BOM, for Excel) and XLSX."""

import csv
import io
import json
from decimal import Decimal

from django.utils.translation import gettext as _

from campaigns.selectors import PeriodData
from khoithidua.spreadsheets import csv_value, workbook_bytes


def export_rows(data: PeriodData) -> list[dict]:
    """The ranking as plain rows (points as decimal strings), as ``export_ranking`` prints it."""
    rows = []
    for r in data.ranked:
        rows.append(
            {
                "rank": r.rank,
                "agency": r.row.name,
                "agency_abbr": r.row.abbreviation,
                "base": str(r.row.base),
                "bonus": str(r.row.bonus),
                "penalty": str(r.row.penalty),
                "total": str(r.row.total),
                "classification": r.band.label if r.band else "",
                "tie_break": r.tie_break_label,
            }
        )
    return rows


def export_document(data: PeriodData) -> dict:
    term = data.term
    return {
        "bloc": term.bloc.code,
        "year": term.year,
        "period": data.period.kind,
        "rows": export_rows(data),
    }


CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

EXPORT_COLUMNS = [
    "rank",
    "agency",
    "agency_abbr",
    "base",
    "bonus",
    "penalty",
    "total",
    "classification",
    "tie_break",
]
NUMBER_COLUMNS = ("base", "bonus", "penalty", "total")


def render_export(data: PeriodData, fmt: str) -> bytes:
    """The ranking as JSON, CSV (UTF-8 with BOM, for Excel) or XLSX bytes."""
    document = export_document(data)
    if fmt == "json":
        return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in document["rows"]:
            # Points go out as numbers, never escaped; every text through csv_value.
            row = {**row, **{k: Decimal(row[k]) for k in NUMBER_COLUMNS}}
            writer.writerow({k: csv_value(v) for k, v in row.items()})
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = _("Xếp hạng")[:31]
        sheet.append(
            [
                _("Hạng"),
                _("Cơ quan, đơn vị"),
                _("Viết tắt"),
                _("Điểm chuẩn"),
                _("Điểm thưởng"),
                _("Điểm trừ"),
                _("Tổng điểm"),
                _("Xếp loại"),
                _("Phân định khi bằng điểm"),
            ]
        )
        for row in document["rows"]:
            sheet.append(
                [
                    row["rank"],
                    row["agency"],
                    row["agency_abbr"],
                    *(Decimal(row[k]) for k in NUMBER_COLUMNS),
                    row["classification"],
                    row["tie_break"],
                ]
            )
        for col in "DEFG":
            for cell in sheet[col][1:]:
                cell.number_format = "0.00"
        sheet.column_dimensions["B"].width = 48
        sheet.column_dimensions["I"].width = 40
        return workbook_bytes(book)
    raise ValueError(f"Unknown format {fmt!r}")
