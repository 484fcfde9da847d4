import pytest

from tests.browser import assert_accessible, login
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretariat_logs_in_and_requests_the_member_list(page, bloc_world):
    login(page, bloc_world.secretariat.username, PASSWORD)
    page.get_by_role("link", name=bloc_world.bloc.name).first.click()
    page.get_by_role("link", name="Văn bản").click()
    assert_accessible(page)
    page.get_by_label("Loại văn bản").select_option("member_list")
    page.get_by_role("button", name="Tạo văn bản").click()
    download_link = page.get_by_role("link", name="Tải xuống PDF")
    download_link.wait_for()
    assert "Sẵn sàng" in page.content()
    assert_accessible(page)
    with page.expect_download() as info:
        download_link.click()
    path = info.value.path()
    with open(path, "rb") as f:
        assert f.read(5) == b"%PDF-"
