"""The kinds of generated documents: each module registers one kind."""

from reports.kinds import member_list, pledge, score_table  # noqa: F401  (each registers itself)
from reports.kinds.base import KINDS, DocumentKind, get_kind, kind_choices, register

__all__ = ["KINDS", "DocumentKind", "get_kind", "kind_choices", "register"]
