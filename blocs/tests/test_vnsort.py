"""Vietnamese dictionary order of agency names: a pure key, no database."""

import unicodedata

import pytest

from blocs.vnsort import vietnamese_sort_key


def vn_sorted(words):
    return sorted(words, key=vietnamese_sort_key)


def test_letters_with_marks_follow_their_base_letter():
    assert vn_sorted(["Đồng", "Dương", "Ân", "Bình", "Ăn", "An"]) == [
        "An",
        "Ăn",
        "Ân",
        "Bình",
        "Dương",
        "Đồng",
    ]


def test_vowel_shapes_order_o_then_o_circumflex_then_o_horn_then_u_then_u_horn():
    assert vn_sorted(["ư", "ơ", "u", "ô", "o", "e", "ê"]) == ["e", "ê", "o", "ô", "ơ", "u", "ư"]


def test_tones_order_ngang_huyen_hoi_nga_sac_nang():
    assert vn_sorted(["mạ", "má", "mã", "mả", "mà", "ma"]) == ["ma", "mà", "mả", "mã", "má", "mạ"]


def test_letters_decide_before_tones():
    assert vn_sorted(["mác", "mà", "mạc"]) == ["mà", "mác", "mạc"]


def test_a_name_sorts_before_its_longer_forms():
    assert vn_sorted(["Sở Nội vụ", "Sở", "Sở Nội"]) == ["Sở", "Sở Nội", "Sở Nội vụ"]


def test_agency_names_in_dictionary_order():
    names = [
        "Văn phòng Tỉnh ủy",
        "Ủy ban Kiểm tra Tỉnh ủy",
        "Ban Tuyên giáo Tỉnh ủy",
        "Báo Quảng Trị",
        "Ban Tổ chức Tỉnh ủy",
        "Đảng ủy các cơ quan Đảng tỉnh",
        "Ban Dân vận Tỉnh ủy",
    ]
    assert vn_sorted(names) == [
        "Ban Dân vận Tỉnh ủy",
        "Ban Tổ chức Tỉnh ủy",
        "Ban Tuyên giáo Tỉnh ủy",
        "Báo Quảng Trị",
        "Đảng ủy các cơ quan Đảng tỉnh",
        "Ủy ban Kiểm tra Tỉnh ủy",
        "Văn phòng Tỉnh ủy",
    ]


@pytest.mark.parametrize("text", ["Đồng Hới", "Quảng Trị", "Trường Chính trị Lê Duẩn"])
def test_key_ignores_case_spacing_and_unicode_form(text):
    key = vietnamese_sort_key(text)
    assert vietnamese_sort_key(text.upper()) == key
    assert vietnamese_sort_key("  " + text.replace(" ", "   ") + " ") == key
    assert vietnamese_sort_key(unicodedata.normalize("NFD", text)) == key


def test_key_is_digits_only_so_any_collation_keeps_the_order():
    assert vietnamese_sort_key("Sở Tài chính (cũ) – 2025").isdigit()
