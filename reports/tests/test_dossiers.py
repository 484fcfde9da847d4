"""The award dossier from the bloc to the board and back: parts, moves, decision, revocation.

The scenario renders the year's real documents; the other tests issue quick stand-ins.
"""

import datetime
import hashlib
import io
import zipfile

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from awards.dossier_rules import Refused
from awards.models import Dossier, DossierEvent, GrantedAward, ReviewMeeting
from awards.services import catalogue
from blocs.models import Notification
from blocs.services.notifications import send_pending_mail
from reports import notices
from reports.dossiers import parts, services
from reports.models import Document
from reports.tests.test_award_documents import confirm, elect, make, report_params, world  # noqa: F401

pytestmark = pytest.mark.django_db

DAY = datetime.date(2027, 1, 20)
_numbers = iter(range(1, 10_000))


@pytest.fixture
def year(world):  # noqa: F811
    """One flag and two Bằng khen (merit) confirmed for the board; the meeting closed."""
    elect(world, catalogue.PROVINCE_FLAG, [10])
    elect(world, catalogue.PROVINCE_MERIT, [9, 8])
    confirm(world, catalogue.PROVINCE_FLAG)
    confirm(world, catalogue.PROVINCE_MERIT)
    ReviewMeeting.objects.filter(pk=world.meeting.pk).update(status=ReviewMeeting.Status.CLOSED)
    world.nominees = parts.upward_nominations(world.term)
    return world


def issue(term, kind, params=None) -> Document:
    """A stand-in issued document (ready, numbered, with a small file)."""
    body = f"%PDF-1.4 {kind} {params}".encode()
    document = Document(
        term=term,
        kind=kind,
        number=next(_numbers),
        type_code="BC",
        title=f"Văn bản {kind}",
        params=params or {},
        status=Document.Status.READY,
        sha256=hashlib.sha256(body).hexdigest(),
        issued_on=DAY,
    )
    document.file.save(f"{kind}.pdf", ContentFile(body), save=False)
    document.save()
    return document


def issue_all(w, *, skip=()):
    for kind in parts.DOCUMENT_KINDS:
        if kind not in skip:
            issue(w.term, kind)
    for n in w.nominees:
        issue(
            w.term, "achievement_report", report_params(n.agency, n.nomination_list.award_type.code)
        )


def submit(w, by=None):
    return services.move(term=w.term, action="submit", actor="bloc", by=by or w.secretariat)


# The scenario ---------------------------------------------------------------------------------


def test_a_year_goes_from_a_refused_submission_to_a_decision_that_grants_one_of_two_merits(year):
    w = year
    merit = [n for n in w.nominees if n.nomination_list.award_type.code == catalogue.PROVINCE_MERIT]
    flag = [n for n in w.nominees if n.nomination_list.award_type.code == catalogue.PROVINCE_FLAG]
    assert len(merit) == 2 and len(flag) == 1
    # The year's real documents, all but the meeting's minutes.
    for kind in ("score_table_annual", "annual_report", "vote_count_minutes"):
        make(w, kind, {"period": "annual"} if kind != "score_table_annual" else None)
    make(w, "submission_letter")
    for n in w.nominees:
        make(w, "achievement_report", report_params(n.agency, n.nomination_list.award_type.code))

    with pytest.raises(Refused) as refused:
        submit(w)
    assert refused.value.code == "incomplete"
    assert refused.value.missing == ["Thiếu Biên bản hội nghị tổng kết (chưa ban hành)."]
    assert not Dossier.objects.filter(term=w.term, state="submitted").exists()

    make(w, "review_minutes", {"period": "annual"})
    assert submit(w).state == "submitted"

    mail.outbox.clear()
    services.move(
        term=w.term,
        action="return",
        actor="board",
        by=w.board,
        reason="Thiếu ảnh chụp bằng khen năm trước.",
    )
    dossier = Dossier.objects.get(term=w.term)
    assert dossier.state == "returned"
    # The leader (the secretariat's agency) reads it in the inbox and by mail.
    inbox = Notification.objects.get(user=w.secretariat, kind=notices.DOSSIER_RETURNED)
    assert "Thiếu ảnh chụp bằng khen năm trước." in inbox.body
    send_pending_mail()
    assert any(
        w.secretariat.email in m.to and "Thiếu ảnh chụp bằng khen năm trước." in m.body
        for m in mail.outbox
    )

    assert submit(w).state == "submitted"
    services.move(term=w.term, action="accept", actor="board", by=w.board)
    dossier.refresh_from_db()
    assert (dossier.state, dossier.version) == ("accepted", 2)
    # Both versions are kept, each with the parts it sent.
    versions = list(dossier.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert all(len([p for p in v.parts if p["type"] == "document"]) == 8 for v in versions)

    mail.outbox.clear()
    services.record_decision(
        term=w.term,
        actor="board",
        by=w.board,
        number="125/QĐ-UBND",
        signed_on=DAY,
        signer_name="Nguyễn Văn Ký",
        signer_title="Chủ tịch",
        granted_ids=[flag[0].pk, merit[0].pk],
    )
    dossier.refresh_from_db()
    assert dossier.state == "decided"
    grants = {g.nomination_id: g for g in GrantedAward.objects.all()}
    assert [grants[n.pk].granted for n in merit] == [True, False]
    assert grants[flag[0].pk].granted
    assert (
        GrantedAward.objects.in_force().filter(award_type__code=catalogue.PROVINCE_MERIT).count()
        == 1
    )
    decided = Notification.objects.get(user=w.secretariat, kind=notices.DOSSIER_DECIDED)
    assert "125/QĐ-UBND" in decided.body and "2 trên 3" in decided.body
    send_pending_mail()
    assert any(w.secretariat.email in m.to and "125/QĐ-UBND" in m.body for m in mail.outbox)
    assert [e.action for e in dossier.events.order_by("at", "id")] == [
        "submit",
        "return",
        "submit",
        "accept",
        "decide",
    ]
    # The agencies' histories show the award granted and the one not granted.
    from reports.agency_history import history_of

    granted_year = next(row for row in history_of(merit[0].agency) if row.year == w.term.year)
    refused_year = next(row for row in history_of(merit[1].agency) if row.year == w.term.year)
    assert _award_states(granted_year)[catalogue.PROVINCE_MERIT] == "granted"
    assert _award_states(refused_year)[catalogue.PROVINCE_MERIT] == "not_granted"


def _award_states(row) -> dict:
    return {award.code: award.state for award in row.awards}


# Completeness and moves --------------------------------------------------------------------------


def test_every_missing_part_is_named_at_once(year):
    issue_all(year, skip=("review_minutes", "annual_report"))
    gone = year.nominees[1]
    Document.objects.filter(
        kind="achievement_report",
        params__agency=gone.agency_id,
        params__award=gone.nomination_list.award_type.code,
    ).delete()

    with pytest.raises(Refused) as refused:
        submit(year)

    assert refused.value.missing == [
        "Thiếu Biên bản hội nghị tổng kết (chưa ban hành).",
        "Thiếu Báo cáo tổng kết năm (chưa ban hành).",
        f"Thiếu báo cáo thành tích của {gone.agency.name} "
        f"(đề nghị {gone.nomination_list.award_type.name}).",
    ]
    assert not DossierEvent.objects.exists()


def test_a_list_that_breaks_its_quota_is_not_sent(year):
    issue_all(year)
    rule = year.rule(catalogue.PROVINCE_MERIT)
    rule.max_count, rule.max_share = 1, None
    rule.save()

    with pytest.raises(Refused) as refused:
        submit(year)

    assert len(refused.value.missing) == 1
    assert refused.value.missing[0].startswith("Danh sách đề nghị khen thưởng sai quy định:")


def test_a_draft_document_does_not_count_and_a_replaced_one_gives_way(year):
    issue_all(year, skip=("annual_report",))
    Document.objects.create(
        term=year.term,
        kind="annual_report",
        type_code="BC",
        title="Dự thảo",
        provisional=True,
        status=Document.Status.READY,
        sha256="0" * 64,
    )
    assert "Thiếu Báo cáo tổng kết năm (chưa ban hành)." in parts.assemble(year.term).missing
    first = issue(year.term, "annual_report")
    second = issue(year.term, "annual_report")
    first.replaced_by = second
    first.save()
    assembly = parts.assemble(year.term)
    assert assembly.complete
    assert next(p for p in assembly.documents if p.kind == "annual_report").document == second


def test_the_board_cannot_send_and_the_bloc_cannot_accept(year):
    issue_all(year)
    with pytest.raises(Refused) as refused:
        services.move(term=year.term, action="submit", actor="board", by=year.board)
    assert refused.value.code == "wrong_actor"
    submit(year)
    with pytest.raises(Refused) as refused:
        services.move(term=year.term, action="accept", actor="bloc", by=year.secretariat)
    assert refused.value.code == "wrong_actor"


def test_a_return_needs_a_reason_and_records_who_and_why(year):
    issue_all(year)
    submit(year)
    with pytest.raises(Refused) as refused:
        services.move(term=year.term, action="return", actor="board", by=year.board, reason="  ")
    assert refused.value.code == "reason_required"

    services.move(
        term=year.term, action="return", actor="board", by=year.board, reason="Sai số liệu."
    )

    event = DossierEvent.objects.get(action="return")
    assert (event.from_state, event.to_state, event.actor, event.reason, event.version) == (
        "submitted",
        "returned",
        year.board,
        "Sai số liệu.",
        1,
    )


def test_the_bloc_withdraws_before_acceptance_only_and_may_reopen(year):
    issue_all(year)
    submit(year)
    services.move(
        term=year.term, action="withdraw", actor="bloc", by=year.secretariat, reason="Bổ sung."
    )
    assert Dossier.objects.get(term=year.term).state == "withdrawn"
    # The board hears of it.
    assert Notification.objects.filter(user=year.board, kind=notices.DOSSIER_WITHDRAWN).exists()
    services.move(term=year.term, action="reopen", actor="bloc", by=year.secretariat)
    submit(year)
    services.move(term=year.term, action="accept", actor="board", by=year.board)
    with pytest.raises(Refused) as refused:
        services.move(
            term=year.term, action="withdraw", actor="bloc", by=year.secretariat, reason="x"
        )
    assert refused.value.code == "wrong_state"


def test_the_board_hears_of_a_submission(year):
    issue_all(year)
    submit(year)
    note = Notification.objects.get(user=year.board, kind=notices.DOSSIER_SUBMITTED)
    assert year.term.bloc.name in note.subject


def _decide(w, granted):
    issue_all(w)
    submit(w)
    services.move(term=w.term, action="accept", actor="board", by=w.board)
    return services.record_decision(
        term=w.term,
        actor="board",
        by=w.board,
        number="12/QĐ-UBND",
        signed_on=DAY,
        signer_name="Người Ký",
        signer_title="Chủ tịch",
        granted_ids=granted,
    )


def test_a_decision_cannot_grant_what_was_not_proposed(year, world):  # noqa: F811
    from awards.models import Nomination

    other = Nomination.objects.exclude(pk__in=[n.pk for n in year.nominees]).first()
    issue_all(year)
    submit(year)
    services.move(term=year.term, action="accept", actor="board", by=year.board)
    with pytest.raises(Refused) as refused:
        services.record_decision(
            term=year.term,
            actor="board",
            by=year.board,
            number="1",
            signed_on=DAY,
            signer_name="A",
            signer_title="B",
            granted_ids=[year.nominees[0].pk, 999_999],
        )
    assert refused.value.code == "not_proposed"
    assert other is None or not GrantedAward.objects.exists()


def test_a_revocation_keeps_the_award_with_its_reason(year):
    _decide(year, [n.pk for n in year.nominees])
    grant = GrantedAward.objects.get(nomination=year.nominees[0])

    with pytest.raises(Refused):
        services.revoke_award(
            term=year.term,
            grant_id=grant.pk,
            actor="board",
            by=year.board,
            number="5/QĐ",
            revoked_on=DAY,
            reason="",
        )
    services.revoke_award(
        term=year.term,
        grant_id=grant.pk,
        actor="board",
        by=year.board,
        number="5/QĐ-UBND",
        revoked_on=DAY,
        reason="Kê khai không trung thực thành tích.",
    )

    grant.refresh_from_db()
    assert grant.granted and grant.is_revoked and not grant.in_force
    assert grant.revocation_reason == "Kê khai không trung thực thành tích."
    assert GrantedAward.objects.count() == len(year.nominees)
    assert grant.history.count() == 2
    with pytest.raises(Refused) as refused:
        services.revoke_award(
            term=year.term,
            grant_id=grant.pk,
            actor="board",
            by=year.board,
            number="6",
            revoked_on=DAY,
            reason="Lần nữa",
        )
    assert refused.value.code == "already_revoked"


def test_assembling_reads_a_fixed_number_of_queries(year):
    issue_all(year)
    with CaptureQueriesContext(connection) as few:
        parts.assemble(year.term)
    for agency in year.agencies[5:8]:
        issue(year.term, "achievement_report", report_params(agency, catalogue.PROVINCE_MERIT))
    with CaptureQueriesContext(connection) as more:
        parts.assemble(year.term)
    assert len(more) == len(few)


# The page ------------------------------------------------------------------------------------


def _url(w, name, *args):
    return reverse(f"reports:{name}", args=[w.term.bloc.code, w.term.year, *args])


PERSONA_GET = {
    "anonymous": 302,
    "outsider": 404,
    "member_officer": 403,
    "member_head": 403,
    "deputy": 403,
    "secretariat": 200,
    "secretariat_officer": 200,
    "board": 200,
}


@pytest.mark.parametrize(("persona", "status"), PERSONA_GET.items())
def test_who_reads_the_dossier(client, year, persona, status):
    user = year.personas[persona]
    if user:
        client.force_login(user)
    assert client.get(_url(year, "dossier")).status_code == status
    response = client.get(_url(year, "dossier_zip"))
    assert response.status_code == status
    if response.streaming:
        # Reading the file to its end closes it (closing it by hand would end the test's
        # database connection on PostgreSQL, as a finished request does).
        b"".join(response.streaming_content)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("outsider", 404),
        ("member_head", 403),
        ("board", 403),
        ("secretariat", 302),
    ],
)
def test_who_sends_the_dossier(client, year, persona, status):
    issue_all(year)
    client.force_login(year.personas[persona])
    response = client.post(_url(year, "dossier_move"), {"action": "submit"})
    assert response.status_code == status
    assert Dossier.objects.filter(state="submitted").exists() == (status == 302)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("outsider", 404), ("member_head", 403), ("secretariat", 403), ("board", 302)],
)
def test_who_returns_the_dossier(client, year, persona, status):
    issue_all(year)
    submit(year)
    client.force_login(year.personas[persona])
    response = client.post(_url(year, "dossier_move"), {"action": "return", "reason": "Thiếu."})
    assert response.status_code == status


def test_the_page_names_what_is_missing_and_a_refused_send_keeps_the_reason_typed(client, year):
    issue_all(year, skip=("review_minutes",))
    client.force_login(year.secretariat)
    page = client.get(_url(year, "dossier")).content.decode()
    assert "Thiếu Biên bản hội nghị tổng kết (chưa ban hành)." in page

    response = client.post(
        _url(year, "dossier_move"), {"action": "submit", "reason": "Ghi chú của tôi"}
    )

    assert response.status_code == 409
    body = response.content.decode()
    assert "Hồ sơ chưa đủ để gửi Ban" in body and "Ghi chú của tôi" in body


def test_returning_without_a_reason_is_a_form_error(client, year):
    issue_all(year)
    submit(year)
    client.force_login(year.board)
    response = client.post(_url(year, "dossier_move"), {"action": "return", "reason": ""})
    assert response.status_code == 400
    assert "Cần ghi rõ lý do." in response.content.decode()
    assert Dossier.objects.get(term=year.term).state == "submitted"


def test_the_board_records_the_decision_and_a_revocation_on_the_page(client, year):
    issue_all(year)
    submit(year)
    services.move(term=year.term, action="accept", actor="board", by=year.board)
    client.force_login(year.board)
    page = client.get(_url(year, "dossier")).content.decode()
    assert 'id="decision-form"' in page

    response = client.post(
        _url(year, "dossier_decision"),
        {
            "number": "7/QĐ-UBND",
            "signed_on": "20/01/2027",
            "signer_name": "Nguyễn Văn Ký",
            "signer_title": "Chủ tịch",
            "granted": [year.nominees[0].pk, year.nominees[1].pk],
        },
    )
    assert response.status_code == 302
    grant = GrantedAward.objects.get(nomination=year.nominees[0])
    bad = client.post(
        _url(year, "dossier_revoke"),
        {"grant": grant.pk, "number": "9/QĐ", "revoked_on": "xx", "reason": "Lý do"},
    )
    assert bad.status_code == 400
    assert "9/QĐ" in bad.content.decode()
    ok = client.post(
        _url(year, "dossier_revoke"),
        {"grant": grant.pk, "number": "9/QĐ", "revoked_on": "01/03/2027", "reason": "Vi phạm."},
    )
    assert ok.status_code == 302
    page = client.get(_url(year, "dossier")).content.decode()
    assert "Đã thu hồi" in page and "Vi phạm." in page and "Không được khen thưởng" in page


def test_attachments_are_added_taken_off_and_kept_in_the_version_that_sent_them(
    client, year, tmp_path
):
    issue_all(year)
    client.force_login(year.secretariat)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    upload = io.BytesIO(pdf)
    upload.name = "anh-chup-bang-khen.pdf"
    response = client.post(
        _url(year, "dossier_attachment_add"), {"title": "Ảnh chụp bằng khen", "file": upload}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    attachment = Dossier.objects.get(term=year.term).attachments.get()
    submit(year)

    zipped = client.get(_url(year, "dossier_zip") + "?version=1")
    content = b"".join(zipped.streaming_content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        index = archive.read("index.html").decode()
    assert "tai-lieu-kem/01-anh-chup-bang-khen.pdf" in names
    assert len([n for n in names if n.endswith(".pdf")]) == 9
    assert "lần gửi 1" in index and "Ảnh chụp bằng khen" in index

    # A sent dossier is not edited; after a return the file can be taken off and stays in v1.
    refused = client.post(_url(year, "dossier_attachment_withdraw", attachment.pk))
    assert refused.status_code == 409
    services.move(term=year.term, action="return", actor="board", by=year.board, reason="Bỏ ảnh.")
    assert client.post(_url(year, "dossier_attachment_withdraw", attachment.pk)).status_code == 302
    download = client.get(_url(year, "dossier_attachment", attachment.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content) == pdf
    assert parts.assemble(year.term, Dossier.objects.get(term=year.term)).attachments == []


def _to_state(w, state):
    """The year's dossier brought to ``state``; returned, accepted and decided after a first
    return, so that there are two versions."""
    issue_all(w)
    if state == "draft":
        services.dossier_for(w.term)
        return
    submit(w)
    if state == "submitted":
        return
    services.move(term=w.term, action="return", actor="board", by=w.board, reason="Bổ sung.")
    if state == "returned":
        return
    submit(w)
    services.move(term=w.term, action="accept", actor="board", by=w.board)
    if state == "accepted":
        return
    services.record_decision(
        term=w.term,
        actor="board",
        by=w.board,
        number="12/QĐ-UBND",
        signed_on=DAY,
        signer_name="Người Ký",
        signer_title="Chủ tịch",
        granted_ids=[n.pk for n in w.nominees[:2]],
    )
    grant = GrantedAward.objects.filter(granted=True).first()
    services.revoke_award(
        term=w.term,
        grant_id=grant.pk,
        actor="board",
        by=w.board,
        number="5/QĐ-UBND",
        revoked_on=DAY,
        reason="Kê khai không trung thực.",
    )


def _grow(w):
    """More of everything the page lists: nominees with their reports (over the quota, so with
    problems), documents, attachments, versions, events and answers of the decision."""
    dossier = services.dossier_for(w.term)
    merit = w.nominees[-1].nomination_list
    extra = [
        merit.nominations.create(agency=agency, position=20 + i)
        for i, agency in enumerate(w.agencies[2:6])
    ]
    for n in extra:
        issue(w.term, "achievement_report", report_params(n.agency, merit.award_type.code))
    for kind in parts.DOCUMENT_KINDS:
        issue(w.term, kind)
    for i in range(3):
        dossier.attachments.create(
            title=f"Tệp {i}",
            original_name=f"{i}.pdf",
            sha256="0" * 64,
            size=1,
            content_type="application/pdf",
            uploaded_by=w.secretariat,
            file=ContentFile(b"%PDF-1.4", name=f"{i}.pdf"),
        )
    sent = parts.snapshot(parts.assemble(w.term, dossier))
    for number in (90, 91, 92):
        dossier.versions.create(
            number=number, submitted_at=timezone.now(), submitted_by=w.secretariat, parts=sent
        )
        dossier.events.create(
            action="submit",
            from_state="draft",
            to_state="submitted",
            version=number,
            reason="Lần gửi thêm.",
            actor=w.secretariat,
        )
    decision = getattr(dossier, "decision", None)
    for n in extra if decision is not None else ():
        GrantedAward.objects.create(
            decision=decision,
            nomination=n,
            agency=n.agency,
            award_type=merit.award_type,
            granted=True,
        )


@pytest.mark.parametrize("state", ["draft", "submitted", "returned", "accepted", "decided"])
@pytest.mark.parametrize("persona", ["secretariat", "board"])
def test_the_dossier_page_reads_a_fixed_number_of_queries(
    client, year, django_assert_max_num_queries, state, persona
):
    _to_state(year, state)
    assert Dossier.objects.filter(term=year.term).first().state == state
    client.force_login(year.personas[persona])
    # Every award's list is checked against the year's facts read once for all lists; the
    # decision form and the answers reuse the nominations the parts read.
    with django_assert_max_num_queries(15) as small:
        page = client.get(_url(year, "dossier"))
    assert page.status_code == 200
    _grow(year)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(_url(year, "dossier"))
    assert page.status_code == 200
    html = page.content.decode()
    nominees = len(year.nominees) + 4
    assert html.count('data-kind="achievement_report"') == nominees
    sent = {"draft": 0, "submitted": 1, "returned": 1}.get(state, 2)
    assert html.count("data-version=") == sent + 3
    if state == "accepted" and persona == "board":
        # The latest version sent every nominee: the decision answers each.
        assert html.count('name="granted"') == nominees
    if state == "decided":
        assert html.count("data-grant=") == nominees
        assert html.count('data-revoked="1"') == 1


def _all_urls(w):
    """Every dossier URL with its method and the status for the secretariat and the board."""
    from reports.dossiers import services as s

    issue_all(w)
    submit(w)
    dossier = s.dossier_of(w.term)
    attachment = dossier.attachments.create(
        title="Tệp",
        original_name="a.pdf",
        sha256="0" * 64,
        size=1,
        content_type="application/pdf",
        uploaded_by=w.secretariat,
        file=ContentFile(b"%PDF-1.4", name="a.pdf"),
    )
    # name: (method, url args, status for the secretariat, status for the board)
    return {
        "dossier": ("get", (), 200, 200),
        "dossier_zip": ("get", (), 200, 200),
        "dossier_attachment": ("get", (attachment.pk,), 200, 200),
        "dossier_move": ("post", (), 409, 403),
        "dossier_attachment_add": ("post", (), 400, 403),
        "dossier_attachment_withdraw": ("post", (attachment.pk,), 409, 403),
        "dossier_decision": ("post", (), 403, 400),
        "dossier_revoke": ("post", (), 403, 400),
    }


@pytest.mark.parametrize(
    "persona", ["anonymous", "outsider", "member_head", "member_officer", "secretariat", "board"]
)
def test_every_dossier_url_answers_each_persona(client, year, persona):
    from tests.urlnames import url_names_of

    urls = _all_urls(year)
    assert {f"reports:{name}" for name in urls} == url_names_of("reports.dossiers.views")
    user = year.personas[persona]
    if user:
        client.force_login(user)
    for name, (method, args, secretariat, board) in urls.items():
        response = getattr(client, method)(
            _url(year, name, *args), {"action": "submit"} if method == "post" else None
        )
        expected = {
            "anonymous": 302,
            "outsider": 404,
            "member_head": 403,
            "member_officer": 403,
            "secretariat": secretariat,
            "board": board,
        }[persona]
        assert response.status_code == expected, (name, persona)
        if response.streaming:
            b"".join(response.streaming_content)


def test_a_sent_dossier_freezes_its_nomination_lists_until_returned(year):
    from django.core.exceptions import ValidationError

    from awards.services import nominations

    issue_all(year)
    submit(year)
    merit = year.award(catalogue.PROVINCE_MERIT)
    with pytest.raises(ValidationError) as refused:
        nominations.reopen_nominations(term=year.term, award_type=merit, by=year.secretariat)
    assert "Hồ sơ khen thưởng đã gửi Ban" in refused.value.messages[0]
    services.move(term=year.term, action="return", actor="board", by=year.board, reason="Sửa.")
    nominations.reopen_nominations(term=year.term, award_type=merit, by=year.secretariat)


@pytest.mark.parametrize("odd", ["²", "0x1", "-1", "1" * 40, "١"])
def test_an_odd_version_number_is_not_found(client, year, odd):
    issue_all(year)
    submit(year)
    client.force_login(year.secretariat)
    response = client.get(_url(year, "dossier_zip"), {"version": odd})
    assert response.status_code == 404


def test_a_revocation_cannot_come_before_its_decision(year):
    _decide(year, [n.pk for n in year.nominees])
    grant = GrantedAward.objects.get(nomination=year.nominees[0])
    with pytest.raises(Refused) as refused:
        services.revoke_award(
            term=year.term,
            grant_id=grant.pk,
            actor="board",
            by=year.board,
            number="1/QĐ",
            revoked_on=DAY - datetime.timedelta(days=1),
            reason="Sai.",
        )
    assert refused.value.code == "before_decision"
    assert "20/01/2027" in refused.value.message
