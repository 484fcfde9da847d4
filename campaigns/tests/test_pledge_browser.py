import pytest

from campaigns.models import PledgeSignature
from campaigns.tests.test_pledge_support import make_open
from tests.browser import assert_accessible, login
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_head_signs_the_pledge_from_login_to_confirmation(page, bloc_world):
    pledge = make_open(bloc_world)
    login(page, bloc_world.member_head.username, PASSWORD)
    assert_accessible(page)
    page.get_by_role("link", name=bloc_world.bloc.name).first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Phong trào & giao ước").click()
    assert_accessible(page)
    page.get_by_role("link", name="Xem giao ước").click()
    assert_accessible(page)
    page.get_by_role("link", name="Ký giao ước").click()
    assert_accessible(page)
    assert page.locator("#pledge-hash").inner_text() == pledge.content_hash
    page.get_by_label("Mật khẩu của bạn").fill(PASSWORD)
    page.get_by_label("Tôi đã đọc toàn văn giao ước").check()
    page.get_by_role("button", name="Xác nhận ký").click()
    page.get_by_text("Đã ký giao ước thay mặt").wait_for()
    assert_accessible(page)
    assert "Thủ trưởng D" in page.locator("#signature-table").inner_text()
    signature = PledgeSignature.objects.get()
    assert signature.agency == bloc_world.d
    assert signature.content_hash == pledge.content_hash
    assert signature.user_agent and signature.ip_address == "127.0.0.1"
