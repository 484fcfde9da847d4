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


def latest(values, upto=BOARD):
    """The latest layer present in ``values`` (layer → points) up to ``upto``, else ``None``."""
    for layer in reversed(ORDER[: ORDER.index(upto) + 1]):
        value = values.get(layer)
        if value is not None:
            return value
    return None


def of(line) -> dict:
    """The layers of a ``ScoreLine`` (or of any object with the ``<layer>_points`` fields)."""
    return {layer: getattr(line, name) for layer, name in FIELDS.items()}


def differs(values) -> bool:
    """Whether the layers present disagree."""
    return len({v for v in values.values() if v is not None}) > 1
