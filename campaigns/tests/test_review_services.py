"""Cross-checks, the review layers, agreement, board adjustments and the ranking they feed."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from blocs.models import Membership
from campaigns import crosscheck, selectors
from campaigns.models import CrossCheck, Period, ScoreLineChange
from campaigns.services import agreement, exports
from campaigns.services import review as review_services
from campaigns.tests import review_helpers as h
from tests import factories

pytestmark = pytest.mark.django_db

D = Decimal


def test_rotation_is_balanced_and_never_reciprocal_from_four_members():
    for n in range(2, 15):
        pairs = crosscheck.rotation(list(range(n)))
        assert sorted(a for a, _ in pairs) == list(range(n))
        assert sorted(b for _, b in pairs) == list(range(n))
        assert all(a != b for a, b in pairs)
        assert crosscheck.check_assignment(range(n), pairs) == []
        if n >= 4:
            assert not any((b, a) in pairs for a, b in pairs)
    assert crosscheck.rotation(range(6), shift=3)[0] != (0, 3)


def test_self_review_is_refused():
    errors = crosscheck.check_assignment([1, 2, 3, 4], [(1, 1)], names={1: "Ban A"})
    assert errors == ["Ban A không được tự chấm chéo chính mình."]


def test_reciprocal_assignment_refused_in_a_bloc_of_six(bloc_world):
    period = h.make_period(bloc_world.term)
    a, b = bloc_world.a, bloc_world.b
    with pytest.raises(ValidationError) as exc:
        review_services.assign_cross_checks(
            period=period, pairs=[(a.pk, b.pk), (b.pk, a.pk)], by=bloc_world.secretariat
        )
    assert "không được chấm chéo lẫn nhau" in exc.value.messages[0]
    assert not CrossCheck.objects.filter(period=period).exists()


def test_reciprocal_assignment_allowed_in_a_bloc_of_three(council):
    bloc = factories.BlocFactory(council=council)
    agencies = [factories.AgencyFactory(council=council, name=f"Đơn vị nhỏ {i}") for i in range(3)]
    term = factories.make_term(
        bloc=bloc, year=2026, agencies=agencies, leader=agencies[0], deputy=agencies[1]
    )
    user = factories.UserFactory()
    period = h.make_period(term)
    a, b, _ = agencies
    review_services.assign_cross_checks(period=period, pairs=[(a.pk, b.pk), (b.pk, a.pk)], by=user)
    assert CrossCheck.objects.filter(period=period).count() == 2


def test_automatic_assignment_is_accepted_and_lets_leader_and_deputy_review(bloc_world):
    period = h.make_period(bloc_world.term)
    pairs = review_services.proposed_rotation(period)
    review_services.assign_cross_checks(period=period, pairs=pairs, by=bloc_world.secretariat)
    reviewers = set(CrossCheck.objects.filter(period=period).values_list("reviewer", flat=True))
    assert {bloc_world.b.pk, bloc_world.c.pk} <= reviewers
    assert len(reviewers) == 6


def _one_line_world(bloc_world):
    """One scored leaf of 100 points, so that line and total read the same."""
    term = bloc_world.term
    table = h.make_table(term, groups=1, leaves=1, leaf_max="100")
    period = h.make_period(term)
    cards = h.make_cards(period, table)
    return table, period, cards


def test_self_review_and_agreed_layers_are_kept_with_their_authors(bloc_world):
    w = bloc_world
    _, period, cards = _one_line_world(w)
    card = cards[w.d]
    line = h.line(card, "1.1")
    line.self_points = D("96")
    line.save(update_fields=["self_points"])
    ScoreLineChange.objects.create(
        line=line, layer="self", old_value="", new_value="96", changed_by=w.member_officer
    )
    h.assign(period, [(w.c, w.d)], w.secretariat)
    with pytest.raises(ValidationError) as exc:
        review_services.record_review(
            line=line, points="91", note="", reviewer_id=w.c.pk, by=w.deputy
        )
    assert "cần ghi nhận xét" in exc.value.messages[0]
    review_services.record_review(
        line=line, points="91", note="Thiếu minh chứng quý IV", reviewer_id=w.c.pk, by=w.deputy
    )
    review_services.record_explanation(
        line=line, text="Đã bổ sung minh chứng.", by=w.member_officer
    )
    review_services.record_agreed(
        line=line, points="93", note="Thống nhất tại hội nghị", by=w.secretariat
    )
    line.refresh_from_db()
    assert (line.self_points, line.review_points, line.agreed_points) == (D(96), D(91), D(93))
    assert line.reviewer == w.c
    assert line.final_points == D("93")
    history = list(line.changes.order_by("changed_at", "id"))
    assert [(c.layer, c.new_value, c.changed_by) for c in history if c.layer != "explanation"] == [
        ("self", "96", w.member_officer),
        ("review", "91", w.deputy),
        ("agreed", "93", w.secretariat),
    ]
    assert history[1].note == "Thiếu minh chứng quý IV"


def test_a_reviewed_card_cannot_be_moved_to_another_reviewer(bloc_world):
    w = bloc_world
    _, period, cards = _one_line_world(w)
    h.assign(period, [(w.c, w.d)], w.secretariat)
    line = h.line(cards[w.d], "1.1")
    line.self_points = D("80")
    line.save(update_fields=["self_points"])
    review_services.record_review(line=line, points="80", note="", reviewer_id=w.c.pk, by=w.deputy)
    with pytest.raises(ValidationError) as exc:
        review_services.assign_cross_checks(
            period=period, pairs=[(w.a.pk, w.d.pk)], by=w.secretariat
        )
    assert f"{w.c.name} đã chấm chéo {w.d.name}" in exc.value.messages[0]
    assert list(CrossCheck.objects.filter(period=period).values_list("reviewer", "reviewed")) == [
        (w.c.pk, w.d.pk)
    ]
    review_services.assign_cross_checks(
        period=period, pairs=[(w.c.pk, w.d.pk), (w.a.pk, w.b.pk)], by=w.secretariat
    )
    assert CrossCheck.objects.filter(period=period).count() == 2


def test_reviewer_not_assigned_is_refused(bloc_world):
    w = bloc_world
    _, period, cards = _one_line_world(w)
    h.assign(period, [(w.c, w.d)], w.secretariat)
    line = h.line(cards[w.d], "1.1")
    with pytest.raises(ValidationError):
        review_services.record_review(
            line=line, points="99", note="", reviewer_id=w.a.pk, by=w.board
        )


def test_agreeing_defaults_to_review_points_and_closes_the_period(bloc_world):
    w = bloc_world
    _, period, cards = _one_line_world(w)
    h.assign(period, [(w.c, w.d)], w.secretariat)
    line = h.line(cards[w.d], "1.1")
    review_services.record_review(
        line=line, points="90", note="Trừ", reviewer_id=w.c.pk, by=w.deputy
    )
    agreement.agree_period(period=period, by=w.secretariat)
    period.refresh_from_db()
    line.refresh_from_db()
    assert period.status == Period.Status.AGREED
    assert line.agreed_points == D("90")
    other = h.line(cards[w.a], "1.1")
    assert other.agreed_points == other.self_points
    with pytest.raises(ValidationError):
        review_services.record_agreed(line=line, points="95", note="", by=w.secretariat)
    with pytest.raises(ValidationError):
        review_services.record_explanation(line=line, text="Muộn", by=w.member_officer)


def test_board_change_re_ranks_and_keeps_both_values(bloc_world):
    w = bloc_world
    term = w.term
    _, period, cards = _one_line_world(w)
    scores = {w.a: "80", w.b: "91", w.c: "70", w.d: "93", w.agencies[4]: "60", w.agencies[5]: "50"}
    for agency, value in scores.items():
        ln = h.line(cards[agency], "1.1")
        ln.self_points = D(value)
        ln.save(update_fields=["self_points"])
    agreement.agree_period(period=period, by=w.secretariat)
    period = Period.objects.select_related("term__bloc").get(pk=period.pk)
    data = selectors.load_period(period)
    assert [r.row.agency_id for r in data.ranked][:2] == [w.d.pk, w.b.pk]
    line = h.line(cards[w.d], "1.1")
    with pytest.raises(ValidationError):
        review_services.adjust_by_board(line=line, points="90", reason="", by=w.board)
    review_services.adjust_by_board(
        line=line, points="90", reason="Vi phạm quy định báo cáo", by=w.board
    )
    line.refresh_from_db()
    assert (line.agreed_points, line.board_points) == (D("93"), D("90"))
    data = selectors.load_period(period)
    assert [(r.row.agency_id, r.rank) for r in data.ranked][:2] == [(w.b.pk, 1), (w.d.pk, 2)]
    assert [r.row.agency_id for r in data.ranked_before_board][:1] == [w.d.pk]
    change = line.changes.get(layer="board")
    assert (change.old_value, change.new_value, change.changed_by) == ("93", "90", w.board)
    assert change.note == "Vi phạm quy định báo cáo"
    assert term.pk == period.term_id


def test_tie_on_total_broken_by_fewer_penalty_is_named_in_the_export(bloc_world, tmp_path):
    w = bloc_world
    table = h.make_table(w.term, groups=2, leaves=2, leaf_max="25")
    period = h.make_period(w.term)
    # A: 96 + 2 bonus − 1 penalty = 97; B: 95 + 2 bonus − 0 = 97, fewer penalty points.
    points = {
        w.a: {"1.1": "24", "1.2": "24", "2.1": "24", "2.2": "24", "T": "2", "TR": "1"},
        w.b: {"1.1": "24", "1.2": "24", "2.1": "24", "2.2": "23", "T": "2", "TR": "0"},
    }
    h.make_cards(period, table, [w.a, w.b, w.c, w.d], points=points)
    agreement.agree_period(period=period, by=w.secretariat)
    out = tmp_path / "ranking.json"
    call_command("export_ranking", w.bloc.code, "2026", "annual", "--output", str(out))
    document = json.loads(out.read_text(encoding="utf-8"))
    assert (document["bloc"], document["year"], document["period"]) == (w.bloc.code, 2026, "annual")
    rows = document["rows"]
    assert [r["agency_abbr"] for r in rows[:2]] == [w.b.abbreviation, w.a.abbreviation]
    assert [r["rank"] for r in rows[:2]] == [1, 2]
    assert rows[0]["total"] == rows[1]["total"] == "97.00"
    assert rows[0]["tie_break"] == rows[1]["tie_break"] == "Ít điểm trừ hơn"
    assert rows[1]["penalty"] == "1.00" and rows[0]["classification"] == "Xuất sắc"
    assert set(rows[0]) == set(exports.EXPORT_COLUMNS)


def test_export_formats(bloc_world, tmp_path, capsys):
    w = bloc_world
    table = h.make_table(w.term)
    period = h.make_period(w.term, kind=Period.Kind.SEMIANNUAL)
    h.make_cards(period, table)
    call_command("export_ranking", w.bloc.code, "2026", "semiannual", "--format", "csv")
    csv_text = capsys.readouterr().out
    assert csv_text.lstrip("\ufeff").startswith("rank,agency,agency_abbr,base")
    out = tmp_path / "r.xlsx"
    call_command(
        "export_ranking", w.bloc.code, "2026", "semiannual", "--format", "xlsx", "-o", str(out)
    )
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    assert sheet.max_row == 1 + Membership.objects.filter(term=w.term).count()
    assert sheet["A2"].value == 1


def test_export_of_a_missing_period_is_a_clear_error(bloc_world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No annual period"):
        call_command("export_ranking", bloc_world.bloc.code, "2026", "annual")


def test_meeting_votes_passed_in_break_a_remaining_tie(bloc_world):
    w = bloc_world
    table = h.make_table(w.term)
    period = h.make_period(w.term)
    h.make_cards(period, table, [w.a, w.b])
    period = Period.objects.select_related("term__bloc").get(pk=period.pk)
    data = selectors.load_period(period)
    assert [r.rank for r in data.ranked] == [1, 1]
    data = selectors.load_period(period, meeting_votes={w.a.pk: 4, w.b.pk: 6})
    assert [(r.agency_id, r.rank) for r in data.ranked] == [(w.b.pk, 1), (w.a.pk, 2)]
    assert data.ranked[0].tie_break_label == "Nhiều phiếu bình xét hơn"


def test_the_period_is_read_as_plain_values(bloc_world):
    w = bloc_world
    _, period, cards = _one_line_world(w)
    data = selectors.load_period(period, include_drafts=True)
    line = next(iter(data.cards[0].lines.values()))
    assert isinstance(line, selectors.LineRow)
    assert isinstance(data.cards[0].agency, selectors.AgencyRow)
