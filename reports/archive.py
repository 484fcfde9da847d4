"""One zip of a bloc-year's documents: each PDF (and its Word copy) with an index to check them.

The zip is written to a spooled temporary file, so a year of documents never sits in memory
whole: small archives stay in memory, larger ones spill to disk as they are written.
"""

import csv
import io
import shutil
import tempfile
import zipfile

from django.template.loader import render_to_string
from django.utils.translation import gettext

from reports.access import readable
from reports.kinds import KINDS
from reports.models import Document

DRAFT_FOLDER = "du-thao/"
ATTACHMENT_FOLDER = "tai-lieu-kem/"
# Archives up to this size stay in memory while they are written; larger ones go to disk.
SPOOL_LIMIT = 8 * 1024 * 1024
CHUNK = 64 * 1024


def archive_name(term) -> str:
    """The zip's file name: 'van-ban-<bloc code>-<year>.zip'."""
    return f"van-ban-{term.bloc.code}-{term.year}.zip"


def readable_documents(term, access) -> list[Document]:
    """The term's ready documents the reader may read, numbered ones first, in a fixed number
    of queries whatever their number (``reports.access.readable``)."""
    documents = (
        Document.objects.filter(term=term, status=Document.Status.READY)
        .exclude(file="")
        .select_related("term__bloc__council", "replaced_by__term__bloc")
        .order_by("provisional", "number", "requested_at", "id")
    )
    return readable(access, documents)


def _entries(documents) -> list[dict]:
    """Each ready document with the names its files take in the zip (unique, readable)."""
    taken: set[str] = set()
    entries = []
    for document in documents:
        if document.status != Document.Status.READY or not document.file:
            continue
        folder = DRAFT_FOLDER if document.provisional else ""
        stem = document.download_name.removesuffix(".pdf")
        if f"{folder}{stem}.pdf" in taken:
            # Two drafts of one kind share a name: the verification code tells them apart.
            stem = f"{stem}-{document.verification_code}"
        pdf = f"{folder}{stem}.pdf"
        docx = f"{folder}{stem}.docx" if document.docx_file else ""
        taken.update({pdf, docx} - {""})
        replaced_by = document.replacement
        kind = KINDS.get(document.kind)
        entries.append(
            {
                "document": document,
                "pdf": pdf,
                "docx": docx,
                "kind_label": str(kind.label) if kind else document.kind,
                "replaced_by": replaced_by,
                "verify_url": document.verify_address(),
            }
        )
    return entries


def _index_csv(entries) -> bytes:
    """The index as CSV, UTF-8 with a byte order mark so that Excel reads the diacritics."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            gettext("Số"),
            gettext("Trích yếu"),
            gettext("Loại văn bản"),
            gettext("Ngày ban hành"),
            gettext("Số trang"),
            "SHA-256",
            gettext("Mã xác thực"),
            gettext("Địa chỉ xác thực"),
            gettext("Được thay bằng"),
            gettext("Dự thảo"),
            gettext("Tệp PDF"),
            gettext("Tệp Word"),
        ]
    )
    for entry in entries:
        document = entry["document"]
        writer.writerow(
            [
                document.number_label,
                document.title,
                entry["kind_label"],
                document.issued_on.strftime("%d/%m/%Y") if document.issued_on else "",
                document.pages or "",
                document.sha256,
                document.verification_code,
                entry["verify_url"],
                entry["replaced_by"].number_label if entry["replaced_by"] else "",
                gettext("Có") if document.provisional else "",
                entry["pdf"],
                entry["docx"],
            ]
        )
    return out.getvalue().encode("utf-8-sig")


def _copy(field_file, archive: zipfile.ZipFile, name: str) -> None:
    with field_file.open("rb") as source, archive.open(name, "w") as target:
        shutil.copyfileobj(source, target, CHUNK)


def _attachment_entries(attachments) -> list[dict]:
    """Each attached file under 'tai-lieu-kem/', numbered so that two equal names stay apart."""
    return [
        {"attachment": a, "name": f"{ATTACHMENT_FOLDER}{i:02d}-{a.original_name or a.title}"}
        for i, a in enumerate(attachments, start=1)
    ]


def write_archive(
    term, documents, *, attachments=(), heading: str = "", notes=()
) -> tempfile.SpooledTemporaryFile:
    """Write the zip of ``documents`` (those ready; drafts under 'du-thao/') and of any
    ``attachments`` (under 'tai-lieu-kem/') with its index (index.html, index.csv) and return
    the file, rewound; the caller closes it. ``heading`` and ``notes`` head the index page.

    The caller chooses the documents: ``readable_documents`` gives those a reader may read.
    """
    entries = _entries(documents)
    attached = _attachment_entries(attachments)
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_LIMIT)
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entry in entries:
            document = entry["document"]
            _copy(document.file, archive, entry["pdf"])
            if entry["docx"]:
                _copy(document.docx_file, archive, entry["docx"])
        for entry in attached:
            _copy(entry["attachment"].file, archive, entry["name"])
        index = render_to_string(
            "reports/files/archive_index.html",
            {
                "term": term,
                "entries": entries,
                "attached": attached,
                "heading": heading,
                "notes": notes,
                "draft_folder": DRAFT_FOLDER,
            },
        )
        archive.writestr("index.html", index.encode("utf-8"))
        archive.writestr("index.csv", _index_csv(entries))
    spool.seek(0)
    return spool


def build_archive(term, documents) -> bytes:
    """The zip of ``documents`` as bytes (see ``write_archive``, which streams it instead)."""
    with write_archive(term, documents) as spool:
        return spool.read()
