import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.models import Campaign, Pledge, PledgeSignature, TitleRegistration
from campaigns.services import pledges as services
from campaigns.tests.test_pledge_support import make_campaign, make_draft, make_open
from tests.factories import PASSWORD, PERSONAS
from tests.urlnames import url_names_of

pytestmark = pytest.mark.django_db

READERS = {"board", "secretariat", "secretariat_officer", "deputy", "member_head"}
READERS |= {"member_officer", "last_year_leader"}
MANAGERS = {"secretariat", "secretariat_officer"}
# Heads of current member agencies B, C, D and A.
SIGNERS = {"secretariat", "deputy", "member_head", "last_year_leader"}
# Users of a current member agency register titles for it; the secretariat for anyone.
REGISTRANTS = READERS - {"board"}
# The registration in the matrix is agency D's.
WITHDRAWERS = {"secretariat", "secretariat_officer", "member_head", "member_officer"}


@pytest.fixture
def world(bloc_world):
    """The bloc world with a campaign, an open pledge and one title registration of D."""
    bloc_world.campaign = make_campaign(bloc_world)
    bloc_world.pledge = make_open(bloc_world)
    bloc_world.registration = services.register_title(
        term=bloc_world.term, agency_id=bloc_world.d.pk, title="province_merit", by=None
    )
    return bloc_world


def _views(w):
    code, year = w.bloc.code, w.term.year
    campaign = w.campaign.pk
    attachment = w.campaign.attachments.first().pk
    # name, args, method, data, allowed personas, their status, a method the view refuses
    return (
        [
            ("campaign_list", [], "get", None, READERS, 200, "post"),
            ("campaign_create", [], "get", None, MANAGERS, 200, "put"),
            (
                "campaign_create",
                [],
                "post",
                {
                    "kind": "thematic",
                    "title": "Thi đua chuyên đề",
                    "starts_on": "01/03/2026",
                    "ends_on": "30/06/2026",
                },
                MANAGERS,
                302,
                "patch",
            ),
            ("campaign_detail", [campaign], "get", None, READERS, 200, "post"),
            ("campaign_edit", [campaign], "get", None, MANAGERS, 200, "delete"),
            ("campaign_attachment", [campaign, attachment], "get", None, READERS, 200, "post"),
            ("pledge_detail", [], "get", None, READERS, 200, "post"),
            # The pledge is open, so its editor sends the secretariat back to it.
            ("pledge_edit", [], "get", None, MANAGERS, 302, "put"),
            ("pledge_copy", [], "post", {}, MANAGERS, 302, "get"),
            ("pledge_open", [], "post", {}, MANAGERS, 302, "get"),
            ("pledge_revise", [], "post", {"reason": "Sửa nội dung"}, MANAGERS, 302, "get"),
            ("pledge_remind", [], "post", {}, MANAGERS, 302, "get"),
            ("pledge_sign", [], "get", None, SIGNERS, 200, "put"),
            (
                "title_register",
                [],
                "post",
                {"agency": "0", "title": "province_flag"},
                REGISTRANTS,
                302,
                "get",
            ),
            ("title_withdraw", [w.registration.pk], "post", {}, WITHDRAWERS, 302, "get"),
        ],
        code,
        year,
    )


VIEW_COUNT = 15


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("index", range(VIEW_COUNT))
def test_access_matrix(client, world, persona, index):
    views, code, year = _views(world)
    assert len(views) == VIEW_COUNT
    name, extra, method, data, allowed, status, _wrong = views[index]
    user = world.personas[persona]
    if user is not None:
        client.force_login(user)
    url = reverse(f"campaigns:{name}", args=[code, year, *extra])
    response = getattr(client, method)(url, data) if data is not None else client.get(url)
    response.close()  # a download streams an open file
    if persona == "anonymous":
        assert response.status_code == 302
        assert reverse("login") in response["Location"]
    elif persona == "outsider":
        assert response.status_code == 404
    elif persona in allowed:
        assert response.status_code == status, (name, persona, response.status_code)
    else:
        assert response.status_code == 403, (name, persona, response.status_code)


@pytest.mark.parametrize("index", range(VIEW_COUNT))
def test_wrong_method_is_refused(client, world, index):
    views, code, year = _views(world)
    name, extra, _method, _data, _allowed, _status, wrong = views[index]
    client.force_login(world.secretariat)
    url = reverse(f"campaigns:{name}", args=[code, year, *extra])
    assert getattr(client, wrong)(url).status_code == 405


def test_matrix_covers_every_pledge_view(world):
    views, _code, _year = _views(world)
    names = {f"campaigns:{name}" for name, *_rest in views}
    assert names == url_names_of("campaigns.views.pledges", "campaigns.views.campaigns")


def _url(w, name, *extra):
    return reverse(f"campaigns:{name}", args=[w.bloc.code, w.term.year, *extra])


def test_term_nav_has_the_campaigns_tab(client, bloc_world):
    client.force_login(bloc_world.member_officer)
    response = client.get(reverse("blocs:term_detail", args=[bloc_world.bloc.code, 2026]))
    assert "Phong trào & giao ước" in response.content.decode()
    assert _url(bloc_world, "campaign_list") in response.content.decode()


def test_secretariat_launches_a_campaign_with_an_attachment(client, bloc_world):
    client.force_login(bloc_world.secretariat)
    response = client.post(
        _url(bloc_world, "campaign_create"),
        {
            "kind": "annual",
            "title": "Phát động thi đua năm 2026",
            "starts_on": "20/02/2026",
            "ends_on": "15/12/2026",
            "content": "Nội dung",
            "attachment": SimpleUploadedFile("kh.pdf", b"%PDF-1.4 kh", "application/pdf"),
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == campaign.get_absolute_url()
    attachment = campaign.attachments.get()
    assert len(attachment.sha256) == 64 and attachment.original_name == "kh.pdf"
    listing = client.get(_url(bloc_world, "campaign_list")).content.decode()
    assert "Phát động thi đua năm 2026" in listing and "20/02/2026" in listing


def test_campaign_form_names_the_bad_field_and_keeps_the_input(client, bloc_world):
    client.force_login(bloc_world.secretariat)
    response = client.post(
        _url(bloc_world, "campaign_create"),
        {
            "kind": "annual",
            "title": "Giữ lại tiêu đề",
            "starts_on": "31/12/2026",
            "ends_on": "01/01/2026",
        },
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Ngày kết thúc phải sau ngày bắt đầu." in content
    assert "Giữ lại tiêu đề" in content
    assert not Campaign.objects.exists()


def test_secretariat_edits_a_campaign(client, bloc_world):
    campaign = make_campaign(bloc_world)
    client.force_login(bloc_world.secretariat_officer)
    response = client.post(
        _url(bloc_world, "campaign_edit", campaign.pk),
        {
            "kind": "thematic",
            "title": "Tên mới",
            "starts_on": "01/03/2026",
            "ends_on": "01/04/2026",
        },
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.title == "Tên mới" and campaign.kind == "thematic"


def test_secretariat_drafts_then_opens_the_pledge(
    client, bloc_world, django_capture_on_commit_callbacks
):
    client.force_login(bloc_world.secretariat)
    response = client.post(
        _url(bloc_world, "pledge_edit"),
        {
            "title": "Giao ước thi đua năm 2026",
            "slogan": "Đoàn kết",
            "legal_bases": "Căn cứ Luật Thi đua, khen thưởng;",
            "commitments": "Cam kết một\n\nCam kết hai\n",
        },
    )
    assert response.status_code == 302
    pledge = Pledge.objects.get()
    assert [c.text for c in pledge.commitments.all()] == ["Cam kết một", "Cam kết hai"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(bloc_world, "pledge_open"))
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == "open" and len(pledge.content_hash) == 64
    # One invitation per member head (A, B, C and D have heads; E and F have none).
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        u.email
        for u in (
            bloc_world.last_year_leader,
            bloc_world.secretariat,
            bloc_world.deputy,
            bloc_world.member_head,
        )
    )
    page = client.get(_url(bloc_world, "pledge_detail")).content.decode()
    assert pledge.content_hash in page and "Chưa ký" in page


def test_pledge_form_requires_a_commitment(client, bloc_world):
    client.force_login(bloc_world.secretariat)
    response = client.post(
        _url(bloc_world, "pledge_edit"), {"title": "Giao ước", "commitments": "  \n "}
    )
    assert response.status_code == 200
    assert "Giao ước cần ít nhất một nội dung cam kết." in response.content.decode()


def test_open_pledge_cannot_be_edited_through_the_form(client, bloc_world):
    make_open(bloc_world)
    client.force_login(bloc_world.secretariat)
    response = client.get(_url(bloc_world, "pledge_edit"), follow=True)
    assert "không thể sửa" in response.content.decode()


def _sign_data(pledge, agency, **overrides):
    return {
        "agency": str(agency.pk),
        "content_hash": pledge.content_hash,
        "password": PASSWORD,
        "confirm": "on",
        **overrides,
    }


def test_member_head_signs_through_the_page(client, bloc_world):
    pledge = make_open(bloc_world)
    client.force_login(bloc_world.member_head)
    page = client.get(_url(bloc_world, "pledge_sign")).content.decode()
    assert pledge.content_hash in page and "Hoàn thành xuất sắc nhiệm vụ chính trị" in page
    response = client.post(
        _url(bloc_world, "pledge_sign"),
        _sign_data(pledge, bloc_world.d),
        HTTP_USER_AGENT="Trình duyệt thử",
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302
    signature = PledgeSignature.objects.get()
    assert signature.agency == bloc_world.d and signature.user == bloc_world.member_head
    assert signature.ip_address == "10.1.2.3" and signature.user_agent == "Trình duyệt thử"


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"password": "sai"}, "Mật khẩu không đúng"),
        ({"content_hash": "f" * 64}, "mã băm không khớp"),
        ({"confirm": ""}, "Hãy đánh dấu xác nhận"),
        ({"password": ""}, "Hãy nhập mật khẩu"),
    ],
)
def test_signing_page_refuses_with_a_clear_message(client, bloc_world, overrides, message):
    pledge = make_open(bloc_world)
    client.force_login(bloc_world.member_head)
    response = client.post(
        _url(bloc_world, "pledge_sign"), _sign_data(pledge, bloc_world.d, **overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PledgeSignature.objects.exists()


def test_signing_page_refuses_another_agency(client, bloc_world):
    pledge = make_open(bloc_world)
    client.force_login(bloc_world.member_head)
    response = client.post(_url(bloc_world, "pledge_sign"), _sign_data(pledge, bloc_world.c))
    assert "Bạn chỉ được ký cho đơn vị mà bạn là thủ trưởng" in response.content.decode()
    assert not PledgeSignature.objects.exists()


def test_signing_page_refuses_a_second_signature(client, bloc_world):
    pledge = make_open(bloc_world)
    client.force_login(bloc_world.member_head)
    client.post(_url(bloc_world, "pledge_sign"), _sign_data(pledge, bloc_world.d))
    response = client.post(_url(bloc_world, "pledge_sign"), _sign_data(pledge, bloc_world.d))
    assert "Đơn vị đã ký phiên bản giao ước này." in response.content.decode()
    assert PledgeSignature.objects.count() == 1


def test_signing_a_draft_sends_the_head_back_with_a_message(client, bloc_world):
    make_draft(bloc_world)
    client.force_login(bloc_world.member_head)
    response = client.get(_url(bloc_world, "pledge_sign"), follow=True)
    assert "Giao ước hiện không mở để ký." in response.content.decode()


def test_revise_then_old_signatures_show_as_the_old_version(
    client, bloc_world, django_capture_on_commit_callbacks
):
    pledge = make_open(bloc_world)
    client.force_login(bloc_world.member_head)
    client.post(_url(bloc_world, "pledge_sign"), _sign_data(pledge, bloc_world.d))
    client.force_login(bloc_world.secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(bloc_world, "pledge_revise"), {"reason": "Sửa khẩu hiệu"})
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == "void"
    assert any("Thu hồi" in m.subject for m in mail.outbox)
    old = client.get(_url(bloc_world, "pledge_detail") + "?version=1").content.decode()
    assert "đã bị thu hồi" in old and "Thủ trưởng D" in old and "phiên bản 1" in old
    current = client.get(_url(bloc_world, "pledge_detail")).content.decode()
    assert "phiên bản 2" in current and "Dự thảo" in current


def test_revise_requires_a_reason(client, bloc_world):
    make_open(bloc_world)
    client.force_login(bloc_world.secretariat)
    response = client.post(_url(bloc_world, "pledge_revise"), {"reason": ""}, follow=True)
    assert "Hãy nêu lý do thu hồi giao ước." in response.content.decode()
    assert Pledge.objects.get().status == "open"


def test_member_officer_registers_a_title_for_own_agency_only(client, bloc_world):
    client.force_login(bloc_world.member_officer)
    response = client.post(
        _url(bloc_world, "title_register"), {"agency": bloc_world.d.pk, "title": "province_flag"}
    )
    assert response.status_code == 302
    assert TitleRegistration.objects.get().agency == bloc_world.d
    response = client.post(
        _url(bloc_world, "title_register"),
        {"agency": bloc_world.c.pk, "title": "province_flag"},
        follow=True,
    )
    assert "Bạn chỉ được đăng ký danh hiệu cho đơn vị của mình." in response.content.decode()
    assert TitleRegistration.objects.count() == 1


def test_pledge_page_runs_a_constant_number_of_queries(
    client, bloc_world, django_assert_max_num_queries
):
    pledge = make_open(bloc_world)
    services.sign_pledge(
        pledge=pledge,
        agency_id=bloc_world.d.pk,
        user=bloc_world.member_head,
        password=PASSWORD,
        shown_hash=pledge.content_hash,
    )
    client.force_login(bloc_world.secretariat)
    # The session, the user, the year with the board checks, the reader's rights, the versions,
    # the members, the signatures, the commitments, the history, the title registrations and
    # the header's unread count: the open pledge is read once and settles only when complete.
    with django_assert_max_num_queries(11):
        assert client.get(_url(bloc_world, "pledge_detail")).status_code == 200


@pytest.mark.parametrize(
    "model",
    [
        "campaign",
        "campaignattachment",
        "pledge",
        "pledgesignature",
        "pledgeevent",
        "titleregistration",
    ],
)
def test_admin_lists_and_searches_every_pledge_model(admin_client, world, model):
    url = reverse(f"admin:campaigns_{model}_changelist")
    assert admin_client.get(url, {"q": "Cơ quan"}).status_code == 200
    obj = {
        "campaign": world.campaign,
        "campaignattachment": world.campaign.attachments.first(),
        "pledge": world.pledge,
        "pledgeevent": world.pledge.events.first(),
        "titleregistration": world.registration,
    }.get(model)
    if obj is not None:
        change = reverse(f"admin:campaigns_{model}_change", args=[obj.pk])
        assert admin_client.get(change).status_code == 200


def test_user_with_tuq_authority_signs_through_the_page_with_the_prefix(client, bloc_world):
    from blocs.models import AgencyRole
    from tests.factories import UserFactory, give_role

    pledge = make_open(bloc_world)
    authorised = UserFactory(full_name="Chánh Văn phòng E", job_title="Chánh Văn phòng")
    give_role(authorised, bloc_world.agencies[4], AgencyRole.Role.OFFICER, authority="TUQ.")
    client.force_login(authorised)
    page = client.get(_url(bloc_world, "pledge_sign")).content.decode()
    assert "bạn ký với thẩm quyền TUQ." in page
    response = client.post(
        _url(bloc_world, "pledge_sign"), _sign_data(pledge, bloc_world.agencies[4])
    )
    assert response.status_code == 302
    assert PledgeSignature.objects.get().signer_label == "TUQ. Chánh Văn phòng E"
