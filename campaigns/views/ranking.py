"""Pages that read a whole period: the secretariat's grid, the ranking, its explanation, exports.

Each reads the period once through ``campaigns.selectors.load_period`` (plain values) and
formats every distinct number once, so that the template only places strings.
"""

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from blocs.access import get_term_for_user, require
from campaigns import card_totals, layers, selectors
from campaigns import ranking as ranking_rules
from campaigns.access import (
    can_see_ranking,
    get_period_for_user,
    get_periods_for_user,
    sees_every_scorecard,
)
from campaigns.forms.review import GridFilterForm
from campaigns.models import Period
from campaigns.scoring import clamp_leaf
from campaigns.services import exports
from campaigns.services.points import LocalisedNumbers, points_label


def grid_rows(data, leaves, layer, number) -> list[dict]:
    """One row per card: its total and a cell per leaf, every number already formatted."""
    rows = []
    for card in data.cards:
        cells = []
        for leaf in leaves:
            line = card.lines.get(leaf.id)
            if line is None:
                cells.append({"empty": True})
                continue
            raw = line.by_layer
            values = {name: number(v) for name, v in raw.items()}
            values["final"] = number(line.value())
            cells.append(
                {
                    "empty": False,
                    "values": values,
                    "one": values.get(layer) if layer != "all" else None,
                    "diff": layers.differs(raw),
                }
            )
        rows.append(
            {
                "card": card,
                "total": number(card.totals.total),
                "layer_totals": card_totals.layer_total_labels(
                    data.trees[card.table_id], card.lines.values()
                ),
                "cells": cells,
            }
        )
    return rows


@login_required
@require_GET
def review_grid(request, bloc_code, year, kind):
    """Agencies × criteria with every layer, filtered by group, layer and differences."""
    term, access, period = get_period_for_user(request, bloc_code, year, kind)
    require(
        sees_every_scorecard(access),
        _("Chỉ thư ký khối, khối phó và Ban TĐKT xem được bảng tổng hợp."),
    )
    data = selectors.load_period(period, include_drafts=True)
    tree = data.main_tree
    form = GridFilterForm(request.GET or None, groups=tree.top_groups)
    group, layer, diff_only = "", "all", False
    if form.is_valid():
        group = form.cleaned_data["group"] or ""
        layer = form.cleaned_data["layer"] or "all"
        diff_only = form.cleaned_data["diff"]
    leaves = tree.leaves
    if group:
        under = set(tree.leaves_under(int(group)))
        leaves = [c for c in leaves if c.id in under]
    rows = grid_rows(data, leaves, layer, LocalisedNumbers())
    if diff_only:
        keep = [i for i in range(len(leaves)) if any(r["cells"][i].get("diff") for r in rows)]
        leaves = [leaves[i] for i in keep]
        for r in rows:
            r["cells"] = [r["cells"][i] for i in keep]
        rows = [r for r in rows if any(c.get("diff") for c in r["cells"])]
    return render(
        request,
        "campaigns/grid_period.html",
        {
            "term": term,
            "access": access,
            "period": period,
            "form": form,
            "columns": leaves,
            "rows": rows,
            "layer": layer,
            "diff_only": diff_only,
            "layer_labels": [layers.LABELS[la] for la in layers.ORDER],
            "section": "ranking",
        },
    )


@login_required
@require_GET
def review_grid_export(request, bloc_code, year, kind):
    """The grid as the conference sheet: one row per agency, group sums, layer totals, rank."""
    term, access, period = get_period_for_user(request, bloc_code, year, kind)
    require(
        sees_every_scorecard(access),
        _("Chỉ thư ký khối, khối phó và Ban TĐKT xem được bảng tổng hợp."),
    )
    data = selectors.load_period(period)
    response = HttpResponse(exports.grid_workbook(data), content_type=exports.CONTENT_TYPES["xlsx"])
    name = f"bang-tong-hop-{term.bloc.code}-{term.year}-{period.kind}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


CHART_COLOURS = ["#8b1a1a", "#b8860b", "#2f6f4e", "#3c5a99", "#7a4a8c", "#5a6b8c"]


def ranking_chart(data, ranked):
    """Geometry of a horizontal bar chart of totals, with each agency's group sums beneath."""
    # Only groups of scored criteria make up the base; bonus and penalty groups would mislead.
    groups = data.main_tree.scored_top_groups
    label_w, bar_w, row_h = 220, 520, 34
    top = max([r.row.total for r in ranked] + [Decimal("1")])
    cards = {c.agency.id: c for c in data.cards}
    bars = []
    for i, r in enumerate(ranked):
        y = 10 + i * row_h
        width = float(max(r.row.total, 0) / top) * bar_w
        segments, x = [], label_w
        card = cards[r.agency_id]
        for g_index, g in enumerate(groups):
            value = card.totals.group_sums.get(g.id, Decimal("0"))
            w = float(value / top) * bar_w
            segments.append(
                {
                    "x": round(x, 1),
                    "w": round(w, 1),
                    "colour": CHART_COLOURS[g_index % len(CHART_COLOURS)],
                    "label": f"{g.code}: {points_label(value)}",
                }
            )
            x += w
        bars.append(
            {
                "y": y,
                "label": r.row.abbreviation or r.row.name,
                "rank": r.rank,
                "total": r.row.total,
                "w": round(width, 1),
                "segments": segments,
            }
        )
    legend = [
        {"label": f"{g.code}. {g.title}"[:60], "colour": CHART_COLOURS[i % len(CHART_COLOURS)]}
        for i, g in enumerate(groups)
    ]
    return {
        "bars": bars,
        "height": 20 + len(ranked) * row_h,
        "width": label_w + bar_w + 80,
        "label_w": label_w,
        "bar_w": bar_w,
        "legend": legend,
    }


@login_required
@require_GET
def ranking_index(request, bloc_code, year):
    """Send the reader to the latest period of the year (year-end first)."""
    term, access = get_term_for_user(request, bloc_code, year)
    periods = {p.kind: p for p in Period.objects.filter(term=term)}
    for kind in (Period.Kind.ANNUAL, Period.Kind.SEMIANNUAL):
        if kind in periods:
            return redirect("campaigns:ranking", bloc_code=bloc_code, year=year, kind=kind)
    return render(
        request,
        "campaigns/ranking_none.html",
        {"term": term, "access": access, "section": "ranking"},
    )


@login_required
@require_GET
def ranking(request, bloc_code, year, kind):
    """The ranking of a period: table, bar chart, downloads."""
    term, access, period, periods = get_periods_for_user(request, bloc_code, year, kind)
    context = {
        "term": term,
        "access": access,
        "period": period,
        "section": "ranking",
        "visible": can_see_ranking(access, period),
        "periods": periods,
    }
    if context["visible"]:
        # The page is read far more often than scores change: rows loaded before are reused.
        data = selectors.load_period_kept(period)
        before = {r.agency_id: r for r in data.ranked_before_board}
        with_card = {c.agency.id for c in data.cards}
        context.update(
            data=data,
            rows=[(r, before.get(r.agency_id)) for r in data.ranked],
            # An agency under an eligibility hold stays ranked, marked with why it is not
            # considered for an award.
            marks=selectors.ranking_marks(period, [r.agency_id for r in data.ranked]),
            # Never silently missing: who has not submitted is listed after the ranked ones.
            unsubmitted=[{"agency": a, "has_card": a.id in with_card} for a in data.unsubmitted],
            chart=ranking_chart(data, data.ranked),
            board_changed=data.has_board_changes,
            can_grid=sees_every_scorecard(access),
            tie_breaks=data.rules.tie_break_labels,
        )
    return render(request, "campaigns/ranking_period.html", context)


@login_required
@require_GET
def ranking_export(request, bloc_code, year, kind, fmt):
    """The ranking as the ``export_ranking`` command writes it: JSON, CSV or XLSX."""
    term, access, period = get_period_for_user(request, bloc_code, year, kind)
    if fmt not in exports.CONTENT_TYPES:
        raise Http404(_("Không có định dạng này."))
    require(can_see_ranking(access, period), _("Bảng xếp hạng chưa được công bố."))
    data = selectors.load_period(period)
    response = HttpResponse(
        exports.render_export(data, fmt), content_type=exports.CONTENT_TYPES[fmt]
    )
    name = f"xep-hang-{term.bloc.code}-{term.year}-{period.kind}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def ranking_explain(request, bloc_code, year, kind, agency_id):
    """How one agency's rank came about: lines → group sums → caps → total → band → rank."""
    term, access, period = get_period_for_user(request, bloc_code, year, kind)
    own = agency_id in access.member_agency_ids
    if not (can_see_ranking(access, period) or own):
        raise Http404(_("Không tìm thấy phiếu chấm điểm."))
    data = selectors.load_period(period)
    card = data.card_for(agency_id)
    if card is None:
        raise Http404(_("Không tìm thấy phiếu chấm điểm."))
    ranked = next((r for r in data.ranked if r.agency_id == agency_id), None)
    before = next((r for r in data.ranked_before_board if r.agency_id == agency_id), None)
    names = {c.agency.id: c.agency for c in data.cards}
    tree = data.trees[card.table_id]
    lines = []
    for node in tree.nodes:
        criterion = node.spec
        ln = card.lines.get(criterion.id)
        row = {"criterion": criterion, "line": ln, "depth": node.depth}
        if criterion.is_group:
            row["group_sum"] = card.totals.group_sums.get(criterion.id)
        elif ln is not None:
            row["counted"] = clamp_leaf(ln.value(), criterion.max_points)
        lines.append(row)
    decisions = []
    if ranked:
        for d in ranked.decisions:
            members = []
            for aid in d.group:
                value = d.values.get(aid)
                if d.rule == ranking_rules.FEWER_PENALTY and value is not None:
                    value = -value
                members.append({"agency": names.get(aid), "value": value, "me": aid == agency_id})
            decisions.append({"decision": d, "members": members})
    return render(
        request,
        "campaigns/ranking_explain.html",
        {
            "term": term,
            "access": access,
            "period": period,
            "card": card,
            "agency": card.agency,
            "table": data.tables[card.table_id],
            "lines": lines,
            "totals": card.totals,
            "ranked": ranked,
            "before": before,
            "shared": [names.get(i) for i in (ranked.shared_with if ranked else ())],
            "decisions": decisions,
            "bands": data.rules.parsed_bands,
            "tie_breaks": data.rules.tie_break_labels,
            "show_rank": can_see_ranking(access, period),
            "section": "ranking",
        },
    )
