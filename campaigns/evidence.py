"""Checks on evidence files: the type is read from the content, never trusted from the name.

Allowed: PDF, JPEG, PNG, and the Office Open XML documents DOCX and XLSX, which are zip files
that must hold a ``word/`` or ``xl/`` part respectively.
"""

import hashlib
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from khoithidua.uploads import check_size

KINDS = {
    "pdf": ("application/pdf", {"pdf"}),
    "jpg": ("image/jpeg", {"jpg", "jpeg"}),
    "png": ("image/png", {"png"}),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        {"docx"},
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {"xlsx"}),
}
ALLOWED_LABEL = "PDF, JPG, PNG, DOCX, XLSX"


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    content_type: str
    sha256: str
    size: int


def _office_kind(uploaded) -> str | None:
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        uploaded.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    return None


def sniff(uploaded) -> str | None:
    """The kind of the file judged by its bytes, or ``None`` when it is not an allowed kind."""
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    guess = filetype.guess(head)
    if guess is None:
        return None
    if guess.extension == "pdf":
        return "pdf"
    if guess.extension == "jpg":
        return "jpg"
    if guess.extension == "png":
        return "png"
    if guess.extension in {"zip", "docx", "xlsx"}:
        return _office_kind(uploaded)
    return None


def check_upload(uploaded) -> CheckedFile:
    """Validate an uploaded evidence file and return its kind, type and SHA-256."""
    name = uploaded.name or ""
    check_size(uploaded, settings.EVIDENCE_MAX_BYTES)
    if uploaded.size == 0:
        raise ValidationError(_("Tệp “%(name)s” rỗng.") % {"name": name})
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = sniff(uploaded)
    if kind is None or extension not in KINDS[kind][1]:
        raise ValidationError(
            _(
                "Tệp “%(name)s” không đúng định dạng cho phép (%(allowed)s): nội dung tệp không "
                "khớp với phần mở rộng."
            )
            % {"name": name, "allowed": ALLOWED_LABEL}
        )
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return CheckedFile(
        kind=kind, content_type=KINDS[kind][0], sha256=digest.hexdigest(), size=uploaded.size
    )
