"""How far each cross-checking agency's review points sit from the scores of the cards it
reviewed, beside the other reviewers: no ORM inside.

The figures only inform the secretariat and the board that a reviewer is harsh or lenient; they
never change a score (the legal score of a line stays its latest layer, ``campaigns.layers``).

Conventions, the same everywhere the figures are shown:

- Only lines with review points count; a comparison with self points (or agreed points) counts
  only the lines where those are present too.
- A difference is read by its effect on the card's total: review − self on scored and bonus
  lines, self − review on penalty lines (a reviewer that deducts more is harsher). So a negative
  difference always means the reviewer scored lower than the member, a positive one higher.
- The spread is the population standard deviation of the differences: the lines are every line
  the reviewer scored, not a sample of them. One line, or lines all apart by the same amount,
  have a spread of 0.
- The comparison with the others is the reviewer's mean difference from the self scores minus
  the mean over every line of every other reviewer (in the same criteria group for a group).
  It reads "khắt khe hơn" from ``THRESHOLD`` below, "dễ hơn" from ``THRESHOLD`` above, and
  "tương đương" in between; without another reviewer there is nothing to compare.
- Means, spreads and comparisons are rounded half up to hundredths of a point, the precision
  points are stored with, before the label is read, so that the label matches the figure shown.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")
# A quarter point per line on average, the default score step (``ScoringRules.score_step``): a
# reviewer whose mean is apart from the others' by less than one step is called comparable.
THRESHOLD = Decimal("0.25")

HARSHER, MORE_LENIENT, SIMILAR = "harsher", "more_lenient", "similar"
LABELS = {
    HARSHER: _("khắt khe hơn"),
    MORE_LENIENT: _("dễ hơn"),
    SIMILAR: _("tương đương"),
}


@dataclass(frozen=True)
class ReviewLine:
    """One cross-checked line: who reviewed whom, under which top-level criteria group."""

    reviewer_id: int
    reviewed_id: int
    group_code: str
    group_title: str
    self_points: Decimal | None
    review_points: Decimal | None
    agreed_points: Decimal | None = None
    penalty: bool = False

    def apart_from(self, other: Decimal | None) -> Decimal | None:
        """This line's review points against ``other``, by their effect on the total."""
        if self.review_points is None or other is None:
            return None
        difference = Decimal(self.review_points) - Decimal(other)
        return -difference if self.penalty else difference


@dataclass(frozen=True)
class Differences:
    """The differences of some lines: how many, their mean and their spread (rounded)."""

    count: int = 0
    mean: Decimal | None = None
    spread: Decimal | None = None
    # The unrounded mean, for comparisons (never shown).
    exact_mean: Decimal | None = None


@dataclass(frozen=True)
class Figures:
    """A reviewer's figures over a set of lines (all its lines, or those of one group)."""

    lines: int
    vs_self: Differences
    vs_agreed: Differences
    # The reviewer's mean difference from the self scores minus the other reviewers' (rounded),
    # ``None`` when no other reviewer has a comparable line.
    apart_from_others: Decimal | None = None
    others: Differences = Differences()
    verdict: str = ""  # HARSHER, MORE_LENIENT, SIMILAR or "" (nothing to compare with)

    @property
    def label(self) -> str:
        return LABELS[self.verdict] if self.verdict else ""


@dataclass(frozen=True)
class Group:
    code: str
    title: str


@dataclass(frozen=True)
class ReviewerFigures:
    reviewer_id: int
    reviewed_ids: tuple  # in the order first met
    overall: Figures
    groups: tuple  # ((Group, Figures), ...) in the order the groups were first met


@dataclass(frozen=True)
class Leniency:
    reviewers: tuple  # (ReviewerFigures, ...) in the order first met
    groups: tuple  # (Group, ...) in the order first met
    everyone: Figures  # every reviewer's lines together, with nothing to compare

    @property
    def is_empty(self) -> bool:
        return not self.reviewers


def rounded(value: Decimal | None) -> Decimal | None:
    """A figure as shown: hundredths of a point, half up."""
    if value is None:
        return None
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def differences(values: Iterable[Decimal]) -> Differences:
    """Count, mean and population standard deviation of ``values``."""
    values = [Decimal(v) for v in values]
    if not values:
        return Differences()
    with localcontext() as ctx:
        ctx.prec = 28
        n = Decimal(len(values))
        mean = sum(values, Decimal(0)) / n
        variance = sum(((v - mean) ** 2 for v in values), Decimal(0)) / n
        spread = variance.sqrt()
    return Differences(
        count=len(values), mean=rounded(mean), spread=rounded(spread), exact_mean=mean
    )


def verdict(apart: Decimal | None, threshold: Decimal = THRESHOLD) -> str:
    """The plain word for a rounded difference from the other reviewers."""
    if apart is None:
        return ""
    if apart <= -threshold:
        return HARSHER
    if apart >= threshold:
        return MORE_LENIENT
    return SIMILAR


def figures(lines: list, others: list | None = None, threshold: Decimal = THRESHOLD) -> Figures:
    """The figures of ``lines`` (all with review points), compared with ``others``' lines."""
    vs_self = differences(
        d for d in (ln.apart_from(ln.self_points) for ln in lines) if d is not None
    )
    vs_agreed = differences(
        d for d in (ln.apart_from(ln.agreed_points) for ln in lines) if d is not None
    )
    if others is None:
        return Figures(lines=len(lines), vs_self=vs_self, vs_agreed=vs_agreed)
    theirs = differences(
        d for d in (ln.apart_from(ln.self_points) for ln in others) if d is not None
    )
    apart = None
    if vs_self.count and theirs.count:
        apart = rounded(vs_self.exact_mean - theirs.exact_mean)
    return Figures(
        lines=len(lines),
        vs_self=vs_self,
        vs_agreed=vs_agreed,
        apart_from_others=apart,
        others=theirs,
        verdict=verdict(apart, threshold),
    )


def leniency(rows: Iterable[ReviewLine], *, threshold: Decimal = THRESHOLD) -> Leniency:
    """Every reviewer's figures, overall and per criteria group; lines without review points
    are left out."""
    rows = [r for r in rows if r.review_points is not None]
    groups: dict = {}
    by_reviewer: dict = {}
    for row in rows:
        groups.setdefault(row.group_code, Group(row.group_code, row.group_title))
        by_reviewer.setdefault(row.reviewer_id, []).append(row)
    reviewers = []
    for reviewer_id, mine in by_reviewer.items():
        others = [r for r in rows if r.reviewer_id != reviewer_id]
        per_group = []
        for code, group in groups.items():
            in_group = [r for r in mine if r.group_code == code]
            if in_group:
                others_in_group = [r for r in others if r.group_code == code]
                per_group.append((group, figures(in_group, others_in_group, threshold)))
        reviewers.append(
            ReviewerFigures(
                reviewer_id=reviewer_id,
                reviewed_ids=tuple(dict.fromkeys(r.reviewed_id for r in mine)),
                overall=figures(mine, others, threshold),
                groups=tuple(per_group),
            )
        )
    return Leniency(
        reviewers=tuple(reviewers), groups=tuple(groups.values()), everyone=figures(rows)
    )
