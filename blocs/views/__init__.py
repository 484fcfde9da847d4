"""Views of the blocs app, by sub-domain; the helpers they share live here."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect

from blocs.models import Agency, Membership

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def to_term(term):
    return redirect("blocs:term_detail", bloc_code=term.bloc.code, year=term.year)


def add_service_error(form, exc: ValidationError) -> None:
    """Show a service's refusal on the form, on the field it names when the form has it."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def current_members(term):
    """The agencies that are current members of ``term``, in Vietnamese order."""
    return Agency.objects.filter(
        memberships__term=term, memberships__left_on__isnull=True
    ).vietnamese_order()


def load_memberships(term):
    memberships = list(
        Membership.objects.filter(term=term)
        .select_related("agency")
        .order_by("agency__sort_key", "id")
    )
    term._prefetched_objects_cache = {"memberships": memberships}
    return memberships
