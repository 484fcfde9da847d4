"""Next year's leader and deputy are recorded only with the minutes of the vote: the signed PDF,
or the number and date of the biên bản."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from blocs.models import LeadershipElection
from khoithidua.uploads import ELECTION_MINUTES_MAX_BYTES

pytestmark = pytest.mark.django_db


def _url(world, name="blocs:election_record"):
    return reverse(name, args=[world.bloc.code, world.term.year])


def _vote(world, **extra):
    return {
        "held_on": "18/12/2026",
        "leader": world.d.pk,
        "deputy": world.agencies[4].pk,
        "voters": "6",
        "leader_votes": "5",
        "deputy_votes": "4",
        **extra,
    }


def test_an_election_without_minutes_is_refused_and_keeps_what_was_typed(client, bloc_world):
    w = bloc_world
    client.force_login(w.secretariat)
    response = client.post(_url(w), _vote(w))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["minutes"] == [
        "Cần có biên bản bầu: tải lên tệp PDF, hoặc ghi số và ngày của biên bản."
    ]
    assert 'value="18/12/2026"' in response.content.decode()
    assert not LeadershipElection.objects.filter(term=w.term).exists()


def test_the_number_and_date_of_the_minutes_are_enough(client, bloc_world):
    w = bloc_world
    client.force_login(w.secretariat)
    response = client.post(_url(w), _vote(w, minutes_number="05/BB-KTĐ", minutes_date="18/12/2026"))
    assert response.status_code == 302
    election = LeadershipElection.objects.get(term=w.term)
    assert (election.minutes_number, election.minutes_date) == (
        "05/BB-KTĐ",
        datetime.date(2026, 12, 18),
    )
    assert not election.minutes
    assert election.history.first().minutes_number == "05/BB-KTĐ"


@pytest.mark.parametrize(
    "extra,field,message",
    [
        (
            {"minutes_number": "05/BB-KTĐ"},
            "minutes_date",
            "Hãy ghi ngày của biên bản số 05/BB-KTĐ.",
        ),
        ({"minutes_date": "18/12/2026"}, "minutes_number", "Hãy ghi số của biên bản ngày này."),
        ({"minutes_number": "05", "minutes_date": "31/02/2026"}, "minutes_date", None),
    ],
)
def test_a_number_needs_its_date_and_a_date_its_number(client, bloc_world, extra, field, message):
    w = bloc_world
    client.force_login(w.secretariat)
    response = client.post(_url(w), _vote(w, **extra))
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert message is None or errors == [message]
    assert not LeadershipElection.objects.filter(term=w.term).exists()


def test_the_uploaded_minutes_are_enough(client, bloc_world):
    w = bloc_world
    client.force_login(w.secretariat)
    upload = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 bien ban")
    assert client.post(_url(w), _vote(w, minutes=upload)).status_code == 302
    assert LeadershipElection.objects.get(term=w.term).minutes.name.endswith(".pdf")


@pytest.mark.parametrize(
    "name,content",
    [
        ("bien-ban.docx", b"PK\x03\x04 word"),
        ("bien-ban.jpg", b"\xff\xd8\xff\xe0 anh"),
        ("bien-ban.pdf", b"khong phai pdf"),
    ],
)
def test_minutes_must_be_a_pdf(client, bloc_world, name, content):
    w = bloc_world
    client.force_login(w.secretariat)
    response = client.post(_url(w), _vote(w, minutes=SimpleUploadedFile(name, content)))
    assert response.status_code == 200
    assert response.context["form"].errors["minutes"] == ["Biên bản phải là tệp PDF."]


def test_minutes_larger_than_the_limit_are_refused(client, bloc_world):
    w = bloc_world
    client.force_login(w.secretariat)
    big = SimpleUploadedFile("bien-ban.pdf", b"%PDF-" + b"0" * ELECTION_MINUTES_MAX_BYTES)
    response = client.post(_url(w), _vote(w, minutes=big))
    assert response.status_code == 200
    assert "quá lớn" in response.context["form"].errors["minutes"][0]


def test_a_stored_file_counts_when_the_election_is_recorded_again(client, bloc_world):
    w = bloc_world
    client.force_login(w.secretariat)
    upload = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 bien ban")
    client.post(_url(w), _vote(w, minutes=upload))
    response = client.post(_url(w), _vote(w, leader_votes="6"))
    assert response.status_code == 302
    election = LeadershipElection.objects.get(term=w.term)
    assert election.leader_votes == 6 and election.minutes
    page = client.get(_url(w)).content.decode()
    assert "Xem tệp biên bản đã tải lên" in page
