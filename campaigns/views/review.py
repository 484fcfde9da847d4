"""Pages of the review: cross-checks, the layers of a scorecard, the grid, the ranking."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from blocs.access import get_term_for_user, require
from campaigns import ranking as ranking_rules
from campaigns.access import (
    can_see_scorecard,
    get_period_for_term,
    reviewer_agency_id,
    sees_every_scorecard,
)
from campaigns.forms.review import LAYER_FORMS, CrossCheckForm, GridFilterForm
from campaigns.models import (
    Criterion,
    CrossCheck,
    Evidence,
    Period,
    ScoreLine,
    ScoreLineChange,
    rules_for,
)
from campaigns.scoring import CriterionSpec, clamp_leaf, compute_totals
from campaigns.services import review as services

LAYER_RIGHT_DENIED = {
    "review": gettext_lazy("Chỉ đơn vị được phân công chấm chéo phiếu này mới được chấm."),
    "explanation": gettext_lazy("Chỉ đơn vị có phiếu mới được giải trình."),
    "agreed": gettext_lazy("Chỉ thư ký khối được ghi điểm thống nhất."),
    "board": gettext_lazy("Chỉ Ban Thi đua – Khen thưởng được điều chỉnh điểm."),
}


# --- Loading with access -----------------------------------------------------------------------


def _get_period(request, bloc_code, year, kind):
    """The term's period of ``kind`` the user may read (404 otherwise), with the term's rights."""
    term, access = get_term_for_user(request, bloc_code, year)
    period = get_period_for_term(term, kind)
    period.term = term
    return term, access, period


def _get_scorecard(request, bloc_code, year, kind, agency_id):
    """A scorecard the reader may see (``campaigns.access.can_see_scorecard``), else 404."""
    term, access, period = _get_period(request, bloc_code, year, kind)
    card = period.scorecards.select_related("agency", "table").filter(agency_id=agency_id).first()
    if card is None:
        raise Http404(_("Không tìm thấy phiếu chấm điểm."))
    card.period = period
    reviewer_id = reviewer_agency_id(access, period.pk, card.agency_id)
    if not can_see_scorecard(access, card, reviewer_id):
        raise Http404(_("Không tìm thấy phiếu chấm điểm."))
    return term, access, period, card, reviewer_id


def can_see_ranking(access, period) -> bool:
    """Members see the ranking once scores are agreed; the officers see it as it forms."""
    return sees_every_scorecard(access) or period.status == Period.Status.AGREED


def _layer_rights(access, period, card, reviewer_id):
    open_ = period.status != Period.Status.AGREED
    return {
        "review": open_
        and bool(reviewer_id)
        and card.status != card.Status.DRAFT
        and access.can_draft_for(reviewer_id),
        "explanation": open_ and access.can_draft_for(card.agency_id),
        "agreed": open_ and access.can_manage and card.status != card.Status.DRAFT,
        "board": access.can_board_review and period.status == Period.Status.AGREED,
    }


# --- Period overview and cross-checks ----------------------------------------------------------


@login_required
@require_GET
def review_home(request, bloc_code, year, kind):
    """A period's cross-checks, the scorecards the reader may open and the agreement."""
    term, access, period = _get_period(request, bloc_code, year, kind)
    return _review_home_page(request, term, access, period)


def _review_home_page(request, term, access, period, *, form=None, status=200):
    """The review home; ``form`` is a bound assignment form to show again with its errors."""
    members = [m.agency for m in services.current_members(term)]
    checks = list(
        CrossCheck.objects.filter(period=period)
        .select_related("reviewer", "reviewed")
        .order_by("reviewed__sort_key", "reviewed_id")
    )
    if form is None and access.can_manage and period.status != Period.Status.AGREED:
        form = CrossCheckForm(
            members=members, current={c.reviewed_id: c.reviewer_id for c in checks}
        )
    cards = list(period.scorecards.select_related("agency").order_by("agency__sort_key", "id"))
    mine = {c.reviewed_id for c in checks if c.reviewer_id in access.current_agency_ids}
    # The reviewer sees a card once it is submitted, as ``can_see_scorecard`` decides.
    visible = [
        c
        for c in cards
        if sees_every_scorecard(access)
        or c.agency_id in access.member_agency_ids
        or (c.agency_id in mine and c.status != c.Status.DRAFT)
    ]
    return render(
        request,
        "campaigns/review_home.html",
        {
            "term": term,
            "access": access,
            "period": period,
            "checks": checks,
            "form": form,
            "cards": visible,
            "mine": mine,
            "can_agree": access.can_manage and period.status != Period.Status.AGREED,
            "can_grid": sees_every_scorecard(access),
            "section": "ranking",
        },
        status=status,
    )


@login_required
@require_POST
def crosscheck_assign(request, bloc_code, year, kind):
    term, access, period = _get_period(request, bloc_code, year, kind)
    require(access.can_manage, _("Chỉ thư ký khối được phân công chấm chéo."))
    members = [m.agency for m in services.current_members(term)]
    form = CrossCheckForm(request.POST, members=members)
    if form.is_valid():
        try:
            services.assign_cross_checks(period=period, pairs=form.pairs(), by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu phân công chấm chéo."))
            return redirect("campaigns:review_home", bloc_code=bloc_code, year=year, kind=kind)
    else:
        form.add_error(None, _("Dữ liệu phân công không hợp lệ."))
    # Shown again with what was chosen, so that one refused pair does not cost the others.
    return _review_home_page(request, term, access, period, form=form, status=400)


@login_required
@require_POST
def crosscheck_auto(request, bloc_code, year, kind):
    """Apply the balanced rotation: each member reviews the next one in name order."""
    term, access, period = _get_period(request, bloc_code, year, kind)
    require(access.can_manage, _("Chỉ thư ký khối được phân công chấm chéo."))
    try:
        services.assign_cross_checks(
            period=period, pairs=services.proposed_rotation(period), by=request.user
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Đã phân công chấm chéo luân phiên, không có cặp chấm lẫn nhau.")
        )
    return redirect("campaigns:review_home", bloc_code=bloc_code, year=year, kind=kind)


@login_required
@require_POST
def period_agree(request, bloc_code, year, kind):
    """Agree the period: lines without agreed points take the review points."""
    term, access, period = _get_period(request, bloc_code, year, kind)
    require(access.can_manage, _("Chỉ thư ký khối được chốt điểm thống nhất."))
    try:
        services.agree_period(period=period, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã thống nhất điểm; các đơn vị không thể sửa điểm nữa."))
    return redirect("campaigns:review_home", bloc_code=bloc_code, year=year, kind=kind)


# --- One scorecard, every layer side by side ---------------------------------------------------


def _scorecard_context(request, term, access, period, card, reviewer_id, bound=None):
    lines = list(
        ScoreLine.objects.filter(scorecard=card)
        .select_related("criterion", "reviewer")
        .order_by("criterion__order", "criterion_id")
    )
    by_criterion = {ln.criterion_id: ln for ln in lines}
    criteria = list(Criterion.objects.filter(table_id=card.table_id).order_by("order", "id"))
    changes = {}
    for change in (
        ScoreLineChange.objects.filter(line__scorecard=card)
        .select_related("changed_by")
        .order_by("changed_at", "id")
    ):
        changes.setdefault(change.line_id, []).append(change)
    evidence = {}
    for item in Evidence.objects.filter(
        scorecard=card, replaced_by__isnull=True, withdrawn_at__isnull=True
    ).order_by("uploaded_at", "id"):
        evidence.setdefault(item.criterion_id, []).append(item)
    rights = _layer_rights(access, period, card, reviewer_id)
    rows = []
    for c in criteria:
        ln = by_criterion.get(c.pk)
        history = changes.get(ln.pk, []) if ln else []
        authors = {}
        for change in history:
            authors[change.layer] = change
        forms = {}
        if ln is not None:
            for layer, allowed in rights.items():
                if not allowed:
                    continue
                if bound and bound[0] == ln.pk and bound[1] == layer:
                    forms[layer] = bound[2]
                else:
                    forms[layer] = LAYER_FORMS[layer](
                        prefix=f"l{ln.pk}", initial=_initial(layer, ln)
                    )
        rows.append(
            {
                "criterion": c,
                "line": ln,
                "history": history,
                "authors": authors,
                "evidence": evidence.get(c.pk, []),
                "forms": forms,
                "differs": ln is not None and len(_present(ln)) > 1,
            }
        )
    totals = compute_totals(
        [
            CriterionSpec(id=c.pk, parent_id=c.parent_id, kind=c.kind, max_points=c.max_points)
            for c in criteria
        ],
        {ln.criterion_id: ln.final_points for ln in lines},
        base_max=card.table.base_max,
        bonus_cap=card.table.bonus_cap,
        penalty_cap=card.table.penalty_cap,
    )
    for row in rows:
        if row["criterion"].kind == Criterion.Kind.GROUP:
            row["group_sum"] = totals.group_sums.get(row["criterion"].pk)
    return {
        "term": term,
        "access": access,
        "period": period,
        "card": card,
        "rows": rows,
        "rights": rights,
        "totals": totals,
        "reviewer_id": reviewer_id,
        "section": "ranking",
    }


def _present(line):
    return {
        v
        for v in (line.self_points, line.review_points, line.agreed_points, line.board_points)
        if v is not None
    }


def _initial(layer, line):
    if layer == "review":
        value = line.review_points if line.review_points is not None else line.self_points
        return {"points": value, "note": line.review_note}
    if layer == "explanation":
        return {"text": line.explanation}
    if layer == "agreed":
        value = line.agreed_points
        if value is None:
            value = services.layer_value(line, "review")
        return {"points": value, "note": line.agreed_note}
    return {"points": line.final_points, "reason": line.board_reason}


@login_required
@require_GET
def review_scorecard(request, bloc_code, year, kind, agency_id):
    """Every layer of one agency's scorecard, line by line, with their authors and history."""
    term, access, period, card, reviewer_id = _get_scorecard(
        request, bloc_code, year, kind, agency_id
    )
    context = _scorecard_context(request, term, access, period, card, reviewer_id)
    return render(request, "campaigns/review_scorecard.html", context)


@login_required
@require_POST
def review_line(request, bloc_code, year, kind, agency_id, line_id, layer):
    """Write one layer of one line; errors re-render the page with what was typed."""
    term, access, period, card, reviewer_id = _get_scorecard(
        request, bloc_code, year, kind, agency_id
    )
    if layer not in LAYER_FORMS:
        raise Http404(_("Không có lớp điểm này."))
    line = (
        ScoreLine.objects.select_related("criterion", "scorecard__period__term")
        .filter(scorecard=card, pk=line_id)
        .first()
    )
    if line is None:
        raise Http404(_("Không tìm thấy dòng điểm."))
    rights = _layer_rights(access, period, card, reviewer_id)
    require(rights[layer], LAYER_RIGHT_DENIED[layer])
    form = LAYER_FORMS[layer](request.POST, prefix=f"l{line.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            if layer == "review":
                services.record_review(
                    line=line,
                    points=data["points"],
                    note=data["note"],
                    reviewer_id=reviewer_id,
                    by=request.user,
                )
            elif layer == "explanation":
                services.record_explanation(line=line, text=data["text"], by=request.user)
            elif layer == "agreed":
                services.record_agreed(
                    line=line, points=data["points"], note=data["note"], by=request.user
                )
            else:
                services.adjust_by_board(
                    line=line, points=data["points"], reason=data["reason"], by=request.user
                )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(name if name in form.fields else None, error)
            else:
                for error in exc.messages:
                    form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Đã lưu %(layer)s cho tiêu chí %(code)s.")
                % {
                    "layer": ScoreLineChange.Layer(layer).label.lower(),
                    "code": line.criterion.code,
                },
            )
            url = reverse(
                "campaigns:review_scorecard",
                kwargs={"bloc_code": bloc_code, "year": year, "kind": kind, "agency_id": agency_id},
            )
            return redirect(f"{url}#line-{line.pk}")
    context = _scorecard_context(
        request, term, access, period, card, reviewer_id, bound=(line.pk, layer, form)
    )
    return render(request, "campaigns/review_scorecard.html", context, status=400)


# --- The secretariat's grid --------------------------------------------------------------------


def _cell(line, layer):
    if line is None:
        return {"empty": True}
    values = {
        "self": line.self_points,
        "review": line.review_points,
        "agreed": line.agreed_points,
        "board": line.board_points,
        "final": line.final_points,
    }
    return {
        "empty": False,
        "values": values,
        "one": values.get(layer) if layer != "all" else None,
        "diff": len(_present(line)) > 1,
    }


@login_required
@require_GET
def review_grid(request, bloc_code, year, kind):
    """Agencies × criteria with every layer, filtered by group, layer and differences."""
    term, access, period = _get_period(request, bloc_code, year, kind)
    require(
        sees_every_scorecard(access),
        _("Chỉ thư ký khối, khối phó và Ban TĐKT xem được bảng tổng hợp."),
    )
    data = services.load_period(period, include_drafts=True)
    criteria = data.main_criteria
    groups = [c for c in criteria if c.kind == Criterion.Kind.GROUP and c.parent_id is None]
    form = GridFilterForm(request.GET or None, groups=groups)
    group, layer, diff_only = "", "all", False
    if form.is_valid():
        group = form.cleaned_data["group"] or ""
        layer = form.cleaned_data["layer"] or "all"
        diff_only = form.cleaned_data["diff"]
    leaves = [c for c in criteria if c.kind != Criterion.Kind.GROUP]
    if group:
        parents = {c.pk: c.parent_id for c in criteria}

        def under(cid):
            seen = set()
            while cid is not None and cid not in seen:
                if str(cid) == group:
                    return True
                seen.add(cid)
                cid = parents.get(cid)
            return False

        leaves = [c for c in leaves if under(c.parent_id)]
    rows = []
    for card in data.cards:
        cells = [_cell(card.lines.get(c.pk), layer) for c in leaves]
        rows.append({"card": card, "cells": cells})
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
            "section": "ranking",
        },
    )


# --- Ranking, explanation, exports -------------------------------------------------------------


CHART_COLOURS = ["#8b1a1a", "#b8860b", "#2f6f4e", "#3c5a99", "#7a4a8c", "#5a6b8c"]


def ranking_chart(data, ranked):
    """Geometry of a horizontal bar chart of totals, with each agency's group sums beneath."""
    criteria = data.main_criteria
    parents = {c.pk: c.parent_id for c in criteria}
    # Only groups of scored criteria make up the base; bonus and penalty groups would mislead.
    scored_tops = set()
    for c in criteria:
        if c.kind == Criterion.Kind.SCORED:
            top, seen = c.pk, set()
            while parents.get(top) is not None and top not in seen:
                seen.add(top)
                top = parents[top]
            scored_tops.add(top)
    groups = [
        c
        for c in criteria
        if c.kind == Criterion.Kind.GROUP and c.parent_id is None and c.pk in scored_tops
    ]
    label_w, bar_w, row_h = 220, 520, 34
    top = max([r.row.total for r in ranked] + [Decimal("1")])
    cards = {c.scorecard.agency_id: c for c in data.cards}
    bars = []
    for i, r in enumerate(ranked):
        y = 10 + i * row_h
        width = float(max(r.row.total, 0) / top) * bar_w
        segments, x = [], label_w
        card = cards[r.agency_id]
        for g_index, g in enumerate(groups):
            value = card.totals.group_sums.get(g.pk, Decimal("0"))
            w = float(value / top) * bar_w
            segments.append(
                {
                    "x": round(x, 1),
                    "w": round(w, 1),
                    "colour": CHART_COLOURS[g_index % len(CHART_COLOURS)],
                    "label": f"{g.code}: {value}",
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
    term, access, period = _get_period(request, bloc_code, year, kind)
    context = {
        "term": term,
        "access": access,
        "period": period,
        "section": "ranking",
        "visible": can_see_ranking(access, period),
        "periods": list(Period.objects.filter(term=term).order_by("kind")),
        "tie_breaks": rules_for(term).tie_break_labels,
    }
    if context["visible"]:
        data = services.load_period(period)
        before = {r.agency_id: r for r in data.ranked_before_board}
        context.update(
            data=data,
            rows=[(r, before.get(r.agency_id)) for r in data.ranked],
            chart=ranking_chart(data, data.ranked),
            board_changed=data.has_board_changes,
            can_grid=sees_every_scorecard(access),
        )
    return render(request, "campaigns/ranking_period.html", context)


@login_required
@require_GET
def ranking_export(request, bloc_code, year, kind, fmt):
    """The ranking as the ``export_ranking`` command writes it: JSON, CSV or XLSX."""
    term, access, period = _get_period(request, bloc_code, year, kind)
    if fmt not in ("json", "csv", "xlsx"):
        raise Http404(_("Không có định dạng này."))
    require(can_see_ranking(access, period), _("Bảng xếp hạng chưa được công bố."))
    data = services.load_period(period)
    types = {
        "json": "application/json; charset=utf-8",
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    response = HttpResponse(services.render_export(data, fmt), content_type=types[fmt])
    name = f"xep-hang-{term.bloc.code}-{term.year}-{period.kind}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def ranking_explain(request, bloc_code, year, kind, agency_id):
    """How one agency's rank came about: lines → group sums → caps → total → band → rank."""
    term, access, period = _get_period(request, bloc_code, year, kind)
    own = agency_id in access.member_agency_ids
    if not (can_see_ranking(access, period) or own):
        raise Http404(_("Không tìm thấy phiếu chấm điểm."))
    data = services.load_period(period)
    card = data.card_for(agency_id)
    if card is None:
        raise Http404(_("Không tìm thấy phiếu chấm điểm."))
    ranked = next((r for r in data.ranked if r.agency_id == agency_id), None)
    before = next((r for r in data.ranked_before_board if r.agency_id == agency_id), None)
    names = {c.scorecard.agency_id: c.scorecard.agency for c in data.cards}
    criteria = data.criteria.get(card.scorecard.table_id, [])
    depth, parents = {}, {c.pk: c.parent_id for c in criteria}
    for c in criteria:
        d, p = 0, c.parent_id
        while p is not None and d < 10:
            d, p = d + 1, parents.get(p)
        depth[c.pk] = d
    lines = []
    for c in criteria:
        ln = card.lines.get(c.pk)
        row = {"criterion": c, "line": ln, "depth": depth[c.pk]}
        if c.kind == Criterion.Kind.GROUP:
            row["group_sum"] = card.totals.group_sums.get(c.pk)
        elif ln is not None:
            row["counted"] = clamp_leaf(ln.final_points, c.max_points)
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
    table = card.scorecard.table
    rules = rules_for(term)
    return render(
        request,
        "campaigns/ranking_explain.html",
        {
            "term": term,
            "access": access,
            "period": period,
            "card": card,
            "agency": card.scorecard.agency,
            "table": table,
            "lines": lines,
            "totals": card.totals,
            "ranked": ranked,
            "before": before,
            "shared": [names.get(i) for i in (ranked.shared_with if ranked else ())],
            "decisions": decisions,
            "bands": rules.parsed_bands,
            "tie_breaks": rules.tie_break_labels,
            "show_rank": can_see_ranking(access, period),
            "section": "ranking",
        },
    )
