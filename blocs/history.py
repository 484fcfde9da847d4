"""The audit trail: every change to a rule, a score, a signature, a membership or a decision.

Each tracked model declares ``history = AuditTrail()`` (django-simple-history). Every save or
delete of one of its rows writes a historical row with the row's values, ``history_date``,
``history_type`` (``+`` created, ``~`` changed, ``-`` deleted) and ``history_user``:

- a service names its ``by``: :func:`record_by` sets ``instance._history_user`` before
  ``save()``/``delete()``, and ``default_user=by`` goes to ``bulk_create_with_history`` and
  ``bulk_update_with_history``;
- otherwise the user of the current request (``HistoryRequestMiddleware``; the admin also sets
  it on what it saves).

Outside a request (``manage.py shell``, a management command, a Celery task) there is often no
user to name, so every historical row also says where the change came from: ``history_source``
(``web``, or the management command — ``shell``, ``seed_demo`` — or the program, e.g. ``celery``)
and ``history_os_user`` (the operating-system account that ran it). Both are field defaults of
the abstract base that simple-history builds the historical models on (``bases=``): defaults are
evaluated whenever a historical row is instantiated, so single saves, deletes and the bulk
helpers all fill them, with no signal handler and nothing patched in simple-history.

Queryset ``update()`` and ``bulk_update()`` bypass the trail; code that writes tracked rows uses
per-row saves or the simple-history bulk helpers instead. (django-pghistory's triggers would
also catch those, but they need PostgreSQL and the embedded default database is SQLite.)
"""

import getpass
import os
import sys
from functools import lru_cache

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# Programs through which an argument names the Django command being run.
DJANGO_PROGRAMS = {"manage.py", "django-admin", "django"}


@lru_cache(maxsize=1)
def _account() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        # No login name in the environment and no passwd entry (some containers).
        return f"uid {os.getuid()}"


def os_account() -> str:
    """The operating-system account running this process."""
    return _account()[:100]


def change_source(argv=None) -> str:
    """Where a change comes from: ``web`` in a request, else the command or the program."""
    if argv is None:
        if getattr(HistoricalRecords.context, "request", None) is not None:
            return "web"
        argv = sys.argv
    if not argv:
        return "python"
    program = os.path.basename(argv[0])
    if program == "__main__.py":
        # ``python -m django …``, ``python -m celery …``
        program = os.path.basename(os.path.dirname(argv[0]))
    if program in DJANGO_PROGRAMS:
        command = next((a for a in argv[1:] if not a.startswith("-")), "")
        return (command or program)[:100]
    return (program or "python")[:100]


class AuditedHistoricalModel(models.Model):
    """The base of every historical model: who acted outside a request, and through what."""

    history_source = models.CharField(
        _("nguồn thay đổi"), max_length=100, default=change_source, editable=False
    )
    history_os_user = models.CharField(
        _("tài khoản hệ điều hành"), max_length=100, default=os_account, editable=False
    )

    class Meta:
        abstract = True


class AuditTrail(HistoricalRecords):
    """``HistoricalRecords`` on :class:`AuditedHistoricalModel`, with Vietnamese names."""

    def __init__(self, **kwargs):
        kwargs.setdefault("bases", (AuditedHistoricalModel,))
        super().__init__(**kwargs)

    def get_meta_options(self, model):
        options = super().get_meta_options(model)
        if not self.user_set_verbose_name:
            options["verbose_name"] = format_lazy(_("lịch sử {}"), model._meta.verbose_name)
        if not self.user_set_verbose_name_plural:
            options["verbose_name_plural"] = format_lazy(
                _("lịch sử {}"), model._meta.verbose_name_plural
            )
        return options


def record_by(instance, by):
    """Name ``by`` as the author of ``instance``'s next historical row; return ``instance``.

    Without ``by`` the row names the request's user, if any.
    """
    if by is not None:
        instance._history_user = by
    return instance


def delete_with_history(rows, *, by) -> int:
    """Delete ``rows`` one by one so that each historical row names ``by``; return how many.

    A queryset ``delete()`` would also write the rows' history, but could not name the author.
    Rows that cascade from another must come before it.
    """
    count = 0
    for row in rows:
        record_by(row, by).delete()
        count += 1
    return count


def field_changes(rows, fields):
    """(row, field, old, new) for each change between consecutive historical rows of an object.

    ``rows`` are historical rows, oldest first (several objects may be interleaved); ``fields``
    maps a field name to the function that shows its value. A created row yields its values
    with ``old`` None.
    """
    previous = {}
    for row in rows:
        key = row.id
        before = previous.get(key)
        for field, show in fields.items():
            new = show(getattr(row, field))
            old = show(getattr(before, field)) if before is not None else None
            if before is None and row.history_type == "+":
                yield row, field, None, new
            elif before is not None and old != new:
                yield row, field, old, new
        previous[key] = row
