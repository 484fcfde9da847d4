"""``{{ value|points }}``: points on every page and document, through the one formatter."""

from decimal import Decimal, InvalidOperation

from django import template

from campaigns.services.points import points_label

register = template.Library()

NONE = "—"


@register.filter(is_safe=True)
def points(value):
    """Points as people write them ("4,75", "90"); "—" when there are none.

    Accepts what pages hold: a Decimal, an int or float, or the plain digits of a history entry
    ("91"); any other text (an explanation in the history) is shown as it is.
    """
    if value is None or value == "":
        return NONE
    # A float is read through its shortest text: 2.5, not its binary fraction.
    plain = str(value).strip() if isinstance(value, (str, float)) else value
    try:
        number = Decimal(plain)
    except (InvalidOperation, TypeError, ValueError):
        return value
    return points_label(number) if number.is_finite() else value
