"""The year's rules page: bands, tie-break order, score step, deadlines, quorum and the appeal
window, with history."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from blocs.access import get_term_for_user, require
from blocs.history import field_changes
from blocs.models import BlocTerm
from campaigns import ranking
from campaigns.access import RULES_DENIED, can_edit_rules
from campaigns.forms.rules import RulesForm, RulesPeriodForm, percent
from campaigns.models import Period, ScoringRules, format_deadline, rules_for
from campaigns.services import rules as rules_services
from campaigns.services.points import points_label


@login_required
@require_http_methods(["GET", "POST"])
def term_rules(request, bloc_code, year):
    """Everyone reading the year sees its rules; the secretariat and the board change them."""
    term, access = get_term_for_user(request, bloc_code, year)
    editable = can_edit_rules(access)
    if request.method == "POST":
        require(editable, str(RULES_DENIED))
    rules = rules_for(term)
    periods = {p.kind: p for p in Period.objects.filter(term=term)}
    data = request.POST if request.method == "POST" else None
    form = RulesForm(
        data,
        bands=rules.parsed_bands,
        initial={
            # As people type them: "0,25" and "66,7" in Vietnamese.
            "score_step": points_label(rules.score_step),
            "quorum": points_label(percent(term.quorum)),
            "appeal_days": rules.appeal_days,
            **{f"tie_break_{i}": rule for i, rule in enumerate(rules.tie_breaks or [], start=1)},
        },
    )
    period_forms = []
    for kind, label in Period.Kind.choices:
        period = periods.get(kind)
        initial = {}
        if period is not None:
            initial = {
                "self_deadline": timezone.localtime(period.self_deadline),
                "review_deadline": timezone.localtime(period.review_deadline),
            }
        period_forms.append(
            (
                kind,
                label,
                period,
                RulesPeriodForm(data, prefix=kind, period=period, initial=initial),
            )
        )
    if request.method == "POST":
        valid = form.is_valid()
        valid = all([pf.is_valid() for _k, _l, _p, pf in period_forms]) and valid
        if valid:
            try:
                rules_services.save_term_rules(
                    term=term,
                    bands=form.cleaned_data["bands"],
                    tie_breaks=form.cleaned_data["tie_breaks"],
                    score_step=form.cleaned_data["score_step"],
                    quorum=form.cleaned_data["quorum"],
                    appeal_days=form.cleaned_data["appeal_days"],
                    deadlines={
                        kind: pf.deadlines()
                        for kind, _l, period, pf in period_forms
                        if period is None or period.status != Period.Status.AGREED
                    },
                    by=request.user,
                )
            except ValidationError as exc:
                _show_refusal(form, period_forms, exc)
            else:
                messages.success(request, _("Đã lưu quy định năm %(year)s.") % {"year": term.year})
                return redirect("campaigns:term_rules", bloc_code, year)
    return render(
        request,
        "campaigns/rules_edit.html",
        {
            "term": term,
            "access": access,
            "section": "rules",
            "rules": rules,
            "inherited": rules.pk is None or rules.term_id != term.pk,
            "form": form,
            "period_forms": period_forms,
            "editable": editable,
            "quorum_percent": points_label(percent(term.quorum)),
            "agreed": [p for p in periods.values() if p.status == Period.Status.AGREED],
            "changes": rules_history(term),
        },
        status=400 if request.method == "POST" else 200,
    )


def _show_refusal(form, period_forms, exc: ValidationError) -> None:
    """Put a service's refusal on the field it names: bands and tie-breaks on their first row."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    targets = {"bands": "band1_label", "tie_breaks": "tie_break_1"}
    by_prefix = {kind: pf for kind, _l, _p, pf in period_forms}
    for name, errors in exc.message_dict.items():
        kind, _sep, field = name.partition("-")
        if kind in by_prefix and field in by_prefix[kind].fields:
            by_prefix[kind].add_error(field, errors)
        elif targets.get(name, name) in form.fields:
            form.add_error(targets.get(name, name), errors)
        else:
            form.add_error(None, errors)


def _bands_text(bands) -> str:
    try:
        parsed = ranking.parse_bands(bands or [])
    except (KeyError, TypeError, ArithmeticError):
        return str(bands)
    return "; ".join(f"{b.label} ≥ {points_label(b.min)}" for b in parsed)


def _tie_breaks_text(rules) -> str:
    return " → ".join(str(ranking.RULE_LABELS.get(r, r)) for r in rules or []) or "—"


def rules_history(term) -> list[dict]:
    """Every change of the year's rules, quorum and deadlines, newest first; three queries."""
    labels = {
        "bands": _("Ngưỡng xếp loại"),
        "tie_breaks": _("Tiêu chí phân định khi bằng điểm"),
        "score_step": _("Bước điểm"),
        "appeal_days": _("Số ngày nhận kiến nghị sau khi công bố kết quả"),
        "quorum": _("Tỷ lệ có mặt tối thiểu"),
        "self_deadline": _("Hạn tự chấm"),
        "review_deadline": _("Hạn chấm chéo"),
    }
    sources = [
        (
            ScoringRules.history.filter(term_id=term.pk),
            {
                "bands": _bands_text,
                "tie_breaks": _tie_breaks_text,
                "score_step": points_label,
                "appeal_days": str,
            },
            "",
        ),
        (
            BlocTerm.history.filter(id=term.pk),
            {"quorum": lambda v: f"{points_label(percent(Decimal(v)))}%"},
            "",
        ),
        (
            Period.history.filter(term_id=term.pk),
            {"self_deadline": format_deadline, "review_deadline": format_deadline},
            "period",
        ),
    ]
    changes = []
    for queryset, fields, kind in sources:
        rows = queryset.select_related("history_user").order_by("history_date", "history_id")
        for row, field, old, new in field_changes(rows, fields):
            if field == "quorum" and old is None:
                # Opening the year is not a change of its quorum.
                continue
            what = labels[field]
            if kind == "period":
                what = f"{what} – {Period.Kind(row.kind).label}"
            changes.append(
                {
                    "at": row.history_date,
                    "by": row.history_user,
                    "source": row.history_source,
                    "what": what,
                    "old": old,
                    "new": new,
                }
            )
    changes.sort(key=lambda c: c["at"], reverse=True)
    return changes
