"""Small evidence files for the demo data, built byte by byte.

The PDF is written by hand rather than rendered: WeasyPrint has one entry point, in reports,
and campaigns may not import reports.
"""

import hashlib
import struct
import textwrap
import unicodedata
import uuid
import zlib

from django.core.files.base import ContentFile

from campaigns.models import Evidence


def png_bytes(seed: int) -> bytes:
    """A small valid PNG (a coloured bar chart of a few bars)."""
    width, height = 96, 48
    colour = ((seed * 53) % 200, (seed * 97) % 200, 120)
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            bar = (x // 16) % 6
            top = 8 + ((seed + bar * 5) % 30)
            row += bytes(colour) if y >= top and x % 16 < 12 else b"\xff\xff\xff"
        rows.append(bytes(row))

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


def _ascii(text: str) -> str:
    """Vietnamese without its diacritics: the standard 14 PDF fonts cannot show them."""
    text = text.replace("đ", "d").replace("Đ", "D").replace("–", "-")
    decomposed = unicodedata.normalize("NFD", text)
    return (
        "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        .encode("ascii", "replace")
        .decode("ascii")
    )


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def pdf_bytes(agency_name: str, period_label: str) -> bytes:
    """A valid one-page A5 PDF: the agency's report for the period, in Helvetica."""
    heading = ("F2", 12, 16, 40)  # font, size, line height, wrap width in characters
    title = ("F2", 14, 28, 40)
    body = ("F1", 11, 15, 66)
    paragraphs = [
        (heading, agency_name.upper()),
        (title, "BÁO CÁO"),
        (body, f"Kết quả thực hiện nhiệm vụ và phong trào thi đua – {period_label}"),
        (body, "Tài liệu minh chứng được tạo tự động cho dữ liệu trình diễn."),
    ]
    # A5 portrait in points, 15 mm margins.
    left, y = 43, 595 - 43
    commands = []
    for (font, size, leading, width), text in paragraphs:
        for line in textwrap.wrap(_ascii(text), width):
            y -= leading
            commands.append(f"BT /{font} {size} Tf {left} {y} Td {_pdf_string(line)} Tj ET")
        y -= 6
    content = "\n".join(commands).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 595]"
        b" /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref = len(out)
    # Every cross-reference entry is exactly 20 bytes, its end of line included.
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def save_evidence(card, criterion, content: bytes, name: str, kind: str, by, at):
    """Store a file as evidence of a scorecard line, as uploaded at the given time."""
    content_type = "application/pdf" if kind == "pdf" else "image/png"
    evidence = Evidence(
        scorecard=card,
        criterion=criterion,
        original_name=name,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        content_type=content_type,
        uploaded_by=by,
    )
    evidence.file.save(f"{uuid.uuid4().hex}.{kind}", ContentFile(content), save=False)
    evidence.save()
    Evidence.objects.filter(pk=evidence.pk).update(uploaded_at=at)
    return evidence
