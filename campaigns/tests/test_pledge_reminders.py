import pytest
from django.core import mail
from django.urls import reverse

from blocs.models import BlocTerm
from blocs.services.notifications import send_pending_mail
from campaigns.services import pledges as services
from campaigns.tasks import remind_unsigned_pledges_task
from campaigns.tests.test_pledge_support import make_draft, make_open
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _open_with_d_signed(world):
    pledge = make_open(world)
    services.sign_pledge(
        pledge=pledge,
        agency_id=world.d.pk,
        user=world.member_head,
        password=PASSWORD,
        shown_hash=pledge.content_hash,
    )
    # The invitations to sign went out when the pledge opened.
    send_pending_mail()
    mail.outbox.clear()
    return pledge


def test_remind_button_emails_only_heads_who_have_not_signed(
    client, bloc_world, django_capture_on_commit_callbacks
):
    _open_with_d_signed(bloc_world)
    client.force_login(bloc_world.secretariat)
    url = reverse("campaigns:pledge_remind", args=[bloc_world.bloc.code, 2026])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert "Đã nhắc ký 3 người (hộp thông báo và thư)." in response.content.decode()
    recipients = sorted(m.to[0] for m in mail.outbox)
    expected = [bloc_world.last_year_leader, bloc_world.secretariat, bloc_world.deputy]
    assert recipients == sorted(u.email for u in expected)
    message = mail.outbox[0]
    assert "Nhắc ký giao ước thi đua năm 2026" in message.subject
    assert "/pledge/" in message.body and "Kính gửi đồng chí" in message.body


def test_daily_task_reminds_every_open_pledge(bloc_world, django_capture_on_commit_callbacks):
    _open_with_d_signed(bloc_world)
    with django_capture_on_commit_callbacks(execute=True):
        sent = remind_unsigned_pledges_task.delay().get()
    assert sent == 3
    assert len(mail.outbox) == 3


def test_daily_task_skips_drafts(bloc_world, django_capture_on_commit_callbacks):
    make_draft(bloc_world)
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_unsigned_pledges_task() == 0
    assert not mail.outbox


def test_daily_task_skips_closed_terms(bloc_world, django_capture_on_commit_callbacks):
    _open_with_d_signed(bloc_world)
    BlocTerm.objects.filter(pk=bloc_world.term.pk).update(status="closed")
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_unsigned_pledges_task() == 0
    assert not mail.outbox


def test_remind_refuses_a_pledge_that_is_not_open(client, bloc_world):
    make_draft(bloc_world)
    client.force_login(bloc_world.secretariat)
    url = reverse("campaigns:pledge_remind", args=[bloc_world.bloc.code, 2026])
    response = client.post(url, follow=True)
    assert "Chỉ nhắc ký khi giao ước đang mở ký." in response.content.decode()
    assert not mail.outbox
