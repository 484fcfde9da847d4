"""The secretariat's progress page of a bloc-year: who may see it, its numbers, overdue marks,
the reminders, the workbook and its query count."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from blocs.models import AgencyRole, Notification
from campaigns import progress as reads
from campaigns import selectors
from campaigns.models import Period, PledgeSignature, Scorecard, ScoreLine, TitleRegistration
from campaigns.services import pledges as pledge_services
from campaigns.services import progress as progress_services
from campaigns.tests import review_helpers as h
from campaigns.todo import led_terms, secretariat_tasks
from tests import factories
from tests.factories import PERSONAS
from tests.urlnames import url_names_of

pytestmark = pytest.mark.django_db

D = Decimal
FOLLOWERS = {"secretariat", "secretariat_officer", "board"}
RUNNERS = {"secretariat", "secretariat_officer"}


def build_scenario(w):
    """B's year 2026 with an open pledge signed by D, a title registered by D and the annual
    period under review: A–E submitted, F never opened a card; C cross-checks D (half done),
    D cross-checks E (done, one line lowered, not explained yet), E cross-checks F (no card).
    F has a head and an officer, so that reminders reach someone."""
    w.e, w.f = w.agencies[4], w.agencies[5]
    w.f_head = factories.UserFactory(full_name="Thủ trưởng F")
    factories.give_role(w.f_head, w.f)
    w.f_officer = factories.UserFactory(full_name="Cán bộ F")
    factories.give_role(w.f_officer, w.f, AgencyRole.Role.OFFICER)
    draft = pledge_services.save_pledge_draft(
        term=w.term,
        by=w.secretariat,
        title="Giao ước thi đua năm 2026",
        slogan="Đoàn kết",
        legal_bases="Luật Thi đua, khen thưởng 2022",
        commitments=["Hoàn thành nhiệm vụ"],
    )
    w.pledge = pledge_services.open_pledge(pledge=draft, by=w.secretariat)
    w.pledge.refresh_from_db()
    PledgeSignature.objects.create(
        pledge=w.pledge,
        agency=w.d,
        user=w.member_head,
        signer_name="Thủ trưởng D",
        signed_at=timezone.make_aware(datetime.datetime(2026, 3, 5, 9, 0)),
        content_hash=w.pledge.content_hash,
    )
    pledge_services.register_title(
        term=w.term,
        agency_id=w.d.pk,
        title=TitleRegistration.Title.EXCELLENT_COLLECTIVE,
        by=w.member_head,
    )
    table = h.make_table(w.term)
    w.period = h.make_period(w.term)
    w.cards = h.make_cards(w.period, table, w.agencies[:5])
    h.assign(w.period, [(w.c, w.d), (w.d, w.e), (w.e, w.f)], by=w.secretariat)
    for line in ScoreLine.objects.filter(scorecard=w.cards[w.e]):
        line.review_points = line.self_points
        line.reviewer = w.d
        line.save()
    ScoreLine.objects.filter(scorecard=w.cards[w.e], criterion__code="1.1").update(
        review_points=D("10")
    )
    first = ScoreLine.objects.filter(scorecard=w.cards[w.d]).order_by("pk").first()
    ScoreLine.objects.filter(pk=first.pk).update(review_points=first.self_points, reviewer=w.c)
    return w


@pytest.fixture
def world(bloc_world):
    return build_scenario(bloc_world)


def url(w, name, *args):
    return reverse(f"campaigns:{name}", args=[w.bloc.code, w.term.year, *args])


def login(client, user):
    if user is not None:
        client.force_login(user)
    return client


def cells(progress, column):
    return {r.agency.name: r.cells[column] for r in progress.rows}


# --- The numbers ---------------------------------------------------------------------------------


def test_progress_reads_every_column_of_the_scenario(world):
    w = world
    progress = reads.term_progress(w.term)
    assert progress.period == w.period
    assert [r.agency.id for r in progress.rows] == [a.pk for a in w.agencies]
    summary = {c.key: (c.done, c.asked, c.todo) for c in progress.columns}
    assert summary == {
        "pledge": (1, 6, 5),
        "titles": (1, 6, 5),
        "selfscore": (5, 6, 1),
        "crosscheck": (1, 3, 1),
        "explanation": (0, 1, 1),
    }
    pledge = cells(progress, "pledge")
    assert pledge[w.d.name].done and pledge[w.d.name].text == "Đã ký 05/03/2026"
    assert cells(progress, "titles")[w.d.name].text == "Tập thể lao động xuất sắc"
    checks = cells(progress, "crosscheck")
    assert checks[w.c.name].todo and checks[w.c.name].text == "0/1"
    assert checks[w.d.name].done and checks[w.d.name].text == "1/1"
    assert checks[w.e.name].state == reads.WAIT and "1 phiếu chưa nộp" in checks[w.e.name].text
    assert not checks[w.a.name].asked
    explanation = cells(progress, "explanation")
    assert explanation[w.e.name].todo and explanation[w.e.name].text == "0/1"
    assert not explanation[w.d.name].asked


def test_not_submitted_agencies_are_those_of_the_selectors(world):
    progress = reads.term_progress(world.term)
    pending = selectors.pending_members(world.period)
    assert [a.id for a in progress.not_done("selfscore")] == [p.agency.id for p in pending]
    [row] = [r for r in progress.rows if r.agency.id == world.f.pk]
    assert row.cells["selfscore"].deadline == pending[0].deadline


def test_an_explanation_given_completes_the_column(world):
    ScoreLine.objects.filter(scorecard=world.cards[world.e], criterion__code="1.1").update(
        explanation="Đã có báo cáo bổ sung"
    )
    assert reads.term_progress(world.term).column("explanation").done == 1


def test_overdue_items_are_marked_once_their_deadline_passed(world):
    w = world
    before = reads.term_progress(w.term, now=w.period.review_deadline - datetime.timedelta(hours=1))
    assert cells(before, "selfscore")[w.f.name].overdue  # the self-score deadline was yesterday
    assert not cells(before, "crosscheck")[w.c.name].overdue
    after = reads.term_progress(w.term, now=w.period.review_deadline + datetime.timedelta(hours=1))
    assert cells(after, "crosscheck")[w.c.name].overdue
    assert cells(after, "explanation")[w.e.name].overdue
    assert not cells(after, "crosscheck")[w.e.name].overdue  # waits for F's card
    assert after.overdue_count == 3
    Period.objects.filter(pk=w.period.pk).update(status=Period.Status.AGREED)
    assert reads.term_progress(w.term, now=w.period.review_deadline).overdue_count == 0


def test_page_shows_the_numbers_and_overdue_as_text(client, world):
    w = world
    login(client, w.secretariat)
    Period.objects.filter(pk=w.period.pk).update(
        review_deadline=timezone.now() - datetime.timedelta(hours=1),
        self_deadline=timezone.now() - datetime.timedelta(days=2),
    )
    response = client.get(url(w, "term_progress"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'tabindex="0"' in html and 'role="region"' in html
    assert "Đã ký 05/03/2026" in html
    # The red badge carries its meaning in words, not only in colour.
    table = html.split('id="progress-table"')[1]
    assert table.count('<span class="badge text-bg-danger">Quá hạn</span>') == 3
    assert "Nhắc những đơn vị chưa hoàn thành" in html
    assert reverse("campaigns:term_progress", args=[w.bloc.code, 2026]) in html  # nav entry


def test_period_can_be_chosen_and_an_unopened_one_has_nothing_to_do(client, world):
    login(client, world.board)
    response = client.get(url(world, "term_progress") + "?period=semiannual")
    assert response.status_code == 200
    assert response.context["progress"].period is None
    assert "Nhắc những đơn vị chưa hoàn thành" not in response.content.decode()


# --- Who may see and do what ---------------------------------------------------------------------

MATRIX = {
    "term_progress": ("get", lambda w: url(w, "term_progress"), FOLLOWERS, 200),
    "term_progress_export": ("get", lambda w: url(w, "term_progress_export"), FOLLOWERS, 200),
    "term_progress_remind": (
        "post",
        lambda w: url(w, "term_progress_remind", "selfscore"),
        RUNNERS,
        302,
    ),
    "board_overview": ("get", lambda w: reverse("campaigns:board_overview"), {"board"}, 200),
    "board_overview_export": (
        "get",
        lambda w: reverse("campaigns:board_overview_export"),
        {"board"},
        200,
    ),
}
WRONG_METHOD = {
    "term_progress": "post",
    "term_progress_export": "post",
    "term_progress_remind": "get",
    "board_overview": "post",
    "board_overview_export": "put",
}


def expected(name, persona):
    _method, _url, allowed, ok = MATRIX[name]
    if persona == "anonymous":
        return "login"
    if persona in allowed:
        return ok
    if persona == "outsider" or name.startswith("board"):
        return 404
    return 403


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(client, world, name, persona):
    method, make_url, _allowed, _ok = MATRIX[name]
    response = getattr(login(client, world.personas[persona]), method)(make_url(world))
    status = expected(name, persona)
    if status == "login":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == status, (name, persona)


@pytest.mark.parametrize("name", sorted(WRONG_METHOD))
def test_wrong_method_is_refused(client, world, name):
    login(client, world.secretariat)
    response = getattr(client, WRONG_METHOD[name])(MATRIX[name][1](world))
    assert response.status_code == 405


def test_matrix_covers_every_progress_view():
    assert {f"campaigns:{name}" for name in MATRIX} == url_names_of("campaigns.views.progress")
    assert set(WRONG_METHOD) == set(MATRIX)


def test_administrator_follows_and_reminds(client, world, django_user_model):
    admin = django_user_model.objects.create_superuser("quantri", "qt@example.vn", "x")
    login(client, admin)
    assert client.get(url(world, "term_progress")).status_code == 200
    assert client.post(url(world, "term_progress_remind", "selfscore")).status_code == 302


def test_closed_year_is_read_only_for_its_leader(client, world):
    login(client, world.last_year_leader)
    old = [world.bloc.code, world.previous_term.year]
    assert client.get(reverse("campaigns:term_progress", args=old)).status_code == 200
    remind = reverse("campaigns:term_progress_remind", args=[*old, "titles"])
    assert client.post(remind).status_code == 403


def test_unknown_column_is_not_found(client, world):
    login(client, world.secretariat)
    assert client.post(url(world, "term_progress_remind", "ballots")).status_code == 404


# --- Reminders -----------------------------------------------------------------------------------


def test_reminder_reaches_exactly_the_people_of_agencies_not_done(client, world):
    w = world
    login(client, w.secretariat)
    response = client.post(url(w, "term_progress_remind", "selfscore"), {"period": "annual"})
    assert response.status_code == 302
    assert response["Location"].endswith("?period=annual")
    rows = Notification.objects.filter(kind="campaigns.remind_selfscore")
    assert {n.user for n in rows} == {w.f_head, w.f_officer}
    assert {n.params["agency"] for n in rows} == {w.f.name}
    assert all(n.params["bloc"] == w.bloc.name and n.params["year"] == 2026 for n in rows)
    page = client.get(response["Location"])
    assert "đã nhắc 2 người của 1 đơn vị chưa hoàn thành" in page.content.decode()


def test_crosscheck_reminder_goes_to_the_late_reviewer_only(client, world):
    login(client, world.secretariat)
    client.post(url(world, "term_progress_remind", "crosscheck"))
    rows = Notification.objects.filter(kind="campaigns.remind_crosscheck")
    assert {n.user for n in rows} == {world.deputy}  # C, whose review of D is half done


def test_pledge_reminder_goes_to_heads_that_have_not_signed(client, world):
    w = world
    login(client, w.secretariat)
    client.post(url(w, "term_progress_remind", "pledge"))
    notified = {n.user for n in Notification.objects.filter(kind="campaigns.remind_pledge")}
    # B's head is the one reminding; D signed; E has nobody; officers do not sign.
    assert notified == {w.last_year_leader, w.deputy, w.f_head}


def test_a_second_click_the_same_day_reminds_nobody_twice(world):
    first = progress_services.remind_not_done(
        term=world.term, column="titles", by=world.secretariat
    )
    second = progress_services.remind_not_done(
        term=world.term, column="titles", by=world.secretariat
    )
    assert first.people == 3 and second.people == 0
    assert Notification.objects.filter(kind="campaigns.remind_titles").count() == 3


def test_a_second_click_counts_only_the_people_and_agencies_reached_anew(world):
    first = progress_services.remind_not_done(
        term=world.term, column="titles", by=world.secretariat
    )
    factories.give_role(factories.UserFactory(), world.f)
    second = progress_services.remind_not_done(
        term=world.term, column="titles", by=world.secretariat
    )
    assert (first.agencies, first.people) == (3, 3)
    assert (second.agencies, second.people) == (1, 1)


def test_nothing_to_remind_is_said_in_words(client, world):
    Period.objects.filter(pk=world.period.pk).update(status=Period.Status.AGREED)
    login(client, world.secretariat)
    response = client.post(url(world, "term_progress_remind", "selfscore"), follow=True)
    assert "Kỳ chấm điểm đã thống nhất" in response.content.decode()
    assert not Notification.objects.filter(kind="campaigns.remind_selfscore").exists()
    response = client.post(
        url(world, "term_progress_remind", "selfscore"), {"period": "quarterly"}, follow=True
    )
    assert "Kỳ chấm điểm không hợp lệ." in response.content.decode()


# --- The workbook --------------------------------------------------------------------------------


def test_workbook_holds_the_table_and_keeps_formulas_as_text(client, world):
    w = world
    w.a.name = '=HYPERLINK("https://evil.example")'
    w.a.save(update_fields=["name"])
    login(client, w.board)
    response = client.get(url(w, "term_progress_export") + "?period=annual")
    assert response.status_code == 200
    assert "tien-do-" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("STT", "Cơ quan, đơn vị", "Viết tắt", "Ký giao ước")
    by_name = {r[1]: r for r in rows[1:] if r[1]}
    assert by_name[w.d.name][3] == "Đã ký 05/03/2026"
    assert by_name[w.f.name][5].startswith("Chưa lập phiếu — quá hạn")
    cell = next(c for c in sheet["B"] if c.value == w.a.name)
    assert cell.data_type == "s" and cell.quotePrefix


# --- The secretariat's to-do ---------------------------------------------------------------------


def test_secretariat_sees_its_tasks_on_the_dashboard_and_the_progress_page(client, world):
    w = world
    Period.objects.filter(pk=w.period.pk).update(
        review_deadline=timezone.now() - datetime.timedelta(hours=1),
        self_deadline=timezone.now() - datetime.timedelta(days=2),
    )
    titles = [t.title for t in secretariat_tasks(led_terms(w.secretariat))]
    assert "Phân công chấm chéo: 3 đơn vị chưa có đơn vị chấm" in titles
    assert "Thống nhất điểm và khóa kỳ: đã quá hạn chấm chéo" in titles
    assert secretariat_tasks(led_terms(w.member_head)) == []
    login(client, w.secretariat_officer)
    html = client.get(reverse("dashboard")).content.decode()
    assert 'id="secretariat-tasks"' in html and "Thống nhất điểm và khóa kỳ" in html
    assert reverse("campaigns:term_progress", args=[w.bloc.code, 2026]) in html
    html = client.get(url(w, "term_progress")).content.decode()
    assert "Việc của thư ký khối" in html and "Phân công chấm chéo" in html


def test_secretariat_is_asked_to_open_the_pledge_and_agree_waiting_cards(bloc_world):
    w = bloc_world
    table = h.make_table(w.term)
    period = h.make_period(w.term)
    h.make_cards(period, table, w.agencies[:2])
    titles = [t.title for t in secretariat_tasks([w.term])]
    assert "Mở ký giao ước thi đua năm 2026" in titles
    assert "Thống nhất điểm: 2 phiếu đã nộp đang chờ" in titles


# --- Queries -------------------------------------------------------------------------------------


def big_term(council, n):
    """A bloc of ``n`` agencies with an open pledge, a period, cards and cross-checks."""
    bloc = factories.BlocFactory(council=council)
    agencies = [
        factories.AgencyFactory(council=council, name=f"Cơ quan số {i:02d} khối {bloc.pk}")
        for i in range(n)
    ]
    term = factories.make_term(
        bloc=bloc, year=2026, agencies=agencies, leader=agencies[0], deputy=agencies[1]
    )
    lead = factories.UserFactory()
    factories.give_role(lead, agencies[0])
    draft = pledge_services.save_pledge_draft(
        term=term, by=lead, title="Giao ước", slogan="", legal_bases="", commitments=["Một"]
    )
    pledge_services.open_pledge(pledge=draft, by=lead)
    table = h.make_table(term)
    period = h.make_period(term)
    h.make_cards(period, table, agencies[: n - 1])
    h.assign(period, [(agencies[i], agencies[(i + 1) % n]) for i in range(n)], by=lead)
    return term, lead


def test_page_and_workbook_run_the_same_queries_for_more_agencies(
    client, council, django_assert_max_num_queries
):
    counts = {}
    for n in (5, 10):
        term, lead = big_term(council, n)
        login(client, lead)
        for name in ("term_progress", "term_progress_export"):
            page = reverse(f"campaigns:{name}", args=[term.bloc.code, 2026])
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(page).status_code == 200
            counts[(name, n)] = len(ctx.captured_queries)
    assert counts[("term_progress", 5)] == counts[("term_progress", 10)], counts
    assert counts[("term_progress_export", 5)] == counts[("term_progress_export", 10)], counts
    with django_assert_max_num_queries(counts[("term_progress", 5)]):
        client.get(reverse("campaigns:term_progress", args=[term.bloc.code, 2026]))


def test_load_progress_reads_many_terms_in_eight_queries(council, django_assert_num_queries):
    terms = [big_term(council, 4)[0] for _ in range(3)]
    with django_assert_num_queries(8):
        progress = reads.load_progress(terms)
    assert [p.column("selfscore").done for p in progress.values()] == [3, 3, 3]
    assert all(c.status == Scorecard.Status.SUBMITTED for c in Scorecard.objects.all())


def test_a_reminder_costs_the_same_queries_for_twice_the_agencies(council):
    counts = {}
    for n in (5, 10):
        term, lead = big_term(council, n)
        for membership in term.memberships.select_related("agency"):
            factories.give_role(factories.UserFactory(), membership.agency)
        with CaptureQueriesContext(connection) as ctx:
            done = progress_services.remind_not_done(term=term, column="titles", by=lead)
        counts[n] = len(ctx.captured_queries)
        assert (done.agencies, done.people) == (n, n)
    assert counts[5] == counts[10], counts


def test_reminded_people_get_the_mail_once_the_reminder_is_saved(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    # The mail owed for the scenario's own notifications (the pledge opened) is not this test's.
    Notification.objects.update(mail=Notification.Mail.NONE)
    login(client, world.secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(world, "term_progress_remind", "selfscore"))
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [world.f_head.email, world.f_officer.email]
    )
    assert all(world.bloc.name in m.subject + m.body for m in mailoutbox)
