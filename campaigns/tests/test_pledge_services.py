import threading
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from blocs.models import AgencyRole
from blocs.services.notifications import send_pending_mail
from campaigns.models import Pledge, PledgeEvent, PledgeSignature
from campaigns.services import pledges as services
from campaigns.tests.test_pledge_support import make_draft, make_open
from tests.factories import PASSWORD, UserFactory, give_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_pledge(bloc_world):
    return make_open(bloc_world)


def sign(pledge, user, agency, *, password=PASSWORD, shown_hash=None):
    return services.sign_pledge(
        pledge=pledge,
        agency_id=agency.pk,
        user=user,
        password=password,
        shown_hash=pledge.content_hash if shown_hash is None else shown_hash,
        ip_address="10.0.0.7",
        user_agent="pytest",
    )


def test_opening_freezes_members_and_hash_and_records_history(bloc_world):
    pledge = make_open(bloc_world)
    assert pledge.status == Pledge.Status.OPEN
    assert pledge.opened_at is not None
    assert len(pledge.members) == 6
    assert pledge.content_hash == pledge.compute_hash()
    events = list(pledge.events.values_list("from_status", "to_status"))
    assert events == [("", "draft"), ("draft", "open")]


def test_a_frozen_pledge_cannot_be_edited_as_a_draft(bloc_world, open_pledge):
    with pytest.raises(services.PledgeError, match="đã mở ký"):
        make_draft(bloc_world)


def test_member_head_signs_and_everything_is_recorded(bloc_world, open_pledge):
    signature = sign(open_pledge, bloc_world.member_head, bloc_world.d)
    signature.refresh_from_db()
    assert signature.signer_name == "Thủ trưởng D"
    assert signature.signer_title == "Giám đốc"
    assert signature.authority == ""
    assert signature.content_hash == open_pledge.content_hash
    assert signature.ip_address == "10.0.0.7"
    assert signature.user_agent == "pytest"
    assert timezone.is_aware(signature.signed_at)


def test_deputy_head_with_kt_authority_signs_with_the_prefix(bloc_world, open_pledge):
    deputy_head = UserFactory(full_name="Phó Giám đốc D", job_title="Phó Giám đốc")
    give_role(deputy_head, bloc_world.d, AgencyRole.Role.OFFICER, authority="KT.")
    signature = sign(open_pledge, deputy_head, bloc_world.d)
    assert signature.authority == "KT."
    assert signature.signer_label == "KT. Phó Giám đốc D"


def test_member_cannot_sign_for_another_agency(bloc_world, open_pledge):
    with pytest.raises(services.PledgeError, match="không phải thủ trưởng"):
        sign(open_pledge, bloc_world.member_head, bloc_world.c)
    assert not PledgeSignature.objects.exists()


def test_officer_cannot_sign(bloc_world, open_pledge):
    with pytest.raises(services.PledgeError, match="không phải thủ trưởng"):
        sign(open_pledge, bloc_world.member_officer, bloc_world.d)


def test_member_cannot_sign_twice(bloc_world, open_pledge):
    sign(open_pledge, bloc_world.member_head, bloc_world.d)
    with pytest.raises(services.PledgeError, match="đã ký"):
        sign(open_pledge, bloc_world.member_head, bloc_world.d)
    assert PledgeSignature.objects.count() == 1


def test_draft_pledge_cannot_be_signed(bloc_world):
    pledge = make_draft(bloc_world)
    with pytest.raises(services.PledgeError, match="dự thảo"):
        sign(pledge, bloc_world.member_head, bloc_world.d, shown_hash="")


def test_void_pledge_cannot_be_signed(bloc_world, open_pledge):
    services.revise_pledge(pledge=open_pledge, by=bloc_world.secretariat, reason="Sửa khẩu hiệu")
    open_pledge.refresh_from_db()
    with pytest.raises(services.PledgeError, match="thu hồi"):
        sign(open_pledge, bloc_world.member_head, bloc_world.d)


def test_stale_hash_is_refused(bloc_world, open_pledge):
    with pytest.raises(services.PledgeError, match="mã băm không khớp"):
        sign(open_pledge, bloc_world.member_head, bloc_world.d, shown_hash="0" * 64)


def test_wrong_password_is_refused(bloc_world, open_pledge):
    with pytest.raises(services.PledgeError, match="Mật khẩu không đúng"):
        sign(open_pledge, bloc_world.member_head, bloc_world.d, password="sai-mat-khau")
    assert not PledgeSignature.objects.exists()


def test_integrity_error_of_a_racing_duplicate_is_reported_as_already_signed(
    bloc_world, open_pledge
):
    sign(open_pledge, bloc_world.member_head, bloc_world.d)
    # The second request passed the existence check before the first one committed.
    with mock.patch.object(services, "_already_signed", return_value=False):
        with pytest.raises(services.PledgeError, match="đã ký"):
            sign(open_pledge, bloc_world.member_head, bloc_world.d)
    assert PledgeSignature.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_signatures_for_one_agency_leave_one_row(bloc_world):
    if connection.vendor != "postgresql":
        # SQLite locks the whole table instead of a row: the race is PostgreSQL's to show.
        from conftest import require_services

        if require_services():
            pytest.fail("the signing race needs PostgreSQL (DATABASE_URL)")
        pytest.skip("the signing race needs PostgreSQL row locks")
    pledge = make_open(bloc_world)
    barrier = threading.Barrier(2)
    results = []

    def attempt():
        try:
            barrier.wait()
            sign(pledge, bloc_world.member_head, bloc_world.d)
            results.append("ok")
        except services.PledgeError as exc:
            results.append(exc.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert results.count("ok") == 1
    assert [r for r in results if r != "ok"] == ["Đơn vị đã ký phiên bản giao ước này."]
    assert PledgeSignature.objects.filter(pledge=pledge).count() == 1


def test_pledge_becomes_signed_when_every_current_member_has_signed(bloc_world, open_pledge):
    heads = {}
    for agency in bloc_world.agencies:
        role = AgencyRole.objects.filter(agency=agency, role="head").first()
        heads[agency.pk] = role.user if role else None
    for agency in bloc_world.agencies:
        user = heads[agency.pk]
        if user is None:
            user = UserFactory()
            give_role(user, agency)
        sign(open_pledge, user, agency)
    open_pledge.refresh_from_db()
    assert open_pledge.status == Pledge.Status.SIGNED
    assert open_pledge.signed_at is not None
    assert PledgeEvent.objects.filter(pledge=open_pledge, to_status="signed").exists()


def test_revising_voids_the_old_version_keeps_signatures_and_mails_every_head(
    bloc_world, open_pledge, django_capture_on_commit_callbacks
):
    sign(open_pledge, bloc_world.member_head, bloc_world.d)
    # The invitations to sign went out when the pledge opened.
    send_pending_mail()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        new = services.revise_pledge(
            pledge=open_pledge, by=bloc_world.secretariat, reason="Bổ sung nội dung chuyển đổi số"
        )
    open_pledge.refresh_from_db()
    assert open_pledge.status == Pledge.Status.VOID
    assert open_pledge.void_reason == "Bổ sung nội dung chuyển đổi số"
    assert open_pledge.signatures.count() == 1
    assert new.version == 2 and new.status == Pledge.Status.DRAFT
    assert new.supersedes == open_pledge
    assert [c.text for c in new.commitments.all()] == [
        c.text for c in open_pledge.commitments.all()
    ]
    recipients = sorted(r for m in mail.outbox for r in m.to)
    heads = sorted(
        AgencyRole.objects.filter(agency__in=bloc_world.agencies, role="head").values_list(
            "user__email", flat=True
        )
    )
    assert recipients == heads
    assert "Thu hồi" in mail.outbox[0].subject
    reopened = services.open_pledge(pledge=new, by=bloc_world.secretariat)
    assert reopened.content_hash != open_pledge.content_hash
    assert not reopened.signatures.exists()


def test_copy_previous_year_pledge_in_one_step(bloc_world):
    from blocs.models import BlocTerm

    previous = bloc_world.previous_term
    BlocTerm.objects.filter(pk=previous.pk).update(status="active")
    previous.refresh_from_db()
    old = services.save_pledge_draft(
        term=previous,
        by=bloc_world.last_year_leader,
        title="Giao ước thi đua năm 2025",
        slogan="Đoàn kết",
        legal_bases="",
        commitments=["Hoàn thành nhiệm vụ năm 2025.", "Giữ vững đoàn kết."],
    )
    services.open_pledge(pledge=old, by=bloc_world.last_year_leader)
    copy = services.copy_previous_pledge(term=bloc_world.term, by=bloc_world.secretariat)
    assert copy.term == bloc_world.term and copy.status == Pledge.Status.DRAFT
    assert copy.title == "Giao ước thi đua năm 2026"
    assert [c.text for c in copy.commitments.all()] == [
        "Hoàn thành nhiệm vụ năm 2026.",
        "Giữ vững đoàn kết.",
    ]


def test_copy_without_a_previous_pledge_is_refused(bloc_world):
    with pytest.raises(services.PledgeError, match="Năm trước chưa có giao ước"):
        services.copy_previous_pledge(term=bloc_world.term, by=bloc_world.secretariat)
