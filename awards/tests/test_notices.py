"""Awards notifications are written in the reader's language when they are read."""

import pytest
from django.utils import translation

from awards import notices
from blocs.models import Notification

pytestmark = pytest.mark.django_db


def read(kind, params, language):
    note = Notification(kind=kind, params=params)
    with translation.override(language):
        return note.subject, note.body


def test_an_appeals_answer_is_written_in_the_readers_language():
    params = {
        "bloc": "Khối A",
        "year": 2026,
        "period_kind": "annual",
        "agency": "Sở X",
        "number": 2,
        "status": "upheld",
        "answer": "Đúng hạn.",
    }
    vi_subject, _body = read(notices.APPEAL_ANSWERED, params, "vi")
    en_subject, en_body = read(notices.APPEAL_ANSWERED, params, "en")
    assert vi_subject == "Kiến nghị số 2: Chấp nhận"
    assert en_subject == "Appeal no. 2: Accept"
    assert "Year-end review" in en_body


def test_a_round_that_elected_nobody_says_so_in_the_readers_language():
    params = {
        "bloc": "Khối A",
        "year": 2026,
        "period_kind": "annual",
        "award": "Bằng khen",
        "round": 1,
        "elected": "",
    }
    assert read(notices.BALLOT_RESULTS, params, "vi")[1].endswith("Trúng cử: không có.")
    assert "không có" not in read(notices.BALLOT_RESULTS, params, "en")[1]
