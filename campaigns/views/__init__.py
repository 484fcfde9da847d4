"""Views of the campaigns app, by sub-domain; the helpers they share live here."""

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.http import content_disposition_header

from campaigns import criteria_import


def messages_of(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    """An attachment; ``data`` comes from ``khoithidua.spreadsheets.workbook_bytes``."""
    response = HttpResponse(data, content_type=criteria_import.XLSX_TYPE)
    # A name with Vietnamese letters (an agency "ĐTN") is sent as RFC 6266 filename*.
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
