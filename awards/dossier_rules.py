"""The award dossier's moves and its completeness, as pure functions over plain values.

``transition(state, action, actor, reason)`` returns the next state or raises ``Refused`` with a
named code; ``missing_parts(...)`` names every part a submission still lacks. Nothing here reads
the database, so every rule is tested alone (``awards/tests/test_dossier_rules.py``).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

DRAFT, SUBMITTED, RETURNED, ACCEPTED, DECIDED, WITHDRAWN = (
    "draft",
    "submitted",
    "returned",
    "accepted",
    "decided",
    "withdrawn",
)
SUBMIT, WITHDRAW, REOPEN, RETURN, ACCEPT, DECIDE = (
    "submit",
    "withdraw",
    "reopen",
    "return",
    "accept",
    "decide",
)
# Who acts: the bloc (its secretariat) or the board of its council.
BLOC, BOARD = "bloc", "board"


@dataclass(frozen=True)
class Move:
    from_states: frozenset
    to_state: str
    actor: str
    needs_reason: bool = False


MOVES = {
    SUBMIT: Move(frozenset({DRAFT, RETURNED}), SUBMITTED, BLOC),
    WITHDRAW: Move(frozenset({DRAFT, SUBMITTED, RETURNED}), WITHDRAWN, BLOC, needs_reason=True),
    REOPEN: Move(frozenset({WITHDRAWN}), DRAFT, BLOC),
    RETURN: Move(frozenset({SUBMITTED}), RETURNED, BOARD, needs_reason=True),
    ACCEPT: Move(frozenset({SUBMITTED}), ACCEPTED, BOARD),
    DECIDE: Move(frozenset({ACCEPTED}), DECIDED, BOARD),
}


class Refused(Exception):
    """A move the rules do not allow; ``code`` names the rule, the message says it in words."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def transition(state: str, action: str, actor: str, reason: str = "") -> str:
    """The state after ``actor`` does ``action`` on a dossier in ``state``, or ``Refused``.

    Refusal codes: ``unknown_action``, ``wrong_actor``, ``wrong_state``, ``reason_required``.
    """
    move = MOVES.get(action)
    if move is None:
        raise Refused("unknown_action", _("Thao tác này không có đối với hồ sơ."))
    if actor != move.actor:
        if move.actor == BOARD:
            raise Refused(
                "wrong_actor",
                _(
                    "Chỉ Ban Thi đua – Khen thưởng được trả lại, tiếp nhận hoặc "
                    "ghi quyết định đối với hồ sơ."
                ),
            )
        raise Refused("wrong_actor", _("Chỉ thư ký khối được gửi, rút hoặc mở lại hồ sơ."))
    if state not in move.from_states:
        raise Refused("wrong_state", _wrong_state(state, action))
    if move.needs_reason and not (reason or "").strip():
        raise Refused("reason_required", _("Cần ghi rõ lý do."))
    return move.to_state


def _wrong_state(state: str, action: str) -> str:
    if state == DECIDED:
        return _("Hồ sơ đã có quyết định khen thưởng; không thể thay đổi nữa.")
    if state == ACCEPTED and action == WITHDRAW:
        return _("Ban đã tiếp nhận hồ sơ; khối không thể rút hồ sơ nữa.")
    if state == WITHDRAWN:
        return _("Hồ sơ đã được rút; cần mở lại trước khi làm tiếp.")
    if action == SUBMIT:
        return _("Hồ sơ đã được gửi Ban và đang chờ xem xét.")
    if action in (RETURN, ACCEPT):
        return _("Chỉ xem xét được hồ sơ khối đã gửi Ban.")
    if action == DECIDE:
        return _("Chỉ ghi quyết định cho hồ sơ Ban đã tiếp nhận.")
    return _("Thao tác này không thực hiện được ở trạng thái hiện tại của hồ sơ.")


def allowed_actions(state: str, actor: str) -> list[str]:
    """The moves ``actor`` may make from ``state`` (for buttons; the service re-checks)."""
    return [
        action
        for action, move in MOVES.items()
        if move.actor == actor and state in move.from_states
    ]


@dataclass(frozen=True)
class Nominee:
    agency_id: int
    agency_name: str
    award_code: str
    award_name: str


def missing_parts(
    *,
    documents: set[str],
    needs_vote_count: bool,
    nominees: list[Nominee],
    achievement_reports: set[tuple[int, str]],
    list_problems: list[str],
    has_confirmed_list: bool,
) -> list[str]:
    """Name every part a dossier lacks before it may be submitted; empty when complete.

    ``documents`` holds the kinds of the year's issued documents, ``achievement_reports`` the
    (agency id, award code) of each issued achievement report; ``list_problems`` names, each
    with its award, what a nomination list breaks (quota, vote share, holds…).
    """
    missing = []
    required = [
        ("submission_letter", _("Tờ trình đề nghị khen thưởng")),
        ("review_minutes", _("Biên bản hội nghị tổng kết")),
        ("score_table_annual", _("Bảng tổng hợp điểm cả năm")),
        ("annual_report", _("Báo cáo tổng kết năm")),
    ]
    if needs_vote_count:
        required.insert(2, ("vote_count_minutes", _("Biên bản kiểm phiếu")))
    for kind, name in required:
        if kind not in documents:
            missing.append(_("Thiếu %(part)s (chưa ban hành).") % {"part": name})
    if not has_confirmed_list:
        missing.append(_("Chưa có danh sách đề nghị khen thưởng nào được chốt."))
    for nominee in nominees:
        if (nominee.agency_id, nominee.award_code) not in achievement_reports:
            missing.append(
                _("Thiếu báo cáo thành tích của %(agency)s (đề nghị %(award)s).")
                % {"agency": nominee.agency_name, "award": nominee.award_name}
            )
    for problem in list_problems:
        missing.append(
            _("Danh sách đề nghị khen thưởng sai quy định: %(problem)s") % {"problem": problem}
        )
    return missing
