"""Hypothesis strategies for posting odd data to forms, and the check that no post is a 500.

A form is described by its fields, each a ``Field``: well-formed values (what the page would
send, so that a post gets past validation and reaches the services) and junk. ``payloads``
draws a dict the test client can post: most fields well-formed and one or two corrupted, or
every field left to chance; a field may be missing, empty, junk or repeated, and unknown keys
may come along. Shrinking goes towards the well-formed post, so a failure names the field
that breaks it.
"""

import datetime
import io
import os
import traceback
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

ROOT = str(settings.BASE_DIR)
VIETNAMESE = [
    "Giao ước thi đua năm 2026",
    "Sở Giáo dục và Đào tạo",
    "Nguyễn Thị Hồng Nhung",
    "Khối thi đua các cơ quan Đảng, Mặt trận và đoàn thể tỉnh",
    "ĐẮK LẮK",
    "ờ ở ỡ ợ ự ữ ỹ",
]
# The same words decomposed (NFD), as some Mac and phone keyboards send them.
VIETNAMESE += [unicodedata.normalize("NFD", text) for text in VIETNAMESE[:3]]
NUMBERS = [
    "25", "-1", "0", "-0", "1e308", "-1e308", "1e-308", "1E+9999999999", "nan", "NaN", "-nan",
    "sNaN", "inf", "-inf", "Infinity", "1,5", "1.5", "0,25", "1.234,5", "1,234.5", "٫٥",
    "١٢", "١٢٫٥", "１２", "²", "Ⅻ", "99999999999999999999999", "9223372036854775808",
    "-9223372036854775809", "0x1F", "1_000", " 7 ", "+3", "3.", ".5", "1e", "--1", "1/2",
]  # fmt: skip
ODD = [
    " ", "\x00", "a\x00b", "\u200b", "\ufeff", "\u202e", "e\u0301", "\u0300", "\r\n", "\t",
    "\\", "'", '"', "<script>alert(1)</script>", "'; DROP TABLE blocs_agency; --", "%s",
    "%(x)s", "{0}", "{{ 7|add:1 }}", "../../etc/passwd", "https://evil.example/",
    "//evil.example", "javascript:alert(1)", "\U0001f600", "ﷺ", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "İ", "ß",
]  # fmt: skip
# Any character that HTTP can carry: lone surrogates cannot be encoded, so they are left out.
TEXT = st.text(st.characters(codec="utf-8"), max_size=30)
LONG = st.builds(
    lambda piece, times: piece * times,
    st.sampled_from(["a", "ệ", "9", "\x00", "e\u0301", " ", "1,"]),
    st.sampled_from([256, 2001, 4097, 70_000]),
)
# The values most likely to slip through a form: each has its own good chance to be drawn.
NASTY = ["", "\x00", "²", "١٢", "-1", "1e308", "nan", "inf", "1,5", "9" * 30, "\u200b", "ệ" * 300]
JUNK = st.one_of(
    st.sampled_from(NASTY),
    st.sampled_from(NUMBERS),
    st.sampled_from(ODD),
    st.sampled_from(VIETNAMESE),
    TEXT,
    LONG,
)
WORDS = st.one_of(st.sampled_from(VIETNAMESE), TEXT.filter(lambda s: s.strip()))

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


# A zip that names a workbook part and whose manifest is not XML.
NOT_XML_WORKBOOK = _zip({"[Content_Types].xml": b"not xml", "xl/": b""})
# Files that look like a spreadsheet or a document from outside and are not.
FAKE_FILES = [
    b"",
    PDF,
    PNG,
    JPEG,
    b"PK\x03\x04\x14\x00\x00\x00",
    _zip({"hello.txt": b"hello"}),
    _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook"}),
    NOT_XML_WORKBOOK,
    _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\x00\x01"}),
    "tên,đơn vị\nSở A,SA\n".encode(),
]
FILE_NAMES = [
    "tep.xlsx", "TEP.XLSX", "tep.pdf", "tep.png", "tep.jpg", "tep.docx", "tep.csv", "tep.txt",
    "tep", ".xlsx", "tệp thử.xlsx", "tep.xlsx.exe", "tep.exe.xlsx", "a" * 250 + ".xlsx",
    "../../tep.xlsx", "C:\\tep.pdf", "tep\u202eslx.exe", unicodedata.normalize("NFD", "tệp.pdf"),
]  # fmt: skip


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


# An upload needs a name (the browser leaves out a file input without one).
NAMES = st.one_of(
    st.sampled_from(FILE_NAMES),
    TEXT.filter(lambda name: os.path.basename(name) not in {"", ".", ".."}),
)
SPREADSHEET_NAMES = [name for name in FILE_NAMES if name.lower().endswith(".xlsx")]
UPLOADS = st.one_of(
    st.builds(upload, st.sampled_from(SPREADSHEET_NAMES), st.sampled_from(FAKE_FILES)),
    st.builds(upload, st.sampled_from(FILE_NAMES), st.sampled_from(FAKE_FILES)),
    st.builds(upload, NAMES, st.one_of(st.sampled_from(FAKE_FILES), st.binary(max_size=512))),
)


def xlsx(rows) -> bytes:
    """A workbook whose first sheet holds ``rows``."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# What a spreadsheet cell can hold; text without the control characters openpyxl cannot write.
CELLS = st.one_of(
    st.none(),
    st.sampled_from(NUMBERS + VIETNAMESE + ["có", "không", "x", "=1/0", "=A1", "#N/A"]),
    TEXT.map(lambda s: ILLEGAL_CHARACTERS_RE.sub("", s)),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=datetime.date(1901, 1, 1)),
    st.booleans(),
)


@dataclass(frozen=True)
class Field:
    """A form field: well-formed values (``happy`` is one of them) and junk."""

    valid: st.SearchStrategy
    happy: Callable[[], Any]
    junk: st.SearchStrategy = JUNK


def choice(*values, more: st.SearchStrategy | None = None) -> Field:
    """A field whose well-formed values are ``values`` (the first is the happy one)."""
    values = [str(v) for v in values]
    valid = st.sampled_from(values)
    return Field(valid if more is None else st.one_of(valid, more), lambda: values[0])


def text(example: str, more: st.SearchStrategy = WORDS) -> Field:
    return Field(st.one_of(st.just(example), more), lambda: example)


def file_field(make: Callable[[], SimpleUploadedFile], more=None) -> Field:
    """A file field: ``make`` returns a fresh well-formed upload."""
    valid = st.builds(make)
    return Field(
        valid if more is None else st.one_of(valid, more),
        make,
        junk=st.one_of(UPLOADS, JUNK),
    )


EXTRA_KEYS = ["csrfmiddlewaretoken", "id", "pk", "next", "action", "confirm", "__all__", "x[]"]
SHAPES = ["junk", "junk", "missing", "repeated", "empty", "valid"]


def payloads(fields: dict[str, Field]) -> st.SearchStrategy:
    """Post data for ``fields``: values, or lists of values for a repeated key."""
    names = list(fields)

    # The fields stay out of the strategy's arguments: their repr would be huge.
    @st.composite
    def form_data(draw) -> dict:
        # Mostly one field at a time, the others well-formed, so that the post gets past the
        # form's other checks; sometimes two fields, sometimes every field left to chance.
        mode = draw(st.sampled_from(["one", "one", "two", "every"]))
        if mode == "every" or not names:
            corrupt = set(names)
        else:
            size = 1 if mode == "one" else 2
            corrupt = set(draw(st.lists(st.sampled_from(names), min_size=1, max_size=size)))
        data = {}
        for name in names:
            field = fields[name]
            shape = draw(st.sampled_from(SHAPES)) if name in corrupt else "valid"
            if shape == "valid":
                data[name] = draw(field.valid)
            elif shape == "junk":
                data[name] = draw(field.junk)
            elif shape == "empty":
                data[name] = ""
            elif shape == "repeated":
                values = st.one_of(field.valid, field.junk)
                data[name] = draw(st.lists(values, min_size=2, max_size=3))
        for key in draw(st.lists(st.one_of(st.sampled_from(EXTRA_KEYS), TEXT), max_size=2)):
            data.setdefault(key, draw(JUNK))
        return data

    return form_data()


def happy_payload(fields: dict[str, Field]) -> dict:
    """The post of a person who fills the form in as the page asks."""
    return {name: field.happy() for name, field in fields.items()}


def _values(data: dict):
    for value in data.values():
        yield from value if isinstance(value, list) else [value]


def post(client, url: str, data: dict, *, urlencoded: bool = False):
    """Post as a browser would: multipart, or url-encoded when no file is sent."""
    if urlencoded and not any(isinstance(v, UploadedFile) for v in _values(data)):
        return client.post(
            url, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded"
        )
    return client.post(url, data)


def _shown(value) -> str:
    if isinstance(value, UploadedFile):
        content = value.file.getvalue()
        return f"<file {value.name!r}, {len(content)} bytes: {content[:24]!r}>"
    if isinstance(value, list):
        return "[" + ", ".join(map(_shown, value)) + "]"
    shown = repr(value)
    return shown if len(shown) <= 120 else f"{shown[:100]}… ({len(value)} characters)"


def describe(data: dict) -> str:
    """The post data, short enough to read in a failure message."""
    return "{" + ", ".join(f"{key!r}: {_shown(value)}" for key, value in data.items()) + "}"


def server_error(response) -> str:
    """Where a 5xx response comes from: the project's last frames and the exception, or ""."""
    if response.status_code < 500:
        return ""
    exc_info = getattr(response, "exc_info", None)
    if not exc_info:
        return f"status {response.status_code} without an exception"
    frames = traceback.extract_tb(exc_info[2])
    ours = [f for f in frames if f.filename.startswith(ROOT) and "/.venv/" not in f.filename]
    shown = traceback.format_list(ours[-3:] + [f for f in frames[-2:] if f not in ours])
    return "".join(shown + traceback.format_exception_only(*exc_info[:2]))
