"""How harsh or lenient each cross-checking agency was in a period, for those who oversee the
year (its secretariat, the board, administrators). It informs; it never changes a score.

The figures come from ``campaigns.leniency`` over the lines that ``review_lines`` reads.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from blocs.access import require
from campaigns import leniency as rules
from campaigns.access import get_period_for_user
from campaigns.models import Criterion, Scorecard, ScoreLine
from campaigns.scoring import SPEC_FIELDS, CriteriaTree, CriterionSpec
from campaigns.selectors import AgencyRow
from campaigns.services.points import LocalisedNumbers

MINUS = "\u2212"


def top_rows(tree: CriteriaTree) -> dict:
    """Each leaf of ``tree`` → (the position of its top-level row, that row, the leaf).

    A leaf at the top of the table (a bonus or a penalty without a group) is its own top row.
    """
    position = {node.id: i for i, node in enumerate(tree.nodes)}
    out = {}
    for leaf_id, leaf in tree.by_id.items():
        ancestors = tree.ancestors(leaf_id) if leaf_id in tree else ()
        top = tree.by_id[ancestors[-1]] if ancestors else leaf
        out[leaf_id] = (position.get(top.id, len(position)), top, leaf)
    return out


def review_lines(period) -> tuple[list[rules.ReviewLine], dict]:
    """Every line of the period's submitted cards with review points, under its top-level
    criteria group, and the agencies named in them (id → ``AgencyRow``); two queries."""
    agencies, found, tables = {}, [], set()
    for values in (
        ScoreLine.objects.filter(
            scorecard__period=period, review_points__isnull=False, reviewer__isnull=False
        )
        .exclude(scorecard__status=Scorecard.Status.DRAFT)
        .order_by()
        .values_list(
            "reviewer_id",
            "reviewer__name",
            "reviewer__abbreviation",
            "reviewer__sort_key",
            "scorecard__agency_id",
            "scorecard__agency__name",
            "scorecard__agency__abbreviation",
            "scorecard__agency__sort_key",
            "scorecard__table_id",
            "criterion_id",
            "self_points",
            "review_points",
            "agreed_points",
        )
    ):
        agencies.setdefault(values[0], AgencyRow(*values[0:4]))
        agencies.setdefault(values[4], AgencyRow(*values[4:8]))
        tables.add(values[8])
        found.append(values)
    specs = {}
    for table_id, *spec in (
        Criterion.objects.filter(table_id__in=list(tables))
        .order_by("order", "id")
        .values_list("table_id", *SPEC_FIELDS)
    ):
        specs.setdefault(table_id, []).append(CriterionSpec(*spec))
    tops = {table_id: top_rows(CriteriaTree(rows)) for table_id, rows in specs.items()}
    lines = []
    for values in found:
        position, top, leaf = tops[values[8]][values[9]]
        self_points, review_points, agreed_points = values[10:13]
        lines.append(
            (
                position,
                rules.ReviewLine(
                    reviewer_id=values[0],
                    reviewed_id=values[4],
                    group_code=top.code,
                    group_title=top.title,
                    self_points=self_points,
                    review_points=review_points,
                    agreed_points=agreed_points,
                    penalty=leaf.kind == Criterion.Kind.PENALTY,
                ),
            )
        )
    # The groups come in the order of the table, whichever card is read first.
    lines.sort(key=lambda pair: pair[0])
    return [line for _position, line in lines], agencies


class SignedNumbers(LocalisedNumbers):
    """Differences as the page shows them: "+1,5", "−1", "0"; "—" where there is none."""

    def __call__(self, value) -> str:
        if value is None:
            return "—"
        text = super().__call__(abs(value))
        if value > 0:
            return f"+{text}"
        return f"{MINUS}{text}" if value < 0 else text


def shown(figures: rules.Figures, signed, plain) -> dict:
    """One row's figures as strings, every number through the project's points formatting."""
    return {
        "lines": figures.lines,
        "self_mean": signed(figures.vs_self.mean),
        "self_spread": plain(figures.vs_self.spread) or "—",
        "self_count": figures.vs_self.count,
        "agreed_mean": signed(figures.vs_agreed.mean),
        "agreed_spread": plain(figures.vs_agreed.spread) or "—",
        "agreed_count": figures.vs_agreed.count,
        "apart": signed(figures.apart_from_others),
        "verdict": figures.verdict,
        "label": figures.label,
    }


@login_required
@require_GET
def leniency(request, bloc_code, year, kind):
    """Per cross-checking agency: its review points against the self and agreed points of the
    cards it reviewed, beside the other reviewers, overall and per criteria group."""
    term, access, period = get_period_for_user(request, bloc_code, year, kind)
    require(
        access.oversees,
        _("Chỉ thư ký khối và Ban Thi đua – Khen thưởng được xem độ lệch của điểm chấm chéo."),
    )
    lines, agencies = review_lines(period)
    result = rules.leniency(lines)
    signed, plain = SignedNumbers(), LocalisedNumbers()
    rows = []
    for reviewer in sorted(
        result.reviewers,
        key=lambda r: (agencies[r.reviewer_id].sort_key, r.reviewer_id),
    ):
        reviewed = sorted((agencies[i] for i in reviewer.reviewed_ids), key=lambda a: a.sort_key)
        rows.append(
            {
                "reviewer": agencies[reviewer.reviewer_id],
                "reviewed": reviewed,
                "overall": shown(reviewer.overall, signed, plain),
                "groups": [
                    {"group": group, **shown(figures, signed, plain)}
                    for group, figures in reviewer.groups
                ],
            }
        )
    return render(
        request,
        "campaigns/leniency_period.html",
        {
            "term": term,
            "access": access,
            "period": period,
            "section": "ranking",
            "rows": rows,
            "everyone": shown(result.everyone, signed, plain),
            "threshold": plain(rules.THRESHOLD),
        },
    )
