"""The year's rules page: bands, tie-breaks, step, deadlines and quorum, with their history."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from blocs import services as bloc_services
from blocs.models import BlocTerm
from campaigns import ranking
from campaigns.models import Period, ScoringRules, rules_for
from campaigns.services import rules as rules_services
from campaigns.tests import review_helpers
from tests.factories import PERSONAS

pytestmark = pytest.mark.django_db


def url(term):
    return reverse("campaigns:term_rules", args=[term.bloc.code, term.year])


def post_data(**change):
    data = {
        "band1_label": "Xuất sắc",
        "band1_min": "95",
        "band2_label": "Tốt",
        "band2_min": "85",
        "band3_label": "Khá",
        "band3_min": "70",
        "band4_label": "Trung bình",
        "band4_min": "0",
        "band5_label": "",
        "band5_min": "",
        "tie_break_1": "fewer_penalty",
        "tie_break_2": "first_group",
        "tie_break_3": "meeting_votes",
        "score_step": "0,25",
        "quorum": "66,7",
    }
    data.update(change)
    return data


def errors_of(response, field):
    return response.context["form"].errors.get(field, [])


def test_the_secretariat_changes_the_rules_and_the_history_says_who(client, bloc_world):
    w = bloc_world
    client.force_login(w.secretariat)
    response = client.post(
        url(w.term),
        post_data(
            band1_min="90",
            band2_label="Hoàn thành tốt",
            band2_min="80,5",
            tie_break_1="first_group",
            tie_break_2="fewer_penalty",
            score_step="0.5",
            quorum="75",
        ),
    )
    assert response.status_code == 302
    rules = ScoringRules.objects.get(term=w.term)
    assert [(b.code, b.label, b.min) for b in rules.parsed_bands] == [
        ("xuat_sac", "Xuất sắc", Decimal("90")),
        ("tot", "Hoàn thành tốt", Decimal("80.5")),
        ("kha", "Khá", Decimal("70")),
        ("trung_binh", "Trung bình", Decimal("0")),
    ]
    assert rules.tie_breaks == ["first_group", "fewer_penalty", "meeting_votes"]
    assert rules.score_step == Decimal("0.5")
    assert rules.changed_by == w.secretariat
    w.term.refresh_from_db()
    assert w.term.quorum == Decimal("0.750")
    assert rules.history.first().history_user == w.secretariat
    page = client.get(url(w.term)).content.decode()
    assert "Hoàn thành tốt ≥ 80,5" in page
    assert "66,7%" in page and "75%" in page
    assert 'value="0,5"' in page
    assert w.secretariat.get_full_name() in page


def test_a_band_can_be_added_and_one_removed(client, bloc_world):
    w = bloc_world
    client.force_login(w.board)
    response = client.post(
        url(w.term),
        post_data(band4_label="", band4_min="", band5_label="Chưa đạt", band5_min="50"),
    )
    assert response.status_code == 302
    codes = [b.code for b in ScoringRules.objects.get(term=w.term).parsed_bands]
    assert codes == ["xuat_sac", "tot", "kha", "chua_dat"]


@pytest.mark.parametrize(
    "change,field,message",
    [
        ({"band2_min": "96"}, "band2_min", "từ cao xuống thấp"),
        ({"band3_min": "85"}, "band3_min", "phải thấp hơn ngưỡng của “Tốt”"),
        ({"band2_label": ""}, "band2_label", "Hãy đặt tên"),
        ({"band2_min": ""}, "band2_min", "Hãy ghi ngưỡng điểm"),
        ({"band2_min": "tám lăm"}, "band2_min", "phải là một số"),
        ({"band3_label": "tốt"}, "band3_label", "đã dùng ở dòng 2"),
        ({"tie_break_2": "fewer_penalty"}, "tie_break_2", "đã được chọn ở vị trí 1"),
        ({"tie_break_1": "coin_toss"}, "tie_break_1", "không hợp lệ"),
        ({"score_step": "-1"}, "score_step", "không được âm"),
        ({"score_step": "0,125"}, "score_step", "2 chữ số thập phân"),
        ({"quorum": "40"}, "quorum", "từ 50% đến 100%"),
        ({"quorum": "101"}, "quorum", "từ 50% đến 100%"),
        ({"quorum": ""}, "quorum", "Hãy nhập tỷ lệ"),
    ],
)
def test_bad_input_names_the_field_and_keeps_what_was_typed(
    client, bloc_world, change, field, message
):
    w = bloc_world
    client.force_login(w.secretariat)
    response = client.post(url(w.term), post_data(band1_label="Xuất sắc lắm", **change))
    assert response.status_code == 400
    assert any(message in e for e in errors_of(response, field)), response.context["form"].errors
    assert 'value="Xuất sắc lắm"' in response.content.decode()
    assert not ScoringRules.objects.filter(term=w.term).exists()


def test_deadlines_open_a_period_and_change_it(client, bloc_world):
    w = bloc_world
    client.force_login(w.secretariat)
    data = post_data(
        **{"annual-self_deadline": "2026-12-10T17:00", "annual-review_deadline": "2026-12-20T17:00"}
    )
    assert client.post(url(w.term), data).status_code == 302
    period = Period.objects.get(term=w.term, kind=Period.Kind.ANNUAL)
    assert timezone.localtime(period.self_deadline).day == 10
    assert not Period.objects.filter(term=w.term, kind=Period.Kind.SEMIANNUAL).exists()
    data["annual-review_deadline"] = "2026-12-05T17:00"
    response = client.post(url(w.term), data)
    assert response.status_code == 400
    forms = {kind: pf for kind, _l, _p, pf in response.context["period_forms"]}
    assert "sau hạn tự chấm" in " ".join(forms["annual"].errors["review_deadline"])
    data["annual-review_deadline"] = "2026-12-22T17:00"
    assert client.post(url(w.term), data).status_code == 302
    assert period.history.first().history_user == w.secretariat
    page = client.get(url(w.term)).content.decode()
    assert "Hạn chấm chéo – Tổng kết năm" in page
    # The page shows the deadlines as they are, ready to change.
    assert 'value="10/12/2026"' in page and 'value="22/12/2026"' in page


def test_one_deadline_alone_does_not_open_a_period(client, bloc_world):
    client.force_login(bloc_world.secretariat)
    response = client.post(
        url(bloc_world.term), post_data(**{"semiannual-self_deadline": "2026-06-30T17:00"})
    )
    assert response.status_code == 400
    forms = {kind: pf for kind, _l, _p, pf in response.context["period_forms"]}
    assert "cả hạn tự chấm và hạn chấm chéo" in " ".join(
        forms["semiannual"].errors["review_deadline"]
    )
    assert not Period.objects.filter(term=bloc_world.term).exists()


@pytest.fixture
def agreed(bloc_world):
    """The annual period agreed with three scorecards: a change of bands would move them."""
    table = review_helpers.make_table(bloc_world.term)
    period = review_helpers.make_period(bloc_world.term, Period.Kind.ANNUAL, Period.Status.AGREED)
    review_helpers.make_cards(period, table, bloc_world.agencies[:3])
    return period


@pytest.mark.parametrize(
    "change,field",
    [({"band1_min": "97"}, "band1_label"), ({"band1_label": "Rất tốt"}, "band1_label"), ({"tie_break_1": "first_group", "tie_break_2": "fewer_penalty"}, "tie_break_1")],
)  # fmt: skip
def test_an_agreed_ranking_is_never_changed_silently(client, bloc_world, agreed, change, field):
    w = bloc_world
    client.force_login(w.secretariat)
    response = client.post(url(w.term), post_data(**change))
    assert response.status_code == 400
    error = " ".join(errors_of(response, field))
    assert "đã thống nhất" in error and "mở lại kỳ" in error
    if field == "band1_label":
        # The agencies whose agreed classification would change are named.
        assert all(a.name in error for a in w.agencies[:3])
    assert not ScoringRules.objects.filter(term=w.term).exists()


def test_bands_that_move_no_agreed_total_may_change(client, bloc_world, agreed):
    # Every agreed total is 96, in "Xuất sắc": the lower bands are nobody's.
    client.force_login(bloc_world.secretariat)
    response = client.post(url(bloc_world.term), post_data(band2_min="80", band3_label="Đạt"))
    assert response.status_code == 302
    bands = ScoringRules.objects.get(term=bloc_world.term).parsed_bands
    assert [(b.label, b.min) for b in bands][1:3] == [("Tốt", 80), ("Đạt", 70)]


def test_quorum_and_step_may_change_after_agreement(client, bloc_world, agreed):
    client.force_login(bloc_world.secretariat)
    response = client.post(url(bloc_world.term), post_data(quorum="70", score_step="0,5"))
    assert response.status_code == 302
    bloc_world.term.refresh_from_db()
    assert bloc_world.term.quorum == Decimal("0.700")


def test_an_agreed_periods_deadlines_stay(client, bloc_world, agreed):
    client.force_login(bloc_world.secretariat)
    before = agreed.self_deadline
    response = client.post(
        url(bloc_world.term),
        post_data(
            **{
                "annual-self_deadline": "2026-12-01T17:00",
                "annual-review_deadline": "2026-12-30T17:00",
            }
        ),
    )
    # The fields are disabled: what a post carries for them is ignored.
    assert response.status_code == 302
    agreed.refresh_from_db()
    assert agreed.self_deadline == before
    with pytest.raises(Exception, match="đã thống nhất"):
        rules_services.save_term_rules(
            term=bloc_world.term,
            bands=ranking.default_bands(),
            tie_breaks=ranking.default_tie_breaks(),
            score_step=Decimal("0.25"),
            quorum=Decimal("66.7"),
            deadlines={"annual": (before, before + datetime.timedelta(days=40))},
            by=bloc_world.secretariat,
        )


def test_a_later_year_keeps_the_rules_it_scores_under(bloc_world):
    w = bloc_world
    bloc_services.open_next_term(bloc=w.bloc, by=w.secretariat, leader=w.c, deputy=w.d)
    later = BlocTerm.objects.get(bloc=w.bloc, year=2027)
    assert not ScoringRules.objects.filter(term=later).exists()
    bands = [dict(b) for b in ranking.default_bands()]
    bands[0]["min"] = "90"
    rules_services.save_term_rules(
        term=w.term,
        bands=bands,
        tie_breaks=ranking.default_tie_breaks(),
        score_step=Decimal("0.25"),
        quorum=Decimal("66.7"),
        by=w.board,
    )
    assert rules_for(w.term).parsed_bands[0].min == Decimal("90")
    assert rules_for(later).parsed_bands[0].min == Decimal("95")
    assert ScoringRules.objects.get(term=later).history.first().history_user == w.board


def test_a_closed_year_is_read_only(client, bloc_world):
    client.force_login(bloc_world.board)
    old = bloc_world.previous_term
    assert client.get(url(old)).status_code == 200
    assert client.post(url(old), post_data()).status_code == 403


# --- Access ------------------------------------------------------------------------------------

EDITORS = {"board", "secretariat", "secretariat_officer"}


def _expected(persona, method):
    if persona == "anonymous":
        return 302
    if persona == "outsider":
        return 404
    if method == "get":
        return 200
    return 302 if persona in EDITORS else 403


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(client, bloc_world, persona, method):
    user = bloc_world.personas[persona]
    if user is not None:
        client.force_login(user)
    data = post_data() if method == "post" else None
    response = getattr(client, method)(url(bloc_world.term), data)
    assert response.status_code == _expected(persona, method)
    if method == "get" and response.status_code == 200:
        has_form = 'name="band1_min"' in response.content.decode()
        assert has_form == (persona in EDITORS)


@pytest.mark.parametrize("method", ["put", "delete"])
def test_wrong_methods_are_refused(client, bloc_world, method):
    client.force_login(bloc_world.secretariat)
    assert getattr(client, method)(url(bloc_world.term)).status_code == 405


def test_the_term_navigation_links_to_the_rules(client, bloc_world):
    client.force_login(bloc_world.member_head)
    page = client.get(reverse("blocs:term_detail", args=[bloc_world.bloc.code, 2026]))
    assert f'href="{url(bloc_world.term)}"' in page.content.decode()


# --- Speed -------------------------------------------------------------------------------------


def test_the_page_runs_the_same_queries_with_a_long_history(client, bloc_world):
    w = bloc_world
    client.force_login(w.secretariat)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(w.term)).status_code == 200
        return len(ctx.captured_queries)

    client.post(url(w.term), post_data(quorum="70"))
    few = count()
    for i in range(8):
        client.post(
            url(w.term),
            post_data(
                quorum=str(60 + i),
                band1_min=str(90 + i % 3),
                **{
                    "annual-self_deadline": f"2026-12-{10 + i}T17:00",
                    "annual-review_deadline": "2026-12-30T17:00",
                },
            ),
        )
    assert ScoringRules.history.filter(term_id=w.term.pk).count() > 3
    assert count() == few


def test_the_matrix_covers_every_rules_view():
    from tests.urlnames import url_names_of

    assert url_names_of("campaigns.views.rules") == {"campaigns:term_rules"}


def test_the_history_shows_old_and_new_values_of_each_change(client, bloc_world):
    w = bloc_world
    client.force_login(w.secretariat)
    assert client.post(url(w.term), post_data(band1_min="90")).status_code == 302
    client.force_login(w.board)
    assert client.post(url(w.term), post_data(band1_min="92", score_step="0,5")).status_code == 302
    changes = client.get(url(w.term)).context["changes"]
    bands = [c for c in changes if str(c["what"]) == "Ngưỡng xếp loại"]
    assert [(c["by"], c["old"].split(";")[0] if c["old"] else None) for c in bands] == [
        (w.board, "Xuất sắc ≥ 90"),
        (w.secretariat, None),
    ]
    assert bands[0]["new"].startswith("Xuất sắc ≥ 92")
    (step,) = [c for c in changes if str(c["what"]) == "Bước điểm" and c["old"]]
    assert (step["old"], step["new"], step["by"]) == ("0,25", "0,5", w.board)


@pytest.mark.parametrize(
    "field,typed",
    [
        ("band2_min", "NaN"),
        ("band2_min", "8,5,0"),
        ("score_step", "Infinity"),
        ("quorum", "66,7%"),
    ],
)
def test_numbers_that_are_not_numbers_are_refused_on_their_field(client, bloc_world, field, typed):
    w = bloc_world
    client.force_login(w.secretariat)
    response = client.post(url(w.term), post_data(**{field: typed}))
    assert response.status_code == 400
    assert any("phải là một số" in e for e in errors_of(response, field))
    assert not ScoringRules.objects.filter(term=w.term).exists()


def test_the_service_refuses_a_quorum_out_of_range_before_writing_anything(bloc_world):
    w = bloc_world
    with pytest.raises(ValidationError) as refused:
        rules_services.save_term_rules(
            term=w.term,
            bands=[{"code": "dat", "label": "Đạt", "min": "50"}],
            tie_breaks=[],
            score_step=Decimal("0.5"),
            quorum=Decimal("40"),
            by=w.board,
        )
    assert "quorum" in refused.value.message_dict
    assert not ScoringRules.objects.filter(term=w.term).exists()


# --- Appeal window ------------------------------------------------------------------------------


def test_the_appeal_window_is_changed_on_the_rules_page_with_history(client, bloc_world):
    w = bloc_world
    client.force_login(w.secretariat)
    page = client.get(url(w.term)).content.decode()
    assert "Số ngày nhận kiến nghị sau khi công bố kết quả" in page
    assert 'name="appeal_days" value="5"' in page
    assert client.post(url(w.term), post_data(appeal_days="7")).status_code == 302
    client.force_login(w.board)
    assert client.post(url(w.term), post_data(appeal_days="10")).status_code == 302
    rules = ScoringRules.objects.get(term=w.term)
    assert (rules.appeal_days, rules.changed_by) == (10, w.board)
    changes = client.get(url(w.term)).context["changes"]
    days = [
        (c["old"], c["new"], c["by"])
        for c in changes
        if str(c["what"]) == "Số ngày nhận kiến nghị sau khi công bố kết quả"
    ]
    assert days == [("7", "10", w.board), (None, "7", w.secretariat)]


def test_the_appeal_window_alone_may_change_after_agreement(client, bloc_world, agreed):
    client.force_login(bloc_world.secretariat)
    assert client.post(url(bloc_world.term), post_data(appeal_days="3")).status_code == 302
    assert rules_for(bloc_world.term).appeal_days == 3


@pytest.mark.parametrize(
    "typed,message",
    [
        ("0", "từ 1 đến 60"),
        ("61", "từ 1 đến 60"),
        ("-2", "từ 1 đến 60"),
        ("năm", "phải là số nguyên"),
        ("2,5", "phải là số nguyên"),
        ("", "Hãy nhập số ngày nhận kiến nghị"),
    ],
)
def test_an_appeal_window_out_of_range_is_refused_on_its_field(client, bloc_world, typed, message):
    w = bloc_world
    client.force_login(w.secretariat)
    response = client.post(url(w.term), post_data(band1_label="Xuất sắc lắm", appeal_days=typed))
    assert response.status_code == 400
    errors = errors_of(response, "appeal_days")
    assert any(message in e for e in errors), response.context["form"].errors
    assert "số ngày nhận kiến nghị" in " ".join(errors).lower()
    assert 'value="Xuất sắc lắm"' in response.content.decode()
    assert not ScoringRules.objects.filter(term=w.term).exists()


def test_a_post_without_the_appeal_window_keeps_it(client, bloc_world):
    w = bloc_world
    client.force_login(w.secretariat)
    assert client.post(url(w.term), post_data(appeal_days="12")).status_code == 302
    assert client.post(url(w.term), post_data(score_step="0,5")).status_code == 302
    rules = ScoringRules.objects.get(term=w.term)
    assert (rules.appeal_days, rules.score_step) == (12, Decimal("0.5"))


def test_read_only_members_see_the_appeal_window(client, bloc_world):
    w = bloc_world
    rules = rules_for(w.term)
    rules.appeal_days = 8
    rules.save()
    client.force_login(w.member_head)
    page = client.get(url(w.term)).content.decode()
    assert "Số ngày nhận kiến nghị sau khi công bố kết quả" in page
    assert '<dd class="col-sm-8">8</dd>' in page
    assert 'name="appeal_days"' not in page


def test_the_service_refuses_an_appeal_window_out_of_range(bloc_world):
    w = bloc_world
    with pytest.raises(ValidationError) as refused:
        rules_services.save_term_rules(
            term=w.term,
            bands=[{"code": "dat", "label": "Đạt", "min": "50"}],
            tie_breaks=[],
            score_step=Decimal("0.5"),
            quorum=Decimal("66.7"),
            appeal_days=90,
            by=w.board,
        )
    assert "appeal_days" in refused.value.message_dict
    assert not ScoringRules.objects.filter(term=w.term).exists()
