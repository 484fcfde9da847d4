"""Points as people type them and as the pages and the history show them: the one parser and
the one formatter of the project."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

from campaigns.scoring import line_problem

# The database keeps points with two decimals (``campaigns.models.POINTS``).
MAX_POINTS = Decimal("10000")
CENT = Decimal("0.01")


def parse_points(text) -> Decimal | None:
    """Read points typed with a comma or a dot; blank is ``None``; raise ValueError otherwise."""
    if isinstance(text, Decimal):
        if not text.is_finite():
            raise ValueError(str(text))
        return text
    text = ("" if text is None else str(text)).strip().replace(" ", "").replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except ArithmeticError:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


def storable_problem(value: Decimal | None) -> str:
    """Why typed points cannot be stored at all (negative, too big, too precise), or ""."""
    if value is None:
        return ""
    if value < 0:
        return _("Điểm không được âm.")
    if value >= MAX_POINTS or value != round(value, 2):
        return _("Điểm có tối đa 2 chữ số thập phân.")
    return ""


def validate_points(value, *, criterion, step=None) -> Decimal:
    """Points for a criterion: a number from 0 to its maximum, on the term's step.

    Raises ``ValidationError`` with a message naming the criterion.
    """
    try:
        points = parse_points(value)
    except ValueError:
        points = None
    if points is None:
        raise ValidationError(_("Điểm phải là một số, ví dụ 7,5."))
    problem = line_problem(points, criterion.max_points, step or 0)
    if problem == "range":
        raise ValidationError(
            _("Điểm của tiêu chí %(code)s phải từ 0 đến %(max)s.")
            % {"code": criterion.code, "max": points_label(criterion.max_points)}
        )
    if problem == "step":
        raise ValidationError(_("Điểm phải là bội số của %(step)s.") % {"step": points_label(step)})
    return points.quantize(CENT)


def points_label(value) -> str:
    """Points as people write them: no trailing zeros, the language's decimal separator."""
    if value is None:
        return ""
    return formats.number_format(Decimal(history_value(Decimal(value))), use_l10n=True)


def history_value(value) -> str:
    """A value as written in the history: points in plain digits without trailing zeros,
    "" for empty; a text (an explanation) as it is."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    text = format(Decimal(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class LocalisedNumbers:
    """Format each distinct number once per page, as ``points_label`` does."""

    def __init__(self):
        self._seen = {}

    def __call__(self, value) -> str | None:
        if value is None:
            return None
        text = self._seen.get(value)
        if text is None:
            text = self._seen[value] = points_label(value)
        return text
