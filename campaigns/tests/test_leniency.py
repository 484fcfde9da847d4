"""The leniency figures of the cross-checking agencies, over plain values (no database)."""

from decimal import Decimal

from campaigns import leniency as rules
from campaigns.leniency import ReviewLine

D = Decimal
HARSH, FAIR, KIND = 1, 2, 3


def line(reviewer, reviewed, group, self_points, review_points, agreed=None, penalty=False):
    return ReviewLine(
        reviewer_id=reviewer,
        reviewed_id=reviewed,
        group_code=group,
        group_title=f"Nhóm {group}",
        self_points=None if self_points is None else D(self_points),
        review_points=None if review_points is None else D(review_points),
        agreed_points=None if agreed is None else D(agreed),
        penalty=penalty,
    )


def one_point_less():
    """HARSH reviews agency 10 and always gives 1 point less than the self score; the meeting
    agreed half-way on two lines and kept the review points on the other two."""
    return [
        line(HARSH, 10, "1", "20", "19", agreed="19.5"),
        line(HARSH, 10, "1", "18.5", "17.5", agreed="17.5"),
        line(HARSH, 10, "2", "25", "24", agreed="24.5"),
        line(HARSH, 10, "2", "9.25", "8.25", agreed="8.25"),
    ]


def by_reviewer(result):
    return {r.reviewer_id: r for r in result.reviewers}


def test_a_reviewer_one_point_below_every_self_score_shows_minus_one_and_no_spread():
    result = rules.leniency(one_point_less())
    [harsh] = result.reviewers
    assert harsh.reviewer_id == HARSH and harsh.reviewed_ids == (10,)
    overall = harsh.overall
    assert overall.lines == 4
    assert (overall.vs_self.count, overall.vs_self.mean, overall.vs_self.spread) == (
        4,
        D("-1.00"),
        D("0.00"),
    )
    # Against the agreed points: −0.5, −0, −0.5, −0 → mean −0.25, spread 0.25.
    assert (overall.vs_agreed.count, overall.vs_agreed.mean, overall.vs_agreed.spread) == (
        4,
        D("-0.25"),
        D("0.25"),
    )
    # Alone, it has nobody to be compared with.
    assert overall.apart_from_others is None and overall.verdict == "" and overall.label == ""


def test_each_group_shows_the_same_minus_one():
    [harsh] = rules.leniency(one_point_less()).reviewers
    groups = {g.code: f for g, f in harsh.groups}
    assert [g.code for g, _f in harsh.groups] == ["1", "2"]
    assert [g.title for g, _f in harsh.groups] == ["Nhóm 1", "Nhóm 2"]
    for code in ("1", "2"):
        assert groups[code].lines == 2
        assert groups[code].vs_self.mean == D("-1.00")
        assert groups[code].vs_self.spread == D("0.00")
        assert groups[code].vs_agreed.mean == D("-0.25")
        assert groups[code].vs_agreed.spread == D("0.25")


def test_compared_with_reviewers_who_keep_the_self_score_it_is_harsher_by_one():
    rows = one_point_less() + [
        line(FAIR, 11, "1", "20", "20", agreed="20"),
        line(FAIR, 11, "2", "25", "25", agreed="25"),
        line(FAIR, 12, "1", "15", "15", agreed="15"),
    ]
    result = by_reviewer(rules.leniency(rows))
    harsh, fair = result[HARSH].overall, result[FAIR].overall
    assert harsh.others.count == 3 and harsh.others.mean == D("0.00")
    assert harsh.apart_from_others == D("-1.00")
    assert harsh.verdict == rules.HARSHER and str(harsh.label) == "khắt khe hơn"
    # And the fair reviewer, beside the harsh one, is the more lenient by one point per line.
    assert fair.vs_self.mean == D("0.00") and fair.others.mean == D("-1.00")
    assert fair.apart_from_others == D("1.00")
    assert fair.verdict == rules.MORE_LENIENT and str(fair.label) == "dễ hơn"
    assert result[FAIR].reviewed_ids == (11, 12)


def test_groups_compare_only_with_the_other_reviewers_lines_of_the_same_group():
    rows = one_point_less() + [
        # FAIR scores group 1 exactly like HARSH (−1) and group 2 at the self score.
        line(FAIR, 11, "1", "20", "19"),
        line(FAIR, 11, "2", "25", "25"),
    ]
    harsh = by_reviewer(rules.leniency(rows))[HARSH]
    groups = {g.code: f for g, f in harsh.groups}
    assert groups["1"].apart_from_others == D("0.00")
    assert groups["1"].verdict == rules.SIMILAR and str(groups["1"].label) == "tương đương"
    assert groups["2"].apart_from_others == D("-1.00") and groups["2"].verdict == rules.HARSHER
    # Overall: −1 against the mean of FAIR's lines, (−1 + 0) / 2 = −0.5.
    assert harsh.overall.apart_from_others == D("-0.50")


def test_a_group_no_other_reviewer_scored_has_nothing_to_compare():
    rows = one_point_less() + [line(FAIR, 11, "1", "20", "20")]
    groups = {g.code: f for g, f in by_reviewer(rules.leniency(rows))[HARSH].groups}
    assert groups["1"].verdict == rules.HARSHER
    assert groups["2"].apart_from_others is None and groups["2"].verdict == ""


def test_the_threshold_is_a_quarter_point_per_line_either_way():
    assert rules.THRESHOLD == D("0.25")
    assert rules.verdict(D("-0.25")) == rules.HARSHER
    assert rules.verdict(D("-0.24")) == rules.SIMILAR
    assert rules.verdict(D("0")) == rules.SIMILAR
    assert rules.verdict(D("0.24")) == rules.SIMILAR
    assert rules.verdict(D("0.25")) == rules.MORE_LENIENT
    assert rules.verdict(None) == ""
    assert rules.verdict(D("0.3"), threshold=D("0.5")) == rules.SIMILAR


def test_lines_without_review_points_are_left_out():
    rows = one_point_less() + [line(HARSH, 13, "1", "20", None, agreed="20")]
    [harsh] = rules.leniency(rows).reviewers
    assert harsh.overall.lines == 4 and harsh.reviewed_ids == (10,)
    assert rules.leniency([line(FAIR, 11, "1", "20", None)]).is_empty


def test_a_comparison_counts_only_lines_where_both_layers_exist():
    rows = [
        line(HARSH, 10, "1", "20", "18", agreed=None),
        line(HARSH, 10, "1", None, "7", agreed="8"),
    ]
    overall = rules.leniency(rows).reviewers[0].overall
    assert overall.lines == 2
    assert (overall.vs_self.count, overall.vs_self.mean) == (1, D("-2.00"))
    assert (overall.vs_agreed.count, overall.vs_agreed.mean) == (1, D("-1.00"))


def test_no_lines_at_all_gives_an_empty_table():
    result = rules.leniency([])
    assert result.is_empty and result.reviewers == () and result.groups == ()
    assert result.everyone.lines == 0
    assert result.everyone.vs_self == rules.Differences()
    assert result.everyone.vs_self.mean is None and result.everyone.vs_self.spread is None


def test_deducting_more_penalty_than_the_member_counts_as_harsher():
    rows = [
        line(HARSH, 10, "TR", "0", "1", penalty=True),
        line(FAIR, 11, "TR", "1", "1", penalty=True),
    ]
    result = by_reviewer(rules.leniency(rows))
    assert result[HARSH].overall.vs_self.mean == D("-1.00")
    assert result[HARSH].overall.verdict == rules.HARSHER


def test_spread_is_the_population_standard_deviation_rounded_half_up():
    # Differences −1, −2, −3, −4: mean −2.5, population variance 1.25, deviation 1.1180…
    rows = [line(HARSH, 10, "1", "10", str(10 - k)) for k in (1, 2, 3, 4)]
    figures = rules.leniency(rows).reviewers[0].overall.vs_self
    assert (figures.mean, figures.spread) == (D("-2.50"), D("1.12"))
    # A third of a point is shown as 0.33, two thirds as 0.67.
    thirds = [line(HARSH, 10, "1", "10", v) for v in ("10", "10", "11")]
    assert rules.leniency(thirds).reviewers[0].overall.vs_self.mean == D("0.33")
    assert rules.differences([D("0"), D("1"), D("1")]).mean == D("0.67")


def test_everyone_pools_every_reviewers_lines():
    rows = one_point_less() + [line(FAIR, 11, "1", "20", "20"), line(FAIR, 11, "1", "5", "5")]
    everyone = rules.leniency(rows).everyone
    # Four lines at −1 and two at 0: mean −2/3, deviation √(2/9) ≈ 0.4714.
    assert everyone.lines == 6
    assert (everyone.vs_self.mean, everyone.vs_self.spread) == (D("-0.67"), D("0.47"))
    assert everyone.verdict == "" and everyone.apart_from_others is None


def test_the_label_follows_the_rounded_figure_shown():
    # Mean −0.249 rounds to −0.25, which the page shows: the label says harsher.
    rows = [
        line(HARSH, 10, "1", "10", "9.751"),
        line(FAIR, 11, "1", "10", "10"),
    ]
    harsh = by_reviewer(rules.leniency(rows))[HARSH].overall
    assert harsh.apart_from_others == D("-0.25") and harsh.verdict == rules.HARSHER
