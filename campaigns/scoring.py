"""A criteria table as a pure tree, and the totals of a scorecard: no ORM inside.

A parent row is always the sum of its leaves and is never entered. Scored leaves add up to the
base, capped at the table's base maximum; bonus leaves to the bonus, capped at the bonus cap;
penalty leaves to the penalty, capped at the penalty cap. Total = base + bonus − penalty.

:class:`CriteriaTree` is built once from a table's rows and is the only place that walks the
tree: its order and depths, the leaves under a group, the groups' maxima and the totals that the
scoring page, the review pages, the ranking, the exports and the documents show.
"""

from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal("0")

GROUP, SCORED, BONUS, PENALTY = "group", "scored", "bonus", "penalty"


@dataclass(frozen=True)
class CriterionSpec:
    """What the tree needs to know of a criterion."""

    id: int
    parent_id: int | None
    kind: str
    max_points: Decimal
    code: str = ""
    title: str = ""
    order: int = 0
    evidence_required: bool = False
    guidance: str = ""

    @classmethod
    def of(cls, row) -> "CriterionSpec":
        """The spec of a ``Criterion`` row (or of any object with the same attributes)."""
        return cls(
            id=row.pk,
            parent_id=row.parent_id,
            kind=row.kind,
            max_points=row.max_points,
            code=row.code,
            title=row.title,
            order=row.order,
            evidence_required=row.evidence_required,
            guidance=row.guidance,
        )

    @property
    def pk(self):
        return self.id

    @property
    def is_group(self) -> bool:
        return self.kind == GROUP

    @property
    def is_leaf(self) -> bool:
        return self.kind != GROUP


# The columns of a ``Criterion`` row a spec is read from, in the order of its fields.
SPEC_FIELDS = (
    "id",
    "parent_id",
    "kind",
    "max_points",
    "code",
    "title",
    "order",
    "evidence_required",
    "guidance",
)


@dataclass(frozen=True)
class Node:
    """A row of the tree in table order, with its depth (0 at the top) and its groups above."""

    spec: CriterionSpec
    depth: int
    ancestors: tuple = ()

    @property
    def id(self):
        return self.spec.id


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


class CriteriaTree:
    """The rows of one criteria table as a tree, with the table's caps.

    ``rows`` are :class:`CriterionSpec` or ``Criterion`` rows in any order; siblings are ordered
    by their ``order`` and then as given. A row whose parent is missing is shown at the top
    rather than lost.
    """

    def __init__(self, rows, *, base_max=100, bonus_cap=10, penalty_cap=10):
        specs = [r if isinstance(r, CriterionSpec) else CriterionSpec.of(r) for r in rows]
        self.base_max = Decimal(base_max)
        self.bonus_cap = Decimal(bonus_cap)
        self.penalty_cap = Decimal(penalty_cap)
        self.by_id = {s.id: s for s in specs}
        children = {}
        for s in sorted(specs, key=lambda s: s.order):
            parent = s.parent_id if s.parent_id in self.by_id else None
            children.setdefault(parent, []).append(s)
        self.nodes: list[Node] = []
        stack = [(s, 0, ()) for s in reversed(children.get(None, []))]
        seen = set()
        while stack:
            spec, depth, ancestors = stack.pop()
            if spec.id in seen:
                continue
            seen.add(spec.id)
            self.nodes.append(Node(spec=spec, depth=depth, ancestors=ancestors))
            for child in reversed(children.get(spec.id, [])):
                stack.append((child, depth + 1, (spec.id, *ancestors)))
        self._node = {n.id: n for n in self.nodes}
        # Rows under a loop of parents are never reached from the top.
        self.in_loop = set(self.by_id) - seen
        self.leaves = [n.spec for n in self.nodes if n.spec.is_leaf]
        self.groups = [n.spec for n in self.nodes if n.spec.is_group]
        self.group_max = {g.id: ZERO for g in self.groups}
        kinds = {}
        self._under = {g.id: [] for g in self.groups}
        for leaf in self.leaves:
            for gid in self._node[leaf.id].ancestors:
                self.group_max[gid] += Decimal(leaf.max_points)
                kinds.setdefault(gid, set()).add(leaf.kind)
                self._under[gid].append(leaf.id)
        self._group_ids = [g.id for g in self.groups]
        # What ``totals`` reads for each leaf, computed once for the many cards of a period.
        self._plan = [
            (leaf.id, leaf.kind, Decimal(leaf.max_points), self._node[leaf.id].ancestors)
            for leaf in self.leaves
        ]
        # Groups whose leaves are all penalties are shown with a minus sign.
        self.penalty_groups = {gid for gid, found in kinds.items() if found == {PENALTY}}

    @classmethod
    def for_table(cls, table, rows) -> "CriteriaTree":
        """The tree of a ``CriteriaTable`` with its caps, from its ``rows``."""
        return cls(
            rows,
            base_max=table.base_max,
            bonus_cap=table.bonus_cap,
            penalty_cap=table.penalty_cap,
        )

    def __len__(self):
        return len(self.nodes)

    def __contains__(self, criterion_id):
        return criterion_id in self._node

    def node(self, criterion_id) -> Node:
        return self._node[criterion_id]

    def depth(self, criterion_id) -> int:
        return self._node[criterion_id].depth

    def ancestors(self, criterion_id) -> tuple:
        """The groups above a row, nearest first."""
        return self._node[criterion_id].ancestors

    def leaves_under(self, group_id) -> list[int]:
        """The ids of every leaf under ``group_id``, in table order."""
        return list(self._under.get(group_id, ()))

    @property
    def top_groups(self) -> list[CriterionSpec]:
        return [g for g in self.groups if self._node[g.id].depth == 0]

    @property
    def scored_top_groups(self) -> list[CriterionSpec]:
        """Top-level groups holding scored leaves: those that make up the base."""
        return [
            g
            for g in self.top_groups
            if any(self.by_id[i].kind == SCORED for i in self._under[g.id])
        ]

    @property
    def first_group_id(self) -> int | None:
        """The first top-level group, whose sum is a tie-break (DESIGN.md defaults)."""
        top = self.top_groups
        return top[0].id if top else None

    def totals(self, values) -> Totals:
        """The totals for ``values`` (leaf id → points; missing or ``None`` counts 0).

        Values given for group rows are ignored: a parent row is only ever the sum of its leaves.
        """
        sums = {SCORED: ZERO, BONUS: ZERO, PENALTY: ZERO}
        group_sums = dict.fromkeys(self._group_ids, ZERO)
        get = values.get
        for leaf_id, kind, max_points, groups in self._plan:
            points = get(leaf_id)
            if points is None:
                continue
            if not isinstance(points, Decimal):
                points = Decimal(points)
            # A leaf counts between 0 and its maximum, as ``clamp_leaf`` says.
            if points < 0:
                points = ZERO
            elif points > max_points:
                points = max_points
            sums[kind] += points
            for gid in groups:
                group_sums[gid] += points
        base = min(sums[SCORED], self.base_max)
        bonus = min(sums[BONUS], self.bonus_cap)
        penalty = min(sums[PENALTY], self.penalty_cap)
        return Totals(
            base_raw=sums[SCORED],
            base=base,
            bonus_raw=sums[BONUS],
            bonus=bonus,
            penalty_raw=sums[PENALTY],
            penalty=penalty,
            total=base + bonus - penalty,
            group_sums=group_sums,
        )

    def problems(self) -> list[tuple[str, str]]:
        """Why the table cannot be adopted, as ``(problem, detail)`` pairs; empty when it can.

        Problems: ``duplicate_code`` (detail: the code), ``empty_group`` (the group's code),
        ``no_scored`` and ``base_sum`` (detail: the sum of the scored leaves as a string).
        """
        problems = []
        seen, reported = set(), set()
        for node in self.nodes:
            code = node.spec.code.strip()
            if code in seen and code not in reported:
                problems.append(("duplicate_code", code))
                reported.add(code)
            seen.add(code)
        has_children = {a for n in self.nodes for a in n.ancestors[:1]}
        for g in self.groups:
            if g.id not in has_children:
                problems.append(("empty_group", g.code))
        scored = [leaf for leaf in self.leaves if leaf.kind == SCORED]
        if not scored:
            problems.append(("no_scored", ""))
        else:
            total = sum((Decimal(leaf.max_points) for leaf in scored), ZERO)
            if total != self.base_max:
                problems.append(("base_sum", str(total)))
        return problems


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
