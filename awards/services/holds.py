"""Eligibility holds: the board stops an agency of its council from being proposed for a while.

Nghị định số 152/2025/NĐ-CP, Điều 4: no award is considered for a collective under discipline,
inspection, or a complaint or allegation still being verified.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from awards.models import EligibilityHold
from blocs.history import record_by

HOLD_FIELDS = {"agency", "reason", "details", "starts_on", "until", "legal_note"}


def _check_council(agency, councils) -> None:
    if councils is not None and agency.council_id not in {c.pk for c in councils}:
        raise ValidationError(
            {"agency": _("Đơn vị này không thuộc hội đồng thi đua của Ban bạn phụ trách.")}
        )


@transaction.atomic
def record_hold(
    *,
    agency,
    reason: str,
    details: str = "",
    starts_on,
    until=None,
    legal_note: str = "",
    by,
    councils=None,
) -> EligibilityHold:
    """Record a hold on ``agency``; ``councils`` (the board's) must hold the agency if given."""
    _check_council(agency, councils)
    hold = EligibilityHold(
        agency=agency,
        reason=reason,
        details=details,
        starts_on=starts_on,
        until=until,
        legal_note=legal_note,
        recorded_by=by,
    )
    hold.full_clean()
    record_by(hold, by).save()
    return hold


@transaction.atomic
def update_hold(*, hold: EligibilityHold, by, councils=None, **fields) -> EligibilityHold:
    """Change a hold; setting ``until`` ends it on that day (the record stays, with its history)."""
    unknown = set(fields) - HOLD_FIELDS
    if unknown:
        raise TypeError(f"Not a hold field: {sorted(unknown)}")
    _check_council(hold.agency, councils)
    for name, value in fields.items():
        setattr(hold, name, value)
    _check_council(hold.agency, councils)
    hold.full_clean()
    record_by(hold, by).save(update_fields=[f.attname for f in map(hold._meta.get_field, fields)])
    return hold
