"""The ranking of a period as files: JSON, CSV (UTF-8 with BOM, for Excel) and XLSX."""

import csv
import io
import json
from decimal import Decimal

from django.utils.translation import gettext as _

from campaigns import layers
from campaigns.card_totals import layer_totals
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


def grid_rows(data: PeriodData) -> list[dict]:
    """The conference sheet as plain rows: ranked agencies first, then those not submitted.

    Each row has the agency, its rank, the final sum of every top group, the total of every
    layer (``None`` for a layer nobody wrote) and the final total and classification.
    """
    tree = data.main_tree
    groups = tree.top_groups
    cards = {c.agency.id: c for c in data.cards}
    order = [(r, cards[r.agency_id]) for r in data.ranked]
    ranked_ids = {r.agency_id for r in data.ranked}
    order += [(None, c) for c in data.cards if c.agency.id not in ranked_ids]
    rows = []
    for ranked, card in order:
        totals = layer_totals(data.trees[card.table_id], card.lines.values())
        rows.append(
            {
                "rank": ranked.rank if ranked else None,
                "agency": card.agency.name,
                "agency_abbr": card.agency.abbreviation,
                "groups": [card.totals.group_sums.get(g.id) for g in groups],
                "layers": [totals[la].total if totals[la] else None for la in layers.ORDER],
                "total": card.totals.total,
                "classification": ranked.band.label if ranked and ranked.band else "",
                "submitted": not card.is_draft,
            }
        )
    return rows


def grid_workbook(data: PeriodData) -> bytes:
    """The grid as the conference sheet (XLSX): one row per agency, group sums, layer totals."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    groups = data.main_tree.top_groups
    book = Workbook()
    sheet = book.active
    sheet.title = _("Bảng tổng hợp")[:31]
    header = [_("Hạng"), _("Cơ quan, đơn vị"), _("Viết tắt")]
    header += [f"{g.code}. {g.title}" for g in groups]
    header += [_("Tổng %(layer)s") % {"layer": layers.LABELS[la]} for la in layers.ORDER]
    header += [_("Tổng điểm"), _("Xếp loại")]
    sheet.append([csv_value(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in grid_rows(data):
        sheet.append(
            [
                row["rank"] if row["rank"] is not None else _("Chưa nộp"),
                row["agency"],
                row["agency_abbr"],
                *row["groups"],
                *row["layers"],
                row["total"],
                row["classification"],
            ]
        )
    first_number, last_number = 4, 3 + len(groups) + len(layers.ORDER) + 1
    for col in range(first_number, last_number + 1):
        letter = get_column_letter(col)
        for cell in sheet[letter][1:]:
            cell.number_format = "0.00"
        sheet.column_dimensions[letter].width = 14
    sheet.column_dimensions["B"].width = 48
    sheet.freeze_panes = "D2"
    return workbook_bytes(book)
