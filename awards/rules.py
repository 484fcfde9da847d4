"""The rules of the review meeting as pure functions over plain values: no ORM inside.

Shares (quorum, vote threshold, quota share) are kept as decimals with three places, so that a
secretariat can type "66,7 %" or "2/3" alike. A decimal stored to a tenth of a percent stands for
the simplest fraction within half a unit of that precision: 0.667 is two thirds, 0.2 is one fifth,
0.5 one half. Every comparison is exact on those fractions, so 8 of 12 members meet a quorum of
0.667 (two thirds), which a plain comparison of 0.6666… with 0.667 would wrongly refuse.

- Quorum (DESIGN.md defaults: 2/3 of the members): present / members ≥ quorum.
- Vote threshold: votes / base > share (or ≥ share), the base being the members present or all
  members, as the year's rule says.
- Quota: at most ``max_count`` and at most ``floor(max_share × members)`` but at least 1
  (Bằng khen: at most 20 % of the members, rounded down, at least 1).
- Winners: eligible candidates reaching the threshold, by votes, within the seats; a tie on the
  last seat is decided by the preference for collectives with at least 70 % women (Nghị định
  152/2025/NĐ-CP, Điều 4) where that separates it, and is otherwise left to a second round.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from math import floor

from django.utils import formats
from django.utils.translation import gettext_lazy as _

PRESENT = "present"
ALL = "all"

# Nghị định 152/2025/NĐ-CP, Điều 4: collectives with at least 70 % women are preferred.
WOMEN_PREFERENCE = Decimal("70")

# Why a candidate is not elected, or how a seat was decided.
ELECTED = "elected"
BELOW_THRESHOLD = "below_threshold"
NOT_ELIGIBLE = "not_eligible"
OUT_OF_SEATS = "out_of_seats"
TIED = "tied"
WOMEN_PREFERRED = "women_preferred"

OUTCOME_LABELS = {
    ELECTED: _("Trúng cử"),
    BELOW_THRESHOLD: _("Không đạt tỷ lệ phiếu"),
    NOT_ELIGIBLE: _("Chưa xét"),
    OUT_OF_SEATS: _("Ngoài số lượng"),
    TIED: _("Bằng phiếu ở suất cuối"),
    WOMEN_PREFERRED: _("Trúng cử nhờ ưu tiên tập thể có từ 70% nữ (Nghị định 152/2025/NĐ-CP)"),
}


def share(value) -> Fraction:
    """The exact fraction a stored share stands for (``Decimal("0.667")`` → 2/3).

    Accepts a :class:`Fraction`, an int, a decimal, or text such as ``"2/3"``, ``"0.667"``;
    raises ``ValueError`` for anything else or for a share outside 0–1.
    """
    if isinstance(value, Fraction):
        result = value
    elif isinstance(value, str) and "/" in value:
        num, _sep, den = value.partition("/")
        try:
            result = Fraction(int(num.strip()), int(den.strip()))
        except (ValueError, ZeroDivisionError):
            raise ValueError(value) from None
    else:
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError):
            raise ValueError(value) from None
        # Checked on the decimal before it becomes a fraction: "Infinity" has no ratio, and a
        # typed "1e999999999" would build a number of a billion digits.
        if not number.is_finite() or not 0 <= number <= 1:
            raise ValueError(value)
        if number.adjusted() < -9:
            # Far below the precision a share is read at (1/2000): it stands for nothing.
            number = Decimal(0)
        exact = Fraction(number)
        result = _simplest_within(exact, Fraction(1, 2000))
    if not 0 <= result <= 1:
        raise ValueError(value)
    return result


def _simplest_within(x: Fraction, radius: Fraction) -> Fraction:
    """The fraction with the smallest denominator in the closed interval [x − r, x + r]."""
    low, high = max(Fraction(0), x - radius), min(Fraction(1), x + radius)
    for den in range(1, 2001):
        num = -((-low.numerator * den) // low.denominator)  # ceil(low × den)
        if Fraction(num, den) <= high:
            return Fraction(num, den)
    return x


def vote_share_label(votes, base) -> str:
    """A candidate's votes as a share of the base, as minutes write it: "77,8%" ("" without
    a base): a tenth of a percent, rounded half up."""
    if votes is None or not base:
        return ""
    value = (Decimal(votes) * 100 / Decimal(base)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return formats.number_format(value, decimal_pos=1, use_l10n=True) + "%"


def share_label(value) -> str:
    """A share as people write it: "2/3" for thirds and the like, else a percent ("20%")."""
    f = share(value)
    percent = f * 100
    if percent.denominator == 1:
        return f"{percent.numerator}%"
    return f"{f.numerator}/{f.denominator}"


def quorum_met(*, present: int, members: int, quorum) -> bool:
    """Whether ``present`` of ``members`` meet the quorum (a meeting of nobody never does)."""
    if members <= 0:
        return False
    return Fraction(present, members) >= share(quorum)


def quorum_needed(*, members: int, quorum) -> int:
    """The fewest members present that meet the quorum."""
    q = share(quorum)
    need = q * members
    return -((-need.numerator) // need.denominator)


def vote_base(*, base: str, present: int, members: int) -> int:
    """The number the vote share is taken of: the members present, or all members."""
    return members if base == ALL else present


def meets_threshold(*, votes: int, base_count: int, min_share, strict: bool) -> bool:
    """Whether ``votes`` of ``base_count`` reach the share (``>`` when strict, else ``≥``)."""
    if base_count <= 0:
        return False
    got, need = Fraction(votes, base_count), share(min_share)
    return got > need if strict else got >= need


def votes_needed(*, base_count: int, min_share, strict: bool) -> int:
    """The fewest votes that pass the threshold."""
    need = share(min_share) * base_count
    whole = need.numerator // need.denominator
    if strict:
        return whole + 1
    return whole if need.denominator == 1 else whole + 1


def quota(*, members: int, max_count=None, max_share=None) -> int:
    """The most nominees an award may have: ``max_count`` and ``floor(share × members)`` (at
    least 1), whichever is smaller; every member when neither is set."""
    limits = []
    if max_count is not None:
        limits.append(int(max_count))
    if max_share is not None:
        limits.append(max(1, floor(share(max_share) * members)))
    return min(limits) if limits else max(members, 0)


class CountError(ValueError):
    """An impossible paper count; ``code`` names the check and ``params`` its numbers."""

    def __init__(self, code: str, message, params: dict):
        super().__init__(message % params)
        self.code, self.params = code, params


def validate_counts(
    *,
    issued: int,
    returned: int,
    valid: int,
    invalid: int,
    votes: dict,
    seats: int,
    voters: int | None = None,
) -> list[CountError]:
    """Every reason a paper ballot's count is impossible (empty when it is possible).

    ``votes`` maps a candidate to its votes. A valid ballot may mark up to ``seats`` candidates.
    """
    errors = []

    def refuse(code, message, **params):
        errors.append(CountError(code, message, params))

    if min(issued, returned, valid, invalid, *votes.values(), 0) < 0:
        refuse("negative", _("Số phiếu không được âm."))
        return errors
    if voters is not None and issued > voters:
        refuse(
            "issued_over_voters",
            _("Số phiếu phát ra (%(issued)s) lớn hơn số đơn vị có mặt (%(voters)s)."),
            issued=issued,
            voters=voters,
        )
    if returned > issued:
        refuse(
            "returned_over_issued",
            _("Số phiếu thu về (%(returned)s) lớn hơn số phiếu phát ra (%(issued)s)."),
            returned=returned,
            issued=issued,
        )
    if valid > returned:
        refuse(
            "valid_over_returned",
            _("Số phiếu hợp lệ (%(valid)s) lớn hơn số phiếu thu về (%(returned)s)."),
            valid=valid,
            returned=returned,
        )
    if valid + invalid != returned:
        refuse(
            "valid_invalid_sum",
            _(
                "Phiếu hợp lệ (%(valid)s) cộng phiếu không hợp lệ (%(invalid)s) phải bằng số"
                " phiếu thu về (%(returned)s)."
            ),
            valid=valid,
            invalid=invalid,
            returned=returned,
        )
    for candidate, n in votes.items():
        if n > valid:
            refuse(
                "candidate_over_valid",
                _("%(candidate)s có %(votes)s phiếu, nhiều hơn số phiếu hợp lệ (%(valid)s)."),
                candidate=candidate,
                votes=n,
                valid=valid,
            )
    total = sum(votes.values())
    if total > valid * seats:
        refuse(
            "sum_over_capacity",
            _(
                "Tổng số phiếu bầu (%(total)s) lớn hơn số phiếu hợp lệ nhân số suất"
                " (%(valid)s × %(seats)s = %(capacity)s)."
            ),
            total=total,
            valid=valid,
            seats=seats,
            capacity=valid * seats,
        )
    return errors


@dataclass(frozen=True)
class Candidate:
    """One agency on a ballot, as the rules see it."""

    agency_id: int
    votes: int
    eligible: bool = True
    women_share: Decimal | None = None
    # The place in the final ranking: lower first; only orders the output.
    rank: int = 0


@dataclass(frozen=True)
class Outcome:
    """The result of a round: who is elected and why each candidate ended where it did."""

    elected: tuple
    outcomes: dict = field(compare=False)
    seats: int = 0
    # Seats left empty (nobody else reached the threshold) or blocked by a tie.
    open_seats: int = 0
    # Candidates tied on the last seat, for a second round.
    tied: tuple = ()
    # Candidates for a second round and the seats it fills; empty when none is needed.
    second_round: tuple = ()
    second_round_seats: int = 0

    @property
    def needs_second_round(self) -> bool:
        return bool(self.second_round) and self.second_round_seats > 0


def _order(c: Candidate):
    return (-c.votes, c.rank, c.agency_id)


def decide(candidates, *, seats: int, base_count: int, min_share, strict: bool) -> Outcome:
    """Who wins a round of ``seats`` seats (already limited by the quota).

    A candidate wins when it is eligible, reaches the threshold and places within the seats by
    votes. Candidates tied on the last seat are separated by the women preference where exactly
    the right number of them have at least 70 % women; otherwise the seat stays open and the tied
    candidates are proposed for a second round. Seats left because too few candidates reached the
    threshold are proposed for a second round among the eligible candidates not elected. The
    result does not depend on the order of ``candidates``.
    """
    candidates = sorted(candidates, key=_order)
    outcomes = {}
    passing = []
    for c in candidates:
        if not c.eligible:
            outcomes[c.agency_id] = NOT_ELIGIBLE
        elif meets_threshold(
            votes=c.votes, base_count=base_count, min_share=min_share, strict=strict
        ):
            passing.append(c)
        else:
            outcomes[c.agency_id] = BELOW_THRESHOLD
    seats = max(int(seats), 0)
    elected, tied = [], []
    if len(passing) <= seats:
        elected = passing
    else:
        last_votes = passing[seats - 1].votes if seats else None
        above = [c for c in passing if last_votes is not None and c.votes > last_votes]
        at_last = [c for c in passing if c.votes == last_votes]
        free = seats - len(above)
        elected = list(above)
        for c in passing:
            if c not in above and c not in at_last:
                outcomes[c.agency_id] = OUT_OF_SEATS
        if len(at_last) <= free:
            elected += at_last
        else:
            preferred = [c for c in at_last if _women_preferred(c)]
            if preferred and len(preferred) == free:
                elected += preferred
                for c in preferred:
                    outcomes[c.agency_id] = WOMEN_PREFERRED
                for c in at_last:
                    if c not in preferred:
                        outcomes[c.agency_id] = OUT_OF_SEATS
            else:
                tied = at_last
                for c in at_last:
                    outcomes[c.agency_id] = TIED
    for c in elected:
        outcomes.setdefault(c.agency_id, ELECTED)
    open_seats = seats - len(elected)
    if tied:
        second = tuple(c.agency_id for c in sorted(tied, key=_order))
    elif open_seats > 0:
        second = tuple(
            c.agency_id
            for c in candidates
            if c.eligible and c not in elected and outcomes.get(c.agency_id) == BELOW_THRESHOLD
        )
    else:
        second = ()
    return Outcome(
        elected=tuple(c.agency_id for c in sorted(elected, key=_order)),
        outcomes=outcomes,
        seats=seats,
        open_seats=open_seats,
        tied=tuple(c.agency_id for c in sorted(tied, key=_order)),
        second_round=second,
        second_round_seats=open_seats if second else 0,
    )


def _women_preferred(c: Candidate) -> bool:
    return c.women_share is not None and Decimal(c.women_share) >= WOMEN_PREFERENCE


@dataclass(frozen=True)
class RankedMember:
    """An agency of the final ranking, as the candidate list sees it."""

    agency_id: int
    rank: int
    band: str = ""
    held: bool = False


def candidate_list(
    ranking, *, quota_count: int, bands_order, min_band: str = "", required_ids=None
) -> tuple[list, dict]:
    """Candidates for an award: the final ranking in rank order, eligible ones only.

    Returns (candidate agency ids, reasons for those left out by agency id). An agency is left
    out when it is under an eligibility hold, below the award's minimum band, or lacks the
    prerequisite (``required_ids``: e.g. only the bloc's flag nominee may stand for the
    Government flag, Luật Thi đua, khen thưởng 2022, Điều 25). The list is cut at the quota, but
    agencies sharing the rank of the last place are kept together.
    """
    order = list(bands_order)
    floor_index = order.index(min_band) if min_band in order else None
    chosen, left_out = [], {}
    for m in sorted(ranking, key=lambda m: (m.rank, m.agency_id)):
        if m.held:
            left_out[m.agency_id] = "held"
        elif floor_index is not None and (m.band not in order or order.index(m.band) > floor_index):
            left_out[m.agency_id] = "band"
        elif required_ids is not None and m.agency_id not in required_ids:
            left_out[m.agency_id] = "prerequisite"
        else:
            chosen.append(m)
    if quota_count < len(chosen):
        cut = chosen[quota_count - 1].rank if quota_count > 0 else None
        chosen = [m for m in chosen if cut is not None and m.rank <= cut]
    return [m.agency_id for m in chosen], left_out


@dataclass(frozen=True)
class ListProblem:
    code: str
    params: dict


def check_nominations(
    nominee_ids, *, quota_count: int, eligible_ids, required_ids=None
) -> list[ListProblem]:
    """Why a nomination list breaks the year's rules (empty when it keeps them)."""
    nominee_ids = list(nominee_ids)
    problems = []
    if len(set(nominee_ids)) != len(nominee_ids):
        problems.append(ListProblem("duplicate", {}))
    if len(set(nominee_ids)) > quota_count:
        problems.append(
            ListProblem("over_quota", {"count": len(set(nominee_ids)), "quota": quota_count})
        )
    ineligible = [i for i in nominee_ids if i not in set(eligible_ids)]
    if ineligible:
        problems.append(ListProblem("not_eligible", {"ids": tuple(ineligible)}))
    if required_ids is not None:
        missing = [i for i in nominee_ids if i not in set(required_ids)]
        if missing:
            problems.append(ListProblem("prerequisite", {"ids": tuple(missing)}))
    return problems
