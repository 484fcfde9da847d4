"""Every upload has a size limit, and a body larger than all of them is refused unread.

A form can only check a file once Django has read the whole body and written its files to disk;
a 60 MB body to a public page was stored in full to be refused by a 10 MB check. The middleware
answers 413 from the declared Content-Length, before anything reads the body.
"""

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from blocs.forms import ElectionForm, MemberImportForm
from blocs.models import Agency
from campaigns.evidence import check_upload
from campaigns.forms.pledges import CampaignForm
from campaigns.forms.scoring import CriteriaImportForm
from reports.forms import VerifyUploadForm

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
SIXTY_MB = 60 * MB
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def __init__(self):
        self.reads = 0

    def read(self, *args):
        self.reads += 1
        raise AssertionError("the body was read")

    readline = read

    def __iter__(self):
        return self

    def __next__(self):
        self.read()


def _huge_post(client, url):
    body = UnreadableBody()
    response = client.post(
        url,
        content_type="multipart/form-data; boundary=BoUnDaRy",
        CONTENT_LENGTH=str(SIXTY_MB),
        **{"wsgi.input": body},
    )
    return response, body


def test_a_sixty_megabyte_body_to_a_public_page_is_refused_unread(client):
    response, body = _huge_post(client, reverse("reports:verify", args=["ABCDEF"]))
    assert response.status_code == 413
    assert "Dữ liệu gửi lên quá lớn" in response.content.decode()
    assert "25,0\xa0MB" in response.content.decode()
    assert body.reads == 0


def test_a_sixty_megabyte_import_is_refused_unread_and_imports_nothing(client, bloc_world):
    client.force_login(bloc_world.secretariat)
    agencies = Agency.objects.count()
    url = reverse("blocs:member_import", args=[bloc_world.bloc.code, bloc_world.term.year])
    response, body = _huge_post(client, url)
    assert response.status_code == 413
    assert body.reads == 0
    assert Agency.objects.count() == agencies


def test_a_body_within_the_limit_reaches_the_view(client):
    response = client.post(
        reverse("reports:verify", args=["ABCDEF"]),
        {"file": SimpleUploadedFile("ban-sao.pdf", PDF)},
    )
    assert response.status_code == 404


def test_the_request_limit_covers_every_form_and_is_the_one_in_the_readme():
    from khoithidua import uploads

    limit = uploads.request_max_bytes()
    assert limit == 25 * MB
    assert limit > max(uploads.form_limits().values())
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"client_max_body_size {limit // MB}m;" in readme


def test_a_configured_request_limit_wins(settings, client):
    from khoithidua import uploads

    settings.UPLOAD_REQUEST_MAX_BYTES = 1024
    assert uploads.request_max_bytes() == 1024
    response = client.post(
        reverse("reports:verify", args=["ABCDEF"]),
        {"file": SimpleUploadedFile("ban-sao.pdf", PDF + b"0" * 2048)},
    )
    assert response.status_code == 413
    assert "1,0\xa0KB" in response.content.decode()


def _file(name, size, content=PDF):
    upload = SimpleUploadedFile(name, content)
    # The size is what every check reads; the content need not be that large.
    upload.size = size
    return upload


def _bound(form_class, field, upload, **kwargs):
    form = form_class(data={}, files={field: upload}, **kwargs)
    form.is_valid()
    return form.errors.get(field, [])


FORMS = [
    (MemberImportForm, "file", "thanh-vien.xlsx", 2 * MB, {}),
    (CriteriaImportForm, "file", "tieu-chi.xlsx", 5 * MB, {}),
    (VerifyUploadForm, "file", "ban-sao.pdf", 20 * MB, {}),
    (CampaignForm, "attachment", "ke-hoach.pdf", 20 * MB, {}),
    (ElectionForm, "minutes", "bien-ban.pdf", 10 * MB, {"members": Agency.objects.none()}),
]


@pytest.mark.parametrize(
    "form_class,field,name,limit,kwargs", FORMS, ids=[f[0].__name__ for f in FORMS]
)
def test_every_upload_form_refuses_a_file_over_its_limit(form_class, field, name, limit, kwargs):
    assert _bound(form_class, field, _file(name, limit), **kwargs) == []
    errors = _bound(form_class, field, _file(name, limit + 1), **kwargs)
    assert errors and ("quá lớn" in errors[0] or "lớn hơn" in errors[0] or "vượt quá" in errors[0])


def test_an_evidence_file_over_its_limit_is_refused(settings):
    settings.EVIDENCE_MAX_BYTES = 10 * MB
    check_upload(_file("minh-chung.pdf", 10 * MB))
    with pytest.raises(ValidationError) as exc:
        check_upload(_file("minh-chung.pdf", 10 * MB + 1))
    assert exc.value.messages == ["Tệp “minh-chung.pdf” quá lớn (10,0\xa0MB); tối đa 10,0\xa0MB."]


# Every form class that declares a file field, by module: each is tested above.
FILE_FORMS = {
    # The appeal's file is evidence, checked by campaigns.evidence.check_upload.
    "awards/forms/appeals.py": {"AppealForm"},
    "blocs/forms.py": {"ElectionForm", "MemberImportForm"},
    "campaigns/forms/pledges.py": {"CampaignForm"},
    # SelfScoreForm's files are evidence, checked by campaigns.evidence.check_upload.
    "campaigns/forms/scoring.py": {"CriteriaImportForm", "SelfScoreForm"},
    "reports/forms.py": {"VerifyUploadForm"},
    # A member's report attaches evidence-like files, checked by campaigns.evidence.check_upload.
    "reports/forms_contributions.py": {"MemberReportForm"},
    # A file the secretariat adds to the award dossier, checked by campaigns.evidence.check_upload.
    "reports/dossiers/forms.py": {"AttachmentForm"},
}
FILE_FIELDS = {"FileField", "ImageField", "MultipleFileField", "EvidenceFileField"}


def _forms_with_file_fields(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ClassDef):
            continue
        for call in ast.walk(node):
            if isinstance(call, ast.Call):
                func = call.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in FILE_FIELDS:
                    found.add(node.name)
    return found


def test_no_upload_form_goes_without_a_limit():
    found = {}
    for app in ("blocs", "campaigns", "awards", "reports", "khoithidua"):
        for path in sorted((ROOT / app).rglob("forms*.py")) + sorted(
            (ROOT / app).glob("forms/*.py")
        ):
            classes = _forms_with_file_fields(path)
            if classes:
                found[str(path.relative_to(ROOT))] = classes
    assert found == FILE_FORMS
