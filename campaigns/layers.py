"""The layers of a score line and their precedence, in one place.

Self points (the member), review points (the cross-checking agency), agreed points (the
secretariat) and board points (the provincial board) are kept side by side and never overwrite
one another; the value of a line is the latest layer present, in that order.
"""

from django.utils.translation import gettext_lazy as _

SELF, REVIEW, AGREED, BOARD = "self", "review", "agreed", "board"
ORDER = (SELF, REVIEW, AGREED, BOARD)
FIELDS = {layer: f"{layer}_points" for layer in ORDER}
LABELS = {
    SELF: _("Tự chấm"),
    REVIEW: _("Chấm chéo"),
    AGREED: _("Thống nhất"),
    BOARD: _("Ban TĐKT"),
}
# A layer named inside a sentence ("Đã lưu điểm chấm chéo cho tiêu chí 1.2."): written for the
# sentence rather than lower-cased from the label, so that acronyms keep their capitals.
IN_SENTENCE = {
    SELF: _("điểm tự chấm"),
    REVIEW: _("điểm chấm chéo"),
    "explanation": _("giải trình"),
    AGREED: _("điểm thống nhất"),
    BOARD: _("điểm điều chỉnh của Ban TĐKT"),
}


# The fields to look at for each layer asked, latest first (read on every line of a period).
_LOOKUP = {
    upto: tuple(FIELDS[la] for la in reversed(ORDER[: i + 1])) for i, upto in enumerate(ORDER)
}


def value_of(line, upto=BOARD):
    """The latest layer present on ``line`` (an object with the ``<layer>_points`` fields)."""
    for name in _LOOKUP[upto]:
        value = getattr(line, name)
        if value is not None:
            return value
    return None


def of(line) -> dict:
    """The layers of a ``ScoreLine`` (or of any object with the ``<layer>_points`` fields)."""
    return {layer: getattr(line, name) for layer, name in FIELDS.items()}


def differs(values) -> bool:
    """Whether the layers present disagree."""
    return len({v for v in values.values() if v is not None}) > 1
