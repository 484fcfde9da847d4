import subprocess

import pytest
from django.urls import reverse

from blocs.models import Bloc
from campaigns.models import Commitment
from campaigns.services import pledges as services
from campaigns.tests.test_pledge_support import COMMITMENTS, make_open
from reports import services as reports_services
from reports.models import Document
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _sign(pledge, user, agency):
    return services.sign_pledge(
        pledge=pledge,
        agency_id=agency.pk,
        user=user,
        password=PASSWORD,
        shown_hash=pledge.content_hash,
        ip_address="10.9.8.7",
    )


def _render(term) -> Document:
    document = reports_services.request_document(term=term, kind="pledge").document
    reports_services.render_document(document.pk)
    document.refresh_from_db()
    assert document.status == Document.Status.READY, document.error
    return document


def _text(document) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", document.file.path, "-"], capture_output=True, check=True
    )
    return " ".join(out.stdout.decode("utf-8").split())


@pytest.fixture
def signed_world(bloc_world):
    pledge = make_open(bloc_world)
    _sign(pledge, bloc_world.member_head, bloc_world.d)
    _sign(pledge, bloc_world.secretariat, bloc_world.b)
    services.register_title(
        term=bloc_world.term, agency_id=bloc_world.d.pk, title="province_flag", by=None
    )
    bloc_world.pledge = pledge
    return bloc_world


@pytest.mark.parametrize("profile", ["state", "party"])
def test_pledge_document_renders_commitments_and_every_signer(signed_world, profile):
    Bloc.objects.filter(pk=signed_world.term.bloc_id).update(document_profile=profile)
    signed_world.term.refresh_from_db()
    document = _render(signed_world.term)
    text = _text(document)
    assert document.pages >= 2
    assert "GIAO ƯỚC THI ĐUA NĂM 2026" in text
    for commitment in COMMITMENTS:
        assert commitment in text
    assert "Thủ trưởng D" in text and "Thủ trưởng B" in text
    assert "Cờ thi đua của UBND tỉnh" in text
    assert "Chưa ký" in text
    assert signed_world.pledge.content_hash in text.replace(" ", "")
    assert document.verification_code in text
    if profile == "party":
        assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "CỘNG HÒA XÃ HỘI" not in text
        assert "-GƯ/" in text
    else:
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "ĐẢNG CỘNG SẢN" not in text
        assert "/GƯ-" in text


def test_signature_table_shows_the_authority_prefix_and_local_time(signed_world):
    from blocs.models import AgencyRole
    from tests.factories import UserFactory, give_role

    signer = UserFactory(full_name="Phó trưởng C", job_title="Phó Trưởng ban")
    give_role(signer, signed_world.c, AgencyRole.Role.OFFICER, authority="TUQ.")
    signature = _sign(signed_world.pledge, signer, signed_world.c)
    text = _text(_render(signed_world.term))
    assert "TUQ. Phó trưởng C" in text
    from django.utils import timezone

    assert timezone.localtime(signature.signed_at).strftime("%d/%m/%Y %H:%M") in text


def test_verify_page_recomputes_the_pledge_hash(client, signed_world):
    document = _render(signed_world.term)
    response = client.get(reverse("reports:verify", args=[document.verification_code]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Nội dung giao ước phiên bản 1" in content
    assert "Chữ ký của Cơ quan D thử" in content
    assert "alert-danger" not in content


def test_verify_page_flags_a_pledge_altered_in_the_database(client, signed_world):
    document = _render(signed_world.term)
    Commitment.objects.filter(pledge=signed_world.pledge, order=1).update(text="Nội dung bị sửa")
    content = client.get(reverse("reports:verify", args=[document.verification_code])).content
    content = content.decode()
    assert "khác mã đã lưu" in content
    assert "chữ ký thuộc nội dung khác" in content


def test_document_keeps_pointing_to_its_version_after_a_new_one(client, signed_world):
    document = _render(signed_world.term)
    services.revise_pledge(pledge=signed_world.pledge, by=signed_world.secretariat, reason="Sửa")
    document.refresh_from_db()
    assert document.params["pledge_id"] == signed_world.pledge.pk
    content = client.get(reverse("reports:verify", args=[document.verification_code])).content
    assert "đã bị thu hồi" in content.decode()


def test_verify_page_says_which_signatures_came_after_the_document(client, signed_world):
    document = _render(signed_world.term)
    _sign(signed_world.pledge, signed_world.deputy, signed_world.c)
    content = client.get(reverse("reports:verify", args=[document.verification_code])).content
    content = content.decode()
    assert "Chữ ký của Cơ quan C thử" in content
    assert "ký sau khi văn bản này được tạo" in content
