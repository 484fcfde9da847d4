"""Storing a file a person attaches (to a member's report, to the award dossier).

The file is checked as evidence is (``campaigns.evidence.check_upload``: type read from its
content, size limit) and stored under a random name; the row keeps its original name, SHA-256,
size and type.
"""

import uuid

from blocs.history import record_by
from campaigns import evidence as evidence_checks


def save_checked(row, uploaded, *, by):
    """Check ``uploaded``, fill ``row``'s file fields from it, save the row; return it."""
    checked = evidence_checks.check_upload(uploaded)
    row.original_name = (uploaded.name or "")[-255:]
    row.sha256 = checked.sha256
    row.size = checked.size
    row.content_type = checked.content_type
    row.uploaded_by = by
    uploaded.seek(0)
    row.file.save(f"{uuid.uuid4().hex}.{checked.kind}", uploaded, save=False)
    record_by(row, by).save()
    return row
