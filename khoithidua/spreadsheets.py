"""Spreadsheets in and out: uploaded workbooks read with bounded work, exports that run no formula.

Reading: a small .xlsx can hold millions of rows (a 127 KB file held two million) or unpack to
gigabytes, and openpyxl parses a whole sheet on opening when the sheet declares no dimension.
:func:`open_workbook` therefore bounds the work before openpyxl reads anything (unpacked size,
then the number of XML tags), then opens it read-only; :func:`sheet_rows` refuses a sheet by its
declared dimension before parsing a row, and stops after ``max_rows`` rows, empty ones included,
whatever the dimension says.

Writing: text that starts like a formula (``= + - @``, a tab or a carriage return) must reach
the reader as text, never run (OWASP, "CSV Injection"). Every export goes through
:func:`is_formula_like`: xlsx files are saved with :func:`workbook_bytes`, CSV values pass
through :func:`csv_value`. Numbers are left alone, negative ones included.
"""

import io
import zipfile
from xml.etree.ElementTree import ParseError

from lxml.etree import XMLSyntaxError
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Far above any member list or criteria table: 2000 criteria with long texts unpack to 3.5 MB
# and hold 75 000 tags. Counting tags is what bounds the parsing: openpyxl's time follows the
# number of elements (a few hundred thousand a second), not the size of the file.
MAX_UNPACKED_BYTES = 32 * 1024 * 1024
MAX_XML_TAGS = 250_000


# What zipfile and openpyxl raise, on opening or while reading rows, for a file that is not a
# well-formed workbook (a zip of something else, broken XML, a missing part, a wrong value).
UNREADABLE = (
    InvalidFileException,
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    ParseError,
    KeyError,
    IndexError,
    OSError,
    ValueError,
    TypeError,
    EOFError,
    # openpyxl parses with lxml when it is installed (python-docx brings it).
    XMLSyntaxError,
)


class SheetTooLarge(Exception):
    """The sheet has more than the allowed rows; ``rows`` is how many it has, or at least."""

    def __init__(self, rows: int, *, declared: bool):
        super().__init__(rows)
        self.rows = rows
        self.declared = declared


class WorkbookTooLarge(Exception):
    """The workbook unpacks to more than :data:`MAX_UNPACKED_BYTES` or :data:`MAX_XML_TAGS`."""


def _check_archive(archive) -> None:
    # zipfile never inflates a member past its declared size: the sum bounds the scan below.
    unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        raise WorkbookTooLarge(unpacked)
    tags = 0
    for info in archive.infolist():
        with archive.open(info) as part:
            while chunk := part.read(1024 * 1024):
                tags += chunk.count(b"<")
                if tags > MAX_XML_TAGS:
                    raise WorkbookTooLarge(tags)


def open_workbook(source):
    """Open an uploaded .xlsx read-only, values only, once its size is known to be reasonable.

    Raises :class:`WorkbookTooLarge`, or one of :data:`UNREADABLE` for a file that is not a
    workbook; rows read later may raise those too, so callers catch them around both.
    """
    if hasattr(source, "seek"):
        source.seek(0)
    with zipfile.ZipFile(source) as archive:
        _check_archive(archive)
    if hasattr(source, "seek"):
        source.seek(0)
    return load_workbook(source, read_only=True, data_only=True)


def sheet_rows(sheet, *, max_rows: int, max_col: int):
    """Yield ``(row_number, values)`` for rows 1 to ``max_rows``, empty rows included.

    Raises :class:`SheetTooLarge` before reading anything when the sheet's dimension declares
    more rows, and as soon as a row past ``max_rows`` is reached otherwise.
    """
    declared = sheet.max_row
    if declared is not None and declared > max_rows:
        raise SheetTooLarge(declared, declared=True)
    # A dimension can also undercount: openpyxl would then stop at it and drop the rows below.
    sheet.reset_dimensions()
    rows = sheet.iter_rows(max_col=max_col, values_only=True)
    for number, values in enumerate(rows, start=1):
        if number > max_rows:
            raise SheetTooLarge(number, declared=False)
        yield number, values


def is_formula_like(value) -> bool:
    """Whether a spreadsheet would read ``value`` as a formula: text starting with = + - @ tab CR."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def workbook_bytes(book) -> bytes:
    """Save ``book`` with every formula-like text cell kept as text.

    Such a cell is stored as a string with Excel's quote prefix: it shows as typed, reads back
    unchanged, and stays text when edited. Exports write no formula of their own.
    """
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if is_formula_like(cell.value):
                    cell.data_type = "s"
                    cell.quotePrefix = True
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_value(value):
    """``value`` for a CSV cell: formula-like text gets a leading apostrophe, the rest as is."""
    return "'" + value if is_formula_like(value) else value
