"""One agency, one row: names are compared in one normal form, whatever the keyboard produced.

The same Vietnamese name can arrive precomposed (NFC, Windows keyboards) or decomposed (NFD,
macOS and some copy-pastes), in other capitals or spacing, with the tone mark placed the old way
or the new (uỷ/ủy): all are one agency. Different letters or tones are different agencies.
"""

import unicodedata

import pytest
from django.urls import reverse

from blocs import imports
from blocs.models import Agency, Membership
from blocs.tests.helpers import xlsx_upload
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

NAME = "Ban Tuyên giáo Tỉnh ủy"
NFD = unicodedata.normalize("NFD", NAME)


def _check(rows, *, existing=None):
    return imports.check_rows(
        list(enumerate(rows, start=2)), year=2026, existing=existing or {}, member_ids=set()
    )


def test_the_two_spellings_differ_as_strings():
    assert NFD != NAME and len(NFD) > len(NAME)


def test_one_agency_in_nfc_and_nfd_under_two_abbreviations_is_refused():
    result = _check([(1, NAME, "BTG", "Đảng", "", ""), (2, NFD, "BTGTU", "Đảng", "", "")])
    assert result.errors == [(3, f"đơn vị “{NAME}” trùng với dòng 2 trong tệp.")]


def test_the_upload_of_one_agency_twice_creates_nothing(client, bloc_world):
    client.force_login(bloc_world.secretariat)
    agencies = Agency.objects.count()
    rows = [(1, NAME, "BTG", "Đảng", "", ""), (2, NFD, "BTGTU", "Đảng", "", "")]
    url = reverse("blocs:member_import", args=[bloc_world.bloc.code, bloc_world.term.year])
    response = client.post(url, {"file": xlsx_upload(rows)})
    assert response.status_code == 200
    assert response.context["errors"] == [f"Dòng 3: đơn vị “{NAME}” trùng với dòng 2 trong tệp."]
    assert Agency.objects.count() == agencies
    assert Membership.objects.filter(term=bloc_world.term).count() == 6


@pytest.mark.parametrize(
    "spelling",
    [NFD, "ban tuyên giáo tỉnh ủy", "  Ban  Tuyên giáo\u00a0Tỉnh ủy ", "Ban Tuyên giáo Tỉnh uỷ"],
    ids=["nfd", "lower-case", "spaces", "old-tone-placement"],
)
def test_spellings_of_one_name_share_one_key(spelling):
    assert imports.agency_name_key(spelling) == imports.agency_name_key(NAME)


@pytest.mark.parametrize(
    "other", ["Ban Tuyên giáo Tỉnh uỳ", "Ban Tuyen giao Tinh uy", "Ban Tuyên giáo Thành ủy"]
)
def test_other_letters_or_tones_are_other_names(other):
    assert imports.agency_name_key(other) != imports.agency_name_key(NAME)


def test_an_existing_agency_is_recognised_in_another_spelling(bloc_world):
    agency = AgencyFactory(council=bloc_world.council, name=NAME, abbreviation="BTG")
    result = _check(
        [(1, NFD, "BTG", "Đảng", "", ""), (2, "ban tuyên giáo tỉnh uỷ", "XYZ", "Đảng", "", "")],
        existing={"BTG": (agency.pk, agency.name)},
    )
    assert result.rows[0].agency_id == agency.pk
    assert result.errors == [
        (3, "đơn vị “ban tuyên giáo tỉnh uỷ” trùng với dòng 2 trong tệp."),
        (
            3,
            "đơn vị “ban tuyên giáo tỉnh uỷ” đã có trong hệ thống với tên viết tắt BTG; "
            "hãy dùng tên viết tắt đó.",
        ),
    ]


def test_a_name_that_differs_by_a_tone_is_not_the_existing_agency():
    result = _check(
        [(1, "Ban Dẫn vận", "BDV", "Đảng", "", "")], existing={"BDV": (7, "Ban Dân vận")}
    )
    assert result.errors == [(2, "tên viết tắt BDV đang được dùng cho đơn vị khác: “Ban Dân vận”.")]
