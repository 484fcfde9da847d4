"""One scorecard as its pages show it: its rows in criteria order with their evidence and
warnings, and the totals of each layer (self, review, agreed, board), all through
``campaigns.scoring.CriteriaTree``."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from campaigns import layers
from campaigns.models import Criterion, Scorecard, ScoreLine, rules_for
from campaigns.scoring import CriteriaTree, line_problem
from campaigns.selectors import ZERO, load_trees
from campaigns.services.points import points_label

# --- One scorecard, as the member's page shows it ----------------------------------------------


@dataclass
class Row:
    criterion: Criterion
    depth: int
    line: ScoreLine | None = None
    evidence: list = field(default_factory=list)
    old_evidence: list = field(default_factory=list)
    group_sum: Decimal | None = None
    group_max: Decimal | None = None
    warning: str = ""
    typed_points: str | None = None
    typed_note: str | None = None
    ancestors: tuple = ()
    negative: bool = False

    @property
    def is_group(self):
        return self.criterion.kind == Criterion.Kind.GROUP


def scorecard_rows(scorecard: Scorecard, *, values=None):
    """Everything the scorecard page shows, in a fixed number of queries.

    ``values`` (criterion id → points) overrides the stored self points, for re-showing what a
    member typed after a validation error. Returns ``(rows, totals)``.
    """
    criteria = {c.pk: c for c in scorecard.table.criteria.all()}
    lines = {line.criterion_id: line for line in scorecard.lines.all()}
    files = list(scorecard.evidence.select_related("uploaded_by").order_by("uploaded_at", "pk"))
    tree = CriteriaTree.for_table(scorecard.table, criteria.values())
    points = {cid: line.self_points for cid, line in lines.items()}
    if values:
        points.update(values)
    totals = tree.totals(points)
    step = rules_for(scorecard.period.term).score_step
    rows = []
    for node in tree.nodes:
        criterion = criteria[node.id]
        row = Row(
            criterion=criterion,
            depth=node.depth,
            line=lines.get(node.id),
            ancestors=node.ancestors,
        )
        if row.is_group:
            row.group_sum = totals.group_sums.get(node.id, ZERO)
            row.group_max = tree.group_max.get(node.id)
            row.negative = node.id in tree.penalty_groups
        else:
            row.evidence = [e for e in files if e.criterion_id == node.id and e.is_current]
            row.old_evidence = [e for e in files if e.criterion_id == node.id and not e.is_current]
            problem = line_problem(points.get(node.id), criterion.max_points, step)
            if problem == "range":
                row.warning = _("Ngoài khoảng 0 – %(max)s") % {
                    "max": points_label(criterion.max_points)
                }
            elif problem == "step":
                row.warning = _("Không phải bội số của %(step)s") % {"step": points_label(step)}
        rows.append(row)
    return rows, totals


def scorecard_totals(scorecard: Scorecard, upto=layers.SELF):
    """The totals of one card up to a layer: by default the member's own figures."""
    tree = CriteriaTree.for_table(scorecard.table, scorecard.table.criteria.all())
    return tree.totals({ln.criterion_id: ln.value(upto) for ln in scorecard.lines.all()})


def self_totals_for(cards) -> dict:
    """The self-score totals of many cards (loaded with their table) in two queries, by card id."""
    cards = list(cards)
    if not cards:
        return {}
    _tables, trees = load_trees({c.table_id: c.table for c in cards})
    values = {}
    for card_id, criterion_id, points in ScoreLine.objects.filter(
        scorecard__in=[c.pk for c in cards]
    ).values_list("scorecard_id", "criterion_id", "self_points"):
        values.setdefault(card_id, {})[criterion_id] = points
    return {card.pk: trees[card.table_id].totals(values.get(card.pk, {})) for card in cards}


def layer_totals(tree: CriteriaTree, lines) -> dict:
    """The total of each layer of a card, layer → ``Totals`` (``None`` for a layer nobody wrote).

    Each layer counts, line by line, the latest value up to it (``layers.value_of``): a line not
    yet cross-checked counts its self points in the cross-check total.
    """
    lines = list(lines)
    out = {}
    for layer in layers.ORDER:
        field_name = layers.FIELDS[layer]
        if not any(getattr(ln, field_name) is not None for ln in lines):
            out[layer] = None
            continue
        out[layer] = tree.totals({ln.criterion_id: layers.value_of(ln, upto=layer) for ln in lines})
    return out


def layer_total_labels(tree: CriteriaTree, lines) -> list[dict]:
    """The layer totals of a card as the pages show them: label and points ("—" when none)."""
    return [
        {
            "layer": layer,
            "label": layers.LABELS[layer],
            "total": None if totals is None else totals.total,
            "text": "—" if totals is None else points_label(totals.total),
        }
        for layer, totals in layer_totals(tree, lines).items()
    ]
