"""The kinds of generated documents: each module registers one kind."""

from reports.kinds import member_list  # noqa: E402,F401  (registers itself)
from reports.kinds import pledge as pledge_kind  # noqa: E402,F401  (registers itself)
from reports.kinds.base import KINDS, DocumentKind, get_kind, kind_choices, register

__all__ = ["KINDS", "DocumentKind", "get_kind", "kind_choices", "register"]
