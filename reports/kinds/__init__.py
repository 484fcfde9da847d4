"""The kinds of generated documents: each module registers one kind."""

from reports.kinds import (  # noqa: F401  (each registers itself)
    award_documents,
    meeting_minutes,
    member_list,
    pledge,
    review_report,
    score_table,
)
from reports.kinds.base import KINDS, DocumentKind, get_kind, kind_choices, register

__all__ = ["KINDS", "DocumentKind", "get_kind", "kind_choices", "register"]
