"""The notifications service: the inbox, the mail each person chose, the digest, the pages."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from blocs.models import AgencyRole, Notification, NotificationPreference
from blocs.notices import Delivery
from blocs.services import notifications as service
from blocs.tasks import send_notification_digests_task, send_notification_mail_task
from campaigns import notices
from campaigns.models import Period
from campaigns.services import review as review_services
from campaigns.services.notifications import send_deadline_reminders
from campaigns.tests.review_helpers import line, make_cards, make_period, make_table
from tests.factories import UserFactory, build_bloc_world, give_role

pytestmark = pytest.mark.django_db

PARAMS = {"bloc": "Khối Đảng", "year": 2026, "agency": "Sở A", "period_kind": "annual"}


def _notify(users, kind=notices.REMIND_SELFSCORE, key=""):
    return service.notify(recipients=users, kind=kind, params=PARAMS, url="/blocs/", key=key)


def test_a_notification_lands_in_the_inbox_and_is_mailed_at_once_by_default(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(email="a@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        assert _notify([user]) == 1
    row = Notification.objects.get(user=user)
    assert row.mail == Notification.Mail.SENT and row.read_at is None
    assert row.subject == "Nhắc gửi phiếu tự chấm điểm Tổng kết năm 2026"
    assert row.mail_subject == "[Khối Đảng] Nhắc gửi phiếu tự chấm điểm Tổng kết năm 2026"
    [message] = mail.outbox
    assert message.to == ["a@example.vn"]
    assert message.subject == row.mail_subject
    assert "Sở A chưa gửi phiếu tự chấm điểm Tổng kết năm 2026" in message.body
    assert "http://testserver/blocs/" in message.body or "/blocs/" in message.body


def test_a_key_makes_a_notification_once_only_per_person(django_capture_on_commit_callbacks):
    first, second = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert _notify([first], key="k1") == 1
        assert _notify([first, second], key="k1") == 1
        assert _notify([first, second], key="k1") == 0
    assert Notification.objects.filter(key="k1").count() == 2
    assert len(mail.outbox) == 2


def test_in_app_only_sends_no_mail_and_a_user_without_address_gets_none(
    django_capture_on_commit_callbacks,
):
    quiet = UserFactory()
    NotificationPreference.objects.create(
        user=quiet, kind=notices.REMIND_SELFSCORE, delivery=Delivery.INAPP
    )
    no_address = UserFactory(email="")
    with django_capture_on_commit_callbacks(execute=True):
        assert _notify([quiet, no_address]) == 2
    assert set(Notification.objects.values_list("mail", flat=True)) == {"none"}
    assert mail.outbox == []


def test_the_digest_sends_one_mail_a_day_with_everything(django_capture_on_commit_callbacks):
    user = UserFactory(email="digest@example.vn")
    for code in (notices.REMIND_SELFSCORE, notices.REMIND_CROSSCHECK, notices.PERIOD_AGREED):
        NotificationPreference.objects.create(user=user, kind=code, delivery=Delivery.DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        _notify([user], notices.REMIND_SELFSCORE)
        _notify([user], notices.REMIND_CROSSCHECK)
        _notify([user], notices.PERIOD_AGREED)
    assert mail.outbox == []
    assert send_notification_digests_task.delay().get() == 1
    assert send_notification_digests_task.delay().get() == 0
    [digest] = mail.outbox
    assert digest.to == ["digest@example.vn"]
    assert "3 thông báo" in digest.subject
    assert "1. [Khối Đảng] Nhắc gửi phiếu tự chấm" in digest.body
    assert "2. [Khối Đảng] Nhắc hoàn thành chấm chéo" in digest.body
    assert "3. [Khối Đảng] Đã thống nhất điểm" in digest.body
    assert set(Notification.objects.values_list("mail", flat=True)) == {"sent"}


def test_a_mail_the_server_refuses_stays_owed_and_goes_out_on_the_next_run(settings):
    user = UserFactory(email="later@example.vn")
    _notify([user])
    settings.EMAIL_BACKEND = "tests.failing_mail.Backend"
    assert service.send_pending_mail() == 0
    row = Notification.objects.get(user=user)
    assert row.mail == Notification.Mail.PENDING and row.mail_attempts == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_notification_mail_task.delay().get() == 1
    row.refresh_from_db()
    assert row.mail == Notification.Mail.SENT
    assert [m.to for m in mail.outbox] == [["later@example.vn"]]


def test_a_broker_that_refuses_the_mail_task_loses_nothing(
    monkeypatch, django_capture_on_commit_callbacks
):
    user = UserFactory(email="outage@example.vn")

    def refuse():
        raise ConnectionError("broker down")

    monkeypatch.setattr(send_notification_mail_task, "delay", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        assert _notify([user]) == 1
    assert mail.outbox == []
    monkeypatch.undo()
    assert service.send_pending_mail() == 1
    assert len(mail.outbox) == 1


def test_mail_is_written_in_the_recipients_language(django_capture_on_commit_callbacks):
    english = UserFactory(email="en@example.vn", language="en")
    vietnamese = UserFactory(email="vi@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        _notify([english, vietnamese])
    by_address = {m.to[0]: m for m in mail.outbox}
    assert "Nhắc gửi phiếu tự chấm" in by_address["vi@example.vn"].subject
    english_subject = by_address["en@example.vn"].subject
    assert "Nhắc" not in english_subject and "Year-end review" in english_subject


def test_a_board_adjustment_reaches_the_leader_head_and_the_agency_head(
    bloc_world, django_capture_on_commit_callbacks
):
    w = bloc_world
    table = make_table(w.term)
    period = make_period(w.term, status=Period.Status.AGREED)
    cards = make_cards(period, table, [w.d, w.agencies[4]])
    target = line(cards[w.d], "1.1")
    target.agreed_points = target.self_points
    target.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review_services.adjust_by_board(
            line=target, points="20", reason="Minh chứng không đủ", by=w.board
        )
    told = Notification.objects.filter(kind=notices.BOARD_ADJUSTED)
    assert sorted(n.user_id for n in told) == sorted([w.secretariat.pk, w.member_head.pk])
    first = told.first()
    assert "Minh chứng không đủ" in first.body and "24 → 20" in first.body
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [w.secretariat.email, w.member_head.email]
    )
    assert all("điều chỉnh điểm" in m.subject for m in mail.outbox)


def test_a_deadline_reminder_run_twice_reminds_once(bloc_world, django_capture_on_commit_callbacks):
    w = bloc_world
    now = timezone.now()
    period = Period.objects.create(
        term=w.term,
        kind=Period.Kind.ANNUAL,
        self_deadline=now + datetime.timedelta(days=5),
        review_deadline=now + datetime.timedelta(days=15),
    )
    table = make_table(w.term)
    make_cards(period, table, [w.a, w.b, w.c])  # submitted: not reminded
    give_role(UserFactory(), w.agencies[4], AgencyRole.Role.OFFICER)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        first = send_deadline_reminders(now=now)
        second = send_deadline_reminders(now=now + datetime.timedelta(hours=1))
    assert first > 0 and second == 0
    reminded = set(
        Notification.objects.filter(kind=notices.DEADLINE_SELF).values_list(
            "params__agency", flat=True
        )
    )
    # F has nobody to tell; D (head and officer) and E (an officer) are reminded.
    assert reminded == {w.d.name, w.agencies[4].name}
    # Each person once, though the task ran twice.
    keys = list(Notification.objects.values_list("user_id", "key"))
    assert len(keys) == len(set(keys))
    # Four days later the 1-day window opens: a second, different reminder.
    with django_capture_on_commit_callbacks(execute=True):
        later = send_deadline_reminders(now=now + datetime.timedelta(days=4, hours=1))
    assert later == first
    assert not send_deadline_reminders(now=now + datetime.timedelta(days=6))
    assert "Còn 1 ngày" in Notification.objects.filter(key__endswith=":1d").first().subject


def test_reminders_skip_a_deadline_more_than_a_week_away(bloc_world):
    now = timezone.now()
    Period.objects.create(
        term=bloc_world.term,
        kind=Period.Kind.ANNUAL,
        self_deadline=now + datetime.timedelta(days=20),
        review_deadline=now + datetime.timedelta(days=30),
    )
    Notification.objects.all().delete()
    assert send_deadline_reminders(now=now) == 0


@pytest.mark.parametrize(("blocs", "members"), [(1, 5), (2, 10)])
def test_a_reminder_run_makes_the_same_queries_however_many_agencies_are_late(
    council, blocs, members, django_assert_max_num_queries
):
    now = timezone.now()
    late = set()
    for _ in range(blocs):
        w = build_bloc_world(council=council, members=members, years=(2026,))
        late |= {agency.name for agency in w.agencies}
        for agency in w.agencies:
            if not AgencyRole.objects.filter(agency=agency).exists():
                give_role(UserFactory(), agency)
                give_role(UserFactory(), agency, AgencyRole.Role.OFFICER)
        Period.objects.create(
            term=w.term,
            kind=Period.Kind.ANNUAL,
            self_deadline=now + datetime.timedelta(days=5),
            review_deadline=now + datetime.timedelta(days=15),
        )
    Notification.objects.all().delete()
    # Periods, members, cards, extensions, open reviews, people, keys, choices, one insert.
    with django_assert_max_num_queries(12):
        told = send_deadline_reminders(now=now)
    assert told == Notification.objects.count()
    assert set(Notification.objects.values_list("params__agency", flat=True)) == late


def test_a_batch_tells_each_person_once_per_key(django_capture_on_commit_callbacks):
    first, second = UserFactory(), UserFactory()
    _notify([first], key="k1")
    with django_capture_on_commit_callbacks(execute=True):
        told = service.notify_all(
            [
                service.Message([first, second], notices.REMIND_SELFSCORE, PARAMS, "/", "k1"),
                service.Message([second], notices.REMIND_SELFSCORE, PARAMS, "/", "k1"),
                service.Message([first], notices.REMIND_CROSSCHECK, PARAMS, "/", "k2"),
            ]
        )
    assert told == 2
    assert sorted(Notification.objects.values_list("user_id", "key")) == sorted(
        [(first.pk, "k1"), (second.pk, "k1"), (first.pk, "k2")]
    )


def test_an_explanation_is_asked_once_when_the_cross_check_differs(bloc_world):
    w = bloc_world
    table = make_table(w.term)
    period = make_period(w.term)
    cards = make_cards(period, table, [w.c, w.d])
    review_services.assign_cross_checks(period=period, pairs=[(w.c.pk, w.d.pk)], by=w.secretariat)
    assert Notification.objects.filter(kind=notices.CROSSCHECK_ASSIGNED).exists()
    for code, points in (("1.1", "20"), ("1.2", "21")):
        review_services.record_review(
            line=line(cards[w.d], code),
            points=points,
            note="Thiếu minh chứng",
            reviewer_id=w.c.pk,
            by=w.deputy,
        )
    asked = Notification.objects.filter(kind=notices.EXPLANATION_ASKED)
    assert {n.user_id for n in asked} == {w.member_head.pk, w.member_officer.pk}
    assert asked.count() == 2


def _inbox_user_with(n):
    user = UserFactory()
    for i in range(n):
        Notification.objects.create(
            user=user, kind=notices.REMIND_SELFSCORE, params={**PARAMS, "agency": f"Sở {i}"}
        )
    return user


@pytest.mark.parametrize("count", [3, 30])
def test_the_inbox_runs_a_constant_number_of_queries(client, count, django_assert_max_num_queries):
    user = _inbox_user_with(count)
    client.force_login(user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("blocs:inbox"))
    assert response.status_code == 200
    assert response.context["UNREAD_NOTIFICATIONS"] == count


def test_the_inbox_filters_the_unread_and_pages_the_rest(client):
    from blocs.views.inbox import PAGE_SIZE

    user = _inbox_user_with(PAGE_SIZE + 2)
    read = Notification.objects.filter(user=user).order_by("id")[:3]
    Notification.objects.filter(pk__in=[n.pk for n in read]).update(read_at=timezone.now())
    client.force_login(user)
    unread = client.get(reverse("blocs:inbox"), {"unread": "1"})
    assert all(not n.is_read for n in unread.context["page"])
    assert unread.context["page"].paginator.count == PAGE_SIZE - 1
    second = client.get(reverse("blocs:inbox"), {"page": "2"})
    assert len(second.context["page"]) == 2
    assert "?page=1" in second.content.decode()


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client):
    user = UserFactory()
    row = Notification.objects.create(
        user=user, kind=notices.REMIND_SELFSCORE, params=PARAMS, url="/blocs/"
    )
    client.force_login(user)
    response = client.get(reverse("blocs:notification_open", args=[row.pk]))
    assert response.status_code == 302 and response["Location"] == "/blocs/"
    row.refresh_from_db()
    assert row.read_at is not None


def test_a_notification_never_sends_to_another_site(client):
    user = UserFactory()
    row = Notification.objects.create(
        user=user, kind=notices.REMIND_SELFSCORE, params=PARAMS, url="https://evil.example/"
    )
    client.force_login(user)
    response = client.get(reverse("blocs:notification_open", args=[row.pk]))
    assert response["Location"] == reverse("blocs:inbox")


@pytest.mark.parametrize(
    ("nxt", "back"), [("/blocs/?page=2", "/blocs/?page=2"), ("https://evil.example/", None)]
)
def test_marking_read_goes_back_only_to_a_page_of_this_site(client, nxt, back):
    user = UserFactory()
    row = Notification.objects.create(user=user, kind=notices.REMIND_SELFSCORE, params=PARAMS)
    client.force_login(user)
    response = client.post(reverse("blocs:notification_read", args=[row.pk]), {"next": nxt})
    assert response["Location"] == (back or reverse("blocs:inbox"))


@pytest.mark.parametrize("name", ["notification_open", "notification_read"])
def test_someone_elses_notification_is_a_404(client, name):
    owner, other = UserFactory(), UserFactory()
    row = Notification.objects.create(user=owner, kind=notices.REMIND_SELFSCORE, params=PARAMS)
    client.force_login(other)
    method = client.get if name == "notification_open" else client.post
    assert method(reverse(f"blocs:{name}", args=[row.pk])).status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


def test_mark_read_and_read_all(client):
    user = _inbox_user_with(3)
    client.force_login(user)
    first = Notification.objects.filter(user=user).first()
    response = client.post(reverse("blocs:notification_read", args=[first.pk]))
    assert response.status_code == 302
    assert Notification.objects.filter(user=user).unread().count() == 2
    response = client.post(reverse("blocs:inbox_read_all"), follow=True)
    assert "Đã đánh dấu 2 thông báo là đã đọc." in response.content.decode()
    assert not Notification.objects.filter(user=user).unread().exists()


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("inbox", "post"),
        ("inbox_read_all", "get"),
        ("inbox_settings", "put"),
    ],
)
def test_inbox_pages_refuse_the_wrong_method(client, name, method):
    client.force_login(UserFactory())
    assert getattr(client, method)(reverse(f"blocs:{name}")).status_code == 405


@pytest.mark.parametrize("name", ["inbox", "inbox_settings"])
def test_inbox_pages_need_a_login(client, name):
    response = client.get(reverse(f"blocs:{name}"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_preferences_keep_the_kinds_the_request_did_not_send(client):
    user = UserFactory()
    NotificationPreference.objects.create(
        user=user, kind=notices.PERIOD_OPENED, delivery=Delivery.INAPP
    )
    client.force_login(user)
    field = "delivery_" + notices.REMIND_SELFSCORE.replace(".", "__")
    response = client.post(
        reverse("blocs:inbox_settings"), {"language": "en", field: Delivery.DIGEST}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "en"
    chosen = dict(user.notification_preferences.values_list("kind", "delivery"))
    assert chosen == {notices.PERIOD_OPENED: "inapp", notices.REMIND_SELFSCORE: "digest"}


def test_saving_every_kind_runs_a_constant_number_of_queries(django_assert_max_num_queries):
    from blocs.notices import all_kinds

    user = UserFactory()
    NotificationPreference.objects.create(
        user=user, kind=notices.PERIOD_OPENED, delivery=Delivery.INAPP
    )
    defaults = {kind.code: kind.default for kind in all_kinds()}
    # The user's language, the stored choices, one insert and one update.
    with django_assert_max_num_queries(8):
        service.save_preferences(
            user=user, language="en", deliveries=dict.fromkeys(defaults, Delivery.DIGEST)
        )
    stored = dict(user.notification_preferences.values_list("kind", "delivery"))
    # A choice equal to the kind's default is not stored; one already stored is changed.
    assert stored == {
        code: Delivery.DIGEST
        for code, default in defaults.items()
        if code == notices.PERIOD_OPENED or default != Delivery.DIGEST
    }


def test_preferences_refuse_an_unknown_choice_and_keep_the_input(client):
    user = UserFactory()
    client.force_login(user)
    field = "delivery_" + notices.REMIND_SELFSCORE.replace(".", "__")
    response = client.post(reverse("blocs:inbox_settings"), {"language": "xx", field: "fax"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "xx không phải là một trong các lựa chọn" in body
    assert "fax không phải là một trong các lựa chọn" in body
    assert not user.notification_preferences.exists()


def test_the_header_shows_the_unread_count(client):
    user = _inbox_user_with(4)
    client.force_login(user)
    body = client.get(reverse("blocs:inbox")).content.decode()
    assert '4<span class="visually-hidden"> chưa đọc</span>' in body


def test_a_document_ready_or_failed_tells_its_requester(bloc_world, monkeypatch):
    from reports import services as documents
    from reports.notices import DOCUMENT_FAILED, DOCUMENT_READY

    w = bloc_world
    ready = documents.request_document(term=w.term, kind="member_list", by=w.secretariat)
    documents.render_document(ready.document.pk)
    [told] = Notification.objects.filter(kind=DOCUMENT_READY)
    assert told.user == w.secretariat and told.url == ready.document.get_absolute_url()
    assert "đã tạo xong" in told.subject

    def broken(*args, **kwargs):
        raise ValueError("mẫu văn bản hỏng")

    monkeypatch.setattr(documents, "html_to_pdf", broken)
    failed = documents.request_document(term=w.term, kind="member_list", by=w.board)
    documents.render_document(failed.document.pk)
    [told] = Notification.objects.filter(kind=DOCUMENT_FAILED)
    assert told.user == w.board and "mẫu văn bản hỏng" in told.body


# (url name, method, needs a notification of the user's own, status for its owner)
MATRIX = [
    ("inbox", "get", False, 200),
    ("inbox_settings", "get", False, 200),
    ("inbox_settings", "post", False, 302),
    ("inbox_read_all", "post", False, 302),
    ("notification_open", "get", True, 302),
    ("notification_read", "post", True, 302),
]


def test_the_matrix_covers_every_inbox_view():
    from tests.urlnames import url_names_of

    assert {f"blocs:{name}" for name, *_ in MATRIX} == url_names_of("blocs.views.inbox")


@pytest.mark.parametrize(("name", "method", "own", "status"), MATRIX)
def test_every_persona_reaches_only_their_own_inbox(client, personas, name, method, own, status):
    owner = UserFactory()
    theirs = Notification.objects.create(user=owner, kind=notices.REMIND_SELFSCORE, params=PARAMS)
    for persona, user in personas.items():
        client.logout()
        args = []
        if own:
            if user is None:
                args = [theirs.pk]
            else:
                mine = Notification.objects.create(
                    user=user, kind=notices.REMIND_SELFSCORE, params=PARAMS
                )
                args = [mine.pk]
        if user is not None:
            client.force_login(user)
        url = reverse(f"blocs:{name}", args=args)
        data = {"language": "vi"} if name == "inbox_settings" and method == "post" else {}
        response = getattr(client, method)(url, data)
        if user is None:
            assert response.status_code == 302, persona
            assert "/accounts/login/" in response["Location"], persona
            continue
        assert response.status_code == status, (persona, response.status_code)
        if own:
            # Somebody else's notification is not there for them.
            other = reverse(f"blocs:{name}", args=[theirs.pk])
            assert getattr(client, method)(other).status_code == 404, persona
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_dashboard_shows_the_latest_unread_notifications(client, django_assert_max_num_queries):
    user = _inbox_user_with(7)
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    assert len(response.context["notifications"]) == 5
    body = response.content.decode()
    assert "Xem hộp thông báo (7 chưa đọc)" in body
    assert (
        reverse("blocs:notification_open", args=[response.context["notifications"][0].pk]) in body
    )


def test_switching_the_language_sets_the_language_of_ones_mail(client):
    user = UserFactory()
    client.force_login(user)
    # The request leaves English active in this thread; conftest gives the next test Vietnamese.
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "en"
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"
