"""Views of the campaigns app, by sub-domain; the helpers they share live here."""

from django.core.exceptions import ValidationError
from django.http import HttpResponse

from campaigns import criteria_import


def messages_of(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=criteria_import.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
