"""The award dossier's moves and completeness, without a database (awards.dossier_rules)."""

import pytest

from awards import dossier_rules as rules
from awards.dossier_rules import Nominee, Refused


@pytest.mark.parametrize(
    ("state", "action", "actor", "after"),
    [
        ("draft", "submit", "bloc", "submitted"),
        ("returned", "submit", "bloc", "submitted"),
        ("submitted", "return", "board", "returned"),
        ("submitted", "accept", "board", "accepted"),
        ("accepted", "decide", "board", "decided"),
        ("draft", "withdraw", "bloc", "withdrawn"),
        ("submitted", "withdraw", "bloc", "withdrawn"),
        ("returned", "withdraw", "bloc", "withdrawn"),
        ("withdrawn", "reopen", "bloc", "draft"),
    ],
)
def test_every_allowed_move_gives_its_state(state, action, actor, after):
    assert rules.transition(state, action, actor, reason="Lý do") == after


@pytest.mark.parametrize(
    ("state", "action", "actor", "code"),
    [
        ("draft", "accept", "bloc", "wrong_actor"),
        ("submitted", "return", "bloc", "wrong_actor"),
        ("draft", "submit", "board", "wrong_actor"),
        ("draft", "return", "board", "wrong_state"),
        ("draft", "accept", "board", "wrong_state"),
        ("submitted", "submit", "bloc", "wrong_state"),
        ("accepted", "withdraw", "bloc", "wrong_state"),
        ("accepted", "return", "board", "wrong_state"),
        ("decided", "return", "board", "wrong_state"),
        ("decided", "decide", "board", "wrong_state"),
        ("submitted", "decide", "board", "wrong_state"),
        ("withdrawn", "submit", "bloc", "wrong_state"),
        ("draft", "publish", "bloc", "unknown_action"),
    ],
)
def test_every_refusal_is_named(state, action, actor, code):
    with pytest.raises(Refused) as refused:
        rules.transition(state, action, actor, reason="Lý do")
    assert refused.value.code == code
    assert refused.value.message


@pytest.mark.parametrize("action", ["return", "withdraw"])
def test_returning_and_withdrawing_need_a_reason(action):
    actor = "board" if action == "return" else "bloc"
    for blank in ("", "   ", None):
        with pytest.raises(Refused) as refused:
            rules.transition("submitted", action, actor, reason=blank)
        assert refused.value.code == "reason_required"


def test_accepting_needs_no_reason():
    assert rules.transition("submitted", "accept", "board") == "accepted"


def test_allowed_actions_follow_the_moves():
    assert rules.allowed_actions("submitted", "board") == ["return", "accept"]
    assert rules.allowed_actions("submitted", "bloc") == ["withdraw"]
    assert rules.allowed_actions("draft", "bloc") == ["submit", "withdraw"]
    assert rules.allowed_actions("decided", "board") == []
    assert rules.allowed_actions("decided", "bloc") == []


ALL_DOCUMENTS = {
    "submission_letter",
    "review_minutes",
    "vote_count_minutes",
    "score_table_annual",
    "annual_report",
}
NOMINEES = [
    Nominee(1, "Sở Tư pháp", "bk_tinh", "Bằng khen"),
    Nominee(2, "Sở Y tế", "bk_tinh", "Bằng khen"),
]


def missing(**changes):
    values = {
        "documents": ALL_DOCUMENTS,
        "needs_vote_count": True,
        "nominees": NOMINEES,
        "achievement_reports": {(1, "bk_tinh"), (2, "bk_tinh")},
        "list_problems": [],
        "has_confirmed_list": True,
    }
    values.update(changes)
    return rules.missing_parts(**values)


def test_a_complete_dossier_misses_nothing():
    assert missing() == []


def test_each_missing_document_is_named():
    found = missing(documents=ALL_DOCUMENTS - {"review_minutes", "annual_report"})
    assert found == [
        "Thiếu Biên bản hội nghị tổng kết (chưa ban hành).",
        "Thiếu Báo cáo tổng kết năm (chưa ban hành).",
    ]


def test_the_vote_count_minutes_are_needed_only_after_a_ballot():
    assert missing(documents=ALL_DOCUMENTS - {"vote_count_minutes"}, needs_vote_count=False) == []
    assert missing(documents=ALL_DOCUMENTS - {"vote_count_minutes"}) == [
        "Thiếu Biên bản kiểm phiếu (chưa ban hành)."
    ]


def test_each_nominee_without_an_achievement_report_is_named():
    assert missing(achievement_reports={(1, "bk_tinh"), (2, "co_tinh")}) == [
        "Thiếu báo cáo thành tích của Sở Y tế (đề nghị Bằng khen)."
    ]


def test_a_list_that_breaks_a_rule_and_no_list_at_all_are_refused():
    assert missing(list_problems=["Bằng khen: tối đa 1 đơn vị; danh sách có 2."]) == [
        "Danh sách đề nghị khen thưởng sai quy định: Bằng khen: tối đa 1 đơn vị; danh sách có 2."
    ]
    assert missing(nominees=[], achievement_reports=set(), has_confirmed_list=False) == [
        "Chưa có danh sách đề nghị khen thưởng nào được chốt."
    ]
