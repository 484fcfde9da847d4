import unicodedata

import pytest

from campaigns.pledge_hash import canonical_pledge, pledge_hash
from campaigns.tests.test_pledge_support import make_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_pledge(bloc_world):
    return make_open(bloc_world)


BASE = {
    "bloc_code": "khoi-dang",
    "year": 2026,
    "version": 1,
    "title": "Giao ước thi đua năm 2026",
    "slogan": "Đoàn kết, sáng tạo",
    "legal_bases": ["Căn cứ Luật Thi đua, khen thưởng năm 2022;"],
    "commitments": ["Hoàn thành xuất sắc nhiệm vụ.", "Đẩy mạnh chuyển đổi số."],
    "members": [
        {"id": 1, "name": "Văn phòng Tỉnh ủy", "abbreviation": "VPTU"},
        {"id": 2, "name": "Ban Nội chính Tỉnh ủy", "abbreviation": "BNCTU"},
    ],
}


def test_same_content_gives_the_same_hash():
    assert pledge_hash(**BASE) == pledge_hash(**dict(BASE))
    assert len(pledge_hash(**BASE)) == 64


def test_decomposed_unicode_and_windows_line_endings_do_not_change_the_hash():
    decomposed = {
        **BASE,
        "title": unicodedata.normalize("NFD", BASE["title"]),
        "commitments": [c + "\r\n" for c in BASE["commitments"]],
        "members": [
            {**m, "name": unicodedata.normalize("NFD", m["name"])} for m in BASE["members"]
        ],
    }
    assert decomposed["title"] != BASE["title"]
    assert pledge_hash(**decomposed) == pledge_hash(**BASE)


def test_serialisation_is_sorted_key_json_in_utf8():
    raw = canonical_pledge(**BASE).decode("utf-8")
    assert raw.startswith('{"bloc":"khoi-dang","commitments":[')
    assert "Giao ước thi đua năm 2026" in raw


@pytest.mark.parametrize(
    "field, value",
    [
        ("bloc_code", "khoi-tong-hop"),
        ("year", 2027),
        ("version", 2),
        ("title", "Giao ước thi đua năm 2027"),
        ("slogan", "Đoàn kết"),
        ("legal_bases", ["Căn cứ Luật Thi đua, khen thưởng năm 2003;"]),
        ("commitments", ["Hoàn thành xuất sắc nhiệm vụ."]),
        ("commitments", ["Đẩy mạnh chuyển đổi số.", "Hoàn thành xuất sắc nhiệm vụ."]),
        ("commitments", ["Hoàn thành xuất sắc nhiệm vu.", "Đẩy mạnh chuyển đổi số."]),
        ("members", [{"id": 1, "name": "Văn phòng Tỉnh ủy", "abbreviation": "VPTU"}]),
        (
            "members",
            [
                {"id": 2, "name": "Ban Nội chính Tỉnh ủy", "abbreviation": "BNCTU"},
                {"id": 1, "name": "Văn phòng Tỉnh ủy", "abbreviation": "VPTU"},
            ],
        ),
    ],
)
def test_any_change_to_a_signed_field_changes_the_hash(field, value):
    assert pledge_hash(**{**BASE, field: value}) != pledge_hash(**BASE)


def test_model_hash_matches_the_pure_function(open_pledge):
    fields = open_pledge.hash_fields()
    assert open_pledge.content_hash == pledge_hash(**fields)
    assert [c for c in fields["commitments"]][
        0
    ] == "Hoàn thành xuất sắc nhiệm vụ chính trị năm 2026."


def test_editing_a_commitment_of_an_open_pledge_is_detected(open_pledge):
    commitment = open_pledge.commitments.first()
    commitment.text += " (sửa lén)"
    commitment.save()
    open_pledge.refresh_from_db()
    assert open_pledge.compute_hash() != open_pledge.content_hash
