"""Totals of a scorecard as pure functions over plain values: no ORM inside.

A parent row is always the sum of its leaves and is never entered. Scored leaves add up to the
base, capped at the table's base maximum; bonus leaves to the bonus, capped at the bonus cap;
penalty leaves to the penalty, capped at the penalty cap. Total = base + bonus − penalty.
The same functions serve the scoring page, the exports and the ranking.
"""

from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal("0")

GROUP, SCORED, BONUS, PENALTY = "group", "scored", "bonus", "penalty"


@dataclass(frozen=True)
class CriterionSpec:
    """What the totals need to know of a criterion."""

    id: int
    parent_id: int | None
    kind: str
    max_points: Decimal
    code: str = ""


@dataclass(frozen=True)
class Totals:
    base_raw: Decimal
    base: Decimal
    bonus_raw: Decimal
    bonus: Decimal
    penalty_raw: Decimal
    penalty: Decimal
    total: Decimal
    # The sum of the leaves under every group row, by criterion id.
    group_sums: dict = field(default_factory=dict)
    # The top-level rows (groups and top-level leaves) in table order, by criterion id.
    top_level: tuple = ()

    @property
    def base_capped(self) -> bool:
        return self.base != self.base_raw

    @property
    def bonus_capped(self) -> bool:
        return self.bonus != self.bonus_raw

    @property
    def penalty_capped(self) -> bool:
        return self.penalty != self.penalty_raw


def clamp_leaf(value, max_points) -> Decimal:
    """A leaf counts between 0 and its maximum; an empty line counts 0."""
    if value is None:
        return ZERO
    value = Decimal(value)
    if value < 0:
        return ZERO
    return min(value, Decimal(max_points))


def compute_totals(criteria, values, *, base_max, bonus_cap, penalty_cap) -> Totals:
    """Compute the totals of one scorecard.

    ``criteria`` is an iterable of :class:`CriterionSpec` in table order; ``values`` maps a
    leaf's id to its points (``None`` or missing counts 0). Values given for group rows are
    ignored: a parent row is only ever the sum of its leaves.
    """
    criteria = list(criteria)
    by_id = {c.id: c for c in criteria}
    sums = {"scored": ZERO, "bonus": ZERO, "penalty": ZERO}
    group_sums = {c.id: ZERO for c in criteria if c.kind == GROUP}
    for c in criteria:
        if c.kind == GROUP:
            continue
        points = clamp_leaf(values.get(c.id), c.max_points)
        sums[c.kind] += points
        parent = c.parent_id
        seen = set()
        while parent is not None and parent in by_id and parent not in seen:
            seen.add(parent)
            if parent in group_sums:
                group_sums[parent] += points
            parent = by_id[parent].parent_id
    base_max, bonus_cap, penalty_cap = Decimal(base_max), Decimal(bonus_cap), Decimal(penalty_cap)
    base = min(sums["scored"], base_max)
    bonus = min(sums["bonus"], bonus_cap)
    penalty = min(sums["penalty"], penalty_cap)
    return Totals(
        base_raw=sums["scored"],
        base=base,
        bonus_raw=sums["bonus"],
        bonus=bonus,
        penalty_raw=sums["penalty"],
        penalty=penalty,
        total=base + bonus - penalty,
        group_sums=group_sums,
        top_level=tuple(c.id for c in criteria if c.parent_id is None),
    )


def leaf_ids_under(criteria, group_id) -> list[int]:
    """The ids of every leaf under ``group_id``, in table order."""
    criteria = list(criteria)
    children = {}
    for c in criteria:
        children.setdefault(c.parent_id, []).append(c)
    out, stack = [], [group_id]
    while stack:
        node = stack.pop()
        for child in reversed(children.get(node, [])):
            if child.kind == GROUP:
                stack.append(child.id)
            else:
                out.append(child.id)
    order = {c.id: i for i, c in enumerate(criteria)}
    return sorted(out, key=order.__getitem__)


def is_multiple_of(value, step) -> bool:
    """Whether ``value`` is a whole number of ``step`` (a step of 0 allows any value)."""
    step = Decimal(step)
    if step <= 0:
        return True
    return Decimal(value) % step == 0


def line_problem(value, max_points, step) -> str | None:
    """Why a leaf's points cannot be submitted: ``"range"``, ``"step"`` or ``None``."""
    if value is None:
        return None
    value = Decimal(value)
    if value < 0 or value > Decimal(max_points):
        return "range"
    if not is_multiple_of(value, step):
        return "step"
    return None


def table_problems(criteria, *, base_max) -> list[tuple[str, str]]:
    """Why a table cannot be adopted, as ``(problem, detail)`` pairs; empty when it can.

    Problems: ``duplicate_code`` (detail: the code), ``empty_group`` (the group's code),
    ``no_scored`` and ``base_sum`` (detail: the sum of the scored leaves as a string).
    """
    criteria = list(criteria)
    problems = []
    seen, reported = set(), set()
    for c in criteria:
        code = c.code.strip()
        if code in seen and code not in reported:
            problems.append(("duplicate_code", code))
            reported.add(code)
        seen.add(code)
    parents = {c.parent_id for c in criteria if c.parent_id is not None}
    for c in criteria:
        if c.kind == GROUP and c.id not in parents:
            problems.append(("empty_group", c.code))
    scored = [c for c in criteria if c.kind == SCORED]
    if not scored:
        problems.append(("no_scored", ""))
    else:
        total = sum((Decimal(c.max_points) for c in scored), ZERO)
        if total != Decimal(base_max):
            problems.append(("base_sum", str(total)))
    return problems
