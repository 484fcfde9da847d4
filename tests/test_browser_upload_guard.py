"""A form whose files exceed what the server reads says so before sending, and keeps its input."""

import pytest

from reports import services
from reports.models import Document
from tests.browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_files_larger_than_a_request_are_refused_in_the_page_before_sending(page, term, settings):
    document = services.request_document(term=term, kind="member_list").document
    services.render_document(document.pk)
    document = Document.objects.get(pk=document.pk)
    settings.UPLOAD_REQUEST_MAX_BYTES = 1000
    requests = []
    page.on("request", lambda r: requests.append(r.method) if r.method == "POST" else None)
    page.goto(page.base_url + document.get_verify_url())
    assert_accessible(page)
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "ban-sao.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-" * 400}],
    )
    page.get_by_role("button", name="Đối chiếu", exact=True).click()
    alert = page.locator(".js-too-large")
    alert.wait_for()
    assert "mức tối đa của một lần gửi" in alert.inner_text()
    assert_accessible(page)
    assert requests == []
    # The chosen file is still there: nothing was sent, nothing was lost.
    assert page.eval_on_selector("input[type=file]", "el => el.files.length") == 1
