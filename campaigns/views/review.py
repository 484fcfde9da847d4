"""Pages of the review of one scorecard: its layers side by side, a line, the whole card, the
queue of cards waiting for a reviewer. The period's own page is in ``views.period_review``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from blocs.access import require
from blocs.views import add_service_error
from campaigns import card_totals, layers
from campaigns.access import (
    LAYER_RIGHT_DENIED,
    can_see_scorecard,
    get_period_for_user,
    layer_rights,
    reviewer_agency_id,
)
from campaigns.forms.review import (
    LAYER_FORMS,
    ReviewEntryForm,
)
from campaigns.models import (
    Criterion,
    Evidence,
    ScoreLine,
    ScoreLineChange,
)
from campaigns.scoring import CriteriaTree
from campaigns.services import review as services
from campaigns.services.points import points_label

# --- Loading with access -----------------------------------------------------------------------


def _get_scorecard(request, bloc_code, year, kind, agency_id):
    """A scorecard the reader may see (``campaigns.access.can_see_scorecard``), else 404."""
    term, access, period = get_period_for_user(request, bloc_code, year, kind)
    card = period.scorecards.select_related("agency", "table").filter(agency_id=agency_id).first()
    if card is None:
        raise Http404(_("Không tìm thấy phiếu chấm điểm."))
    card.period = period
    reviewer_id = reviewer_agency_id(access, period.pk, card.agency_id)
    if not can_see_scorecard(access, card, reviewer_id):
        raise Http404(_("Không tìm thấy phiếu chấm điểm."))
    return term, access, period, card, reviewer_id


# --- One scorecard, every layer side by side ---------------------------------------------------


def _scorecard_context(request, term, access, period, card, reviewer_id, bound=None):
    """Every row of the card with the reader's forms; ``bound`` maps (line id, layer) to a form
    refused by a save, shown again as it was typed."""
    bound = bound or {}
    lines = {
        ln.criterion_id: ln
        for ln in ScoreLine.objects.filter(scorecard=card).select_related("reviewer")
    }
    criteria = {c.pk: c for c in Criterion.objects.filter(table_id=card.table_id)}
    tree = CriteriaTree.for_table(card.table, criteria.values())
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
    rights = layer_rights(access, period, card, reviewer_id)
    totals = tree.totals({cid: ln.value() for cid, ln in lines.items()})
    rows = []
    for node in tree.nodes:
        ln = lines.get(node.id)
        history = changes.get(ln.pk, []) if ln else []
        forms = {}
        if ln is not None:
            for layer, allowed in rights.items():
                if not allowed:
                    continue
                if (ln.pk, layer) in bound:
                    forms[layer] = bound[(ln.pk, layer)]
                elif layer == "review":
                    initial = _initial(layer, ln)
                    # As people write points: 15, not 15,00.
                    initial["points"] = points_label(initial["points"])
                    forms[layer] = ReviewEntryForm(prefix=f"l{ln.pk}", initial=initial)
                else:
                    forms[layer] = LAYER_FORMS[layer](
                        prefix=f"l{ln.pk}", initial=_initial(layer, ln)
                    )
        rows.append(
            {
                "criterion": criteria[node.id],
                "line": ln,
                "history": history,
                "authors": {change.layer: change for change in history},
                "evidence": evidence.get(node.id, []),
                "forms": forms,
                "differs": ln is not None and layers.differs(layers.of(ln)),
                "group_sum": totals.group_sums.get(node.id) if node.spec.is_group else None,
            }
        )
    queue = services.review_queue(period, access.current_agency_ids) if reviewer_id else []
    following = services.next_in_queue(queue, card.agency_id)
    return {
        "term": term,
        "access": access,
        "period": period,
        "card": card,
        "rows": rows,
        "rights": rights,
        "totals": totals,
        "layer_totals": card_totals.layer_total_labels(tree, lines.values()),
        "reviewer_id": reviewer_id,
        "next_card": following,
        "review_form_id": ReviewEntryForm.FORM_ID,
        "section": "ranking",
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
            value = line.value(upto=layers.REVIEW)
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
    rights = layer_rights(access, period, card, reviewer_id)
    require(rights[layer], LAYER_RIGHT_DENIED[layer])
    form = LAYER_FORMS[layer](request.POST, prefix=f"l{line.pk}")
    if form.is_valid():
        data = form.cleaned_data
        # A note the request did not carry keeps the stored one: a missing field never clears.
        if "note" in form.fields and form.add_prefix("note") not in request.POST:
            data["note"] = None
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
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Đã lưu %(layer)s cho tiêu chí %(code)s.")
                % {
                    "layer": layers.IN_SENTENCE[layer],
                    "code": line.criterion.code,
                },
            )
            url = reverse(
                "campaigns:review_scorecard",
                kwargs={"bloc_code": bloc_code, "year": year, "kind": kind, "agency_id": agency_id},
            )
            return redirect(f"{url}#line-{line.pk}")
    context = _scorecard_context(
        request, term, access, period, card, reviewer_id, bound={(line.pk, layer): form}
    )
    return render(request, "campaigns/review_scorecard.html", context, status=400)


@login_required
@require_POST
def review_save_all(request, bloc_code, year, kind, agency_id):
    """Save the reviewer's points and notes of the whole card at once, all or nothing.

    Only the lines the request carries are written, and among them only those that change;
    a refused line keeps every typed value on the page, its reason beside it.
    """
    term, access, period, card, reviewer_id = _get_scorecard(
        request, bloc_code, year, kind, agency_id
    )
    rights = layer_rights(access, period, card, reviewer_id)
    require(rights["review"], LAYER_RIGHT_DENIED["review"])
    forms, entries = {}, {}
    for line_id in ScoreLine.objects.filter(scorecard=card).values_list("pk", flat=True):
        form = ReviewEntryForm(request.POST, prefix=f"l{line_id}")
        if not form.sent(request.POST):
            continue
        forms[line_id] = form
        if form.is_valid():
            entries[line_id] = form.entry(request.POST)
    refused = any(form.errors for form in forms.values())
    if refused:
        # Name every line at fault at once, not only those the form could not read.
        _add_line_errors(forms, services.review_problems(scorecard=card, entries=entries))
    else:
        try:
            changed = services.record_reviews(
                scorecard=card, entries=entries, reviewer_id=reviewer_id, by=request.user
            )
        except ValidationError as exc:
            refused = True
            if hasattr(exc, "error_dict"):
                _add_line_errors(forms, exc.error_dict)
            else:
                for message in exc.messages:
                    messages.error(request, message)
        else:
            messages.success(
                request, _("Đã lưu chấm chéo: %(count)s dòng thay đổi.") % {"count": changed}
            )
            if "next" in request.POST:
                following = services.next_in_queue(
                    services.review_queue(period, [reviewer_id]), card.agency_id
                )
                if following is not None:
                    return redirect(
                        "campaigns:review_scorecard",
                        bloc_code=bloc_code,
                        year=year,
                        kind=kind,
                        agency_id=following["agency_id"],
                    )
                messages.info(request, _("Không còn phiếu nào chờ đơn vị bạn chấm chéo."))
                return redirect("campaigns:review_queue", bloc_code=bloc_code, year=year, kind=kind)
            return redirect(
                "campaigns:review_scorecard",
                bloc_code=bloc_code,
                year=year,
                kind=kind,
                agency_id=agency_id,
            )
    messages.error(request, _("Chưa lưu: có dòng chưa đúng, xem lý do ở từng dòng được đánh dấu."))
    context = _scorecard_context(
        request,
        term,
        access,
        period,
        card,
        reviewer_id,
        bound={(line_id, "review"): form for line_id, form in forms.items()},
    )
    return render(request, "campaigns/review_scorecard.html", context, status=400)


def _add_line_errors(forms, errors):
    """Put ``points-<line id>`` / ``note-<line id>`` errors on their line's form."""
    for key, error in errors.items():
        field, _sep, line_id = key.partition("-")
        form = forms.get(int(line_id)) if line_id.isdigit() else None
        if form is not None:
            form.add_error(field, error)


@login_required
@require_GET
def review_queue(request, bloc_code, year, kind):
    """The cards of the period waiting for the reader's agency to cross-check them."""
    term, access, period = get_period_for_user(request, bloc_code, year, kind)
    queue = services.review_queue(period, access.current_agency_ids)
    return render(
        request,
        "campaigns/review_queue.html",
        {
            "term": term,
            "access": access,
            "period": period,
            "waiting": [r for r in queue if r["waiting"]],
            "done": [r for r in queue if not r["waiting"]],
            "section": "ranking",
        },
    )
