"""The kinds of notification: what each says, in every language, and how it is sent by default.

Every app registers its own kinds here (its ``notices`` module, imported when the app is ready);
the notifications service stores the kind's code and its parameters, so a message is written in
the reader's language when it is read or mailed, not in the sender's.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

from django.db import models
from django.utils.translation import gettext_lazy as _


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("Gửi thư ngay")
    DIGEST = "digest", _("Gộp vào thư tổng hợp mỗi ngày")
    INAPP = "inapp", _("Chỉ trong hộp thông báo")


class _Params(dict):
    # A parameter the sender did not give shows as nothing rather than failing the whole inbox.
    def __missing__(self, key):
        return ""


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    subject: str
    body: str
    default: str = Delivery.IMMEDIATE
    # Turns stored values into words of the current language (a period's kind into its name).
    prepare: Callable[[dict], dict] | None = None

    def _params(self, params: dict) -> "_Params":
        params = dict(params or {})
        if self.prepare is not None:
            params = self.prepare(params)
        return _Params(params)

    def subject_for(self, params: dict) -> str:
        return str(self.subject) % self._params(params)

    def body_for(self, params: dict) -> str:
        return str(self.body) % self._params(params)


_KINDS: dict[str, Kind] = {}


def register(*kinds: Kind, prepare: Callable[[dict], dict] | None = None) -> None:
    """Register an app's kinds; ``prepare``, when given, is what all of them write values with."""
    for kind in kinds:
        _KINDS[kind.code] = replace(kind, prepare=prepare) if prepare is not None else kind


def get(code: str) -> Kind:
    """The kind registered under ``code``; unknown codes are a programming error."""
    return _KINDS[code]


def find(code: str) -> Kind | None:
    return _KINDS.get(code)


def all_kinds() -> list[Kind]:
    return list(_KINDS.values())
