"""The year's award rules page: quotas, thresholds, quorum, prerequisites, legal sources."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from awards import rules as pure_rules
from awards.access import can_add_award_type, can_edit_award_rules
from awards.forms.catalogue import AwardRuleForm, AwardTypeForm, share_text
from awards.models import AwardRule, AwardType
from awards.selectors import member_ids
from awards.services import catalogue
from blocs.access import get_term_for_user, require
from blocs.history import field_changes
from blocs.views import add_service_error
from campaigns.models import rules_for

RULES_DENIED = gettext_lazy(
    "Chỉ thư ký khối hoặc Ban Thi đua – Khen thưởng được sửa quy định khen thưởng của năm."
)
TYPES_DENIED = gettext_lazy("Chỉ Ban Thi đua – Khen thưởng được thêm hình thức khen thưởng.")


@login_required
@require_http_methods(["GET", "POST"])
def award_rules(request, bloc_code, year):
    """Every reader of the year sees its award rules; the secretariat and the board change them,
    one award at a time, until the year-end meeting opens its voting."""
    term, access = get_term_for_user(request, bloc_code, year)
    editable = can_edit_award_rules(access)
    can_add_type = editable and can_add_award_type(access)
    if request.method == "POST":
        require(editable, str(RULES_DENIED))
        if request.POST.get("action") == "add_type":
            require(can_add_type, str(TYPES_DENIED))
    frozen = catalogue.is_frozen(term)
    if editable and not frozen:
        # An editor's page links each award by its id, to its form: the council's default awards
        # are saved the first time an editor opens it (one query once they exist). Readers see
        # the same catalogue unsaved.
        types = catalogue.ensure_award_types(council=term.bloc.council)
    else:
        types = catalogue.award_types(council_id=term.bloc.council_id)
    types = [t for t in types if t.active]
    bands = rules_for(term).parsed_bands
    effective = catalogue.effective_rules(term)
    rule_form = type_form = None
    status = 200
    if request.method == "POST" and request.POST.get("action") == "add_type":
        type_form = AwardTypeForm(request.POST)
        if type_form.is_valid():
            try:
                award = catalogue.add_award_type(
                    term=term, by=request.user, **type_form.cleaned_data
                )
            except ValidationError as exc:
                add_service_error(type_form, exc)
            else:
                messages.success(
                    request, _("Đã thêm hình thức khen thưởng “%(name)s”.") % {"name": award.name}
                )
                return redirect("awards:award_rules", bloc_code, year)
        status = 400
    elif request.method == "POST":
        award_type = _chosen_type(request.POST.get("award_type"), types)
        rule_form = AwardRuleForm(
            request.POST, award_types=types, bands=bands, award_type=award_type
        )
        if rule_form.is_valid():
            chosen = rule_form.cleaned_data["award_type"]
            try:
                catalogue.save_award_rule(
                    term=term,
                    award_type=chosen,
                    by=request.user,
                    active=rule_form.cleaned_data["active"],
                    **rule_form.rule_fields(),
                )
            except ValidationError as exc:
                add_service_error(rule_form, exc)
            else:
                messages.success(
                    request,
                    _("Đã lưu quy định của “%(award)s” năm %(year)s.")
                    % {"award": chosen.name, "year": term.year},
                )
                return redirect("awards:award_rules", bloc_code, year)
        status = 400
    elif editable and not frozen and request.GET.get("edit"):
        award_type = _chosen_type(request.GET["edit"], types)
        if award_type is None:
            raise Http404(_("Không có hình thức khen thưởng này."))
        rule = next((r for r in effective if r.award_type_id == award_type.pk), None)
        rule_form = AwardRuleForm(
            initial=AwardRuleForm.initial_for(rule, award_type),
            award_types=types,
            bands=bands,
            award_type=award_type,
        )
    if can_add_type and not frozen and type_form is None:
        type_form = AwardTypeForm()
    members = len(member_ids(term))
    band_labels = {b.code: b.label for b in bands}
    in_year = {r.award_type.code for r in effective}
    return render(
        request,
        "awards/award_rules.html",
        {
            "term": term,
            "access": access,
            "section": "award_rules",
            "rows": [_row(r, members, term, band_labels) for r in effective],
            "left_out": [t for t in types if t.code not in in_year],
            "members": members,
            "origin": catalogue.rules_origin(term, effective),
            "editable": editable and not frozen,
            "frozen": frozen,
            "can_add_type": can_add_type and not frozen,
            "rule_form": rule_form,
            "editing": rule_form["award_type"].value() if rule_form is not None else None,
            "editing_type": _chosen_type(
                rule_form["award_type"].value() if rule_form is not None else None, types
            ),
            "type_form": type_form,
            "quorum_label": share_text(term.quorum),
            "changes": award_rules_history(term, band_labels),
        },
        status=status,
    )


def _chosen_type(value, types):
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return next((t for t in types if t.pk == pk), None)


def _threshold(rule) -> str:
    sign = ">" if rule.vote_strict else "≥"
    base = (
        _("số thành viên có mặt")
        if rule.vote_base == pure_rules.PRESENT
        else _("tổng số thành viên")
    )
    return f"{sign} {share_text(rule.min_vote_share)} {_('của')} {base}"


def _quota_text(rule, members: int) -> str:
    if rule.max_count is None and rule.max_share is None:
        return _("Không giới hạn")
    parts = []
    if rule.max_count is not None:
        parts.append(_("tối đa %(count)s") % {"count": rule.max_count})
    if rule.max_share is not None:
        parts.append(
            _("tối đa %(share)s của %(members)s thành viên")
            % {"share": share_text(rule.max_share), "members": members}
        )
    return _("%(limits)s = %(quota)s đơn vị") % {
        "limits": "; ".join(parts),
        "quota": rule.quota(members),
    }


def _row(rule, members, term, band_labels) -> dict:
    return {
        "rule": rule,
        "award": rule.award_type,
        "quota": rule.quota(members),
        "quota_text": _quota_text(rule, members),
        "max_share": share_text(rule.max_share),
        "threshold": _threshold(rule),
        "quorum": (
            share_text(rule.quorum)
            if rule.quorum is not None
            else _("theo hội nghị (%(quorum)s)") % {"quorum": share_text(term.quorum)}
        ),
        "band": band_labels.get(rule.min_band, rule.min_band),
    }


def award_rules_history(term, band_labels=None) -> list[dict]:
    """Every change of the year's award rules, newest first (two queries)."""
    band_labels = band_labels or {}
    names = dict(
        AwardType.objects.filter(council_id=term.bloc.council_id).values_list("pk", "name")
    )
    fields = {
        "max_count": lambda v: "" if v is None else str(v),
        "max_share": share_text,
        "min_vote_share": share_text,
        "vote_strict": lambda v: ">" if v else "≥",
        "vote_base": lambda v: str(AwardRule.Base(v).label) if v else "",
        "quorum": share_text,
        "requires_id": lambda v: names.get(v, "") if v else "",
        "leading": lambda v: _("Có") if v else _("Không"),
        "min_band": lambda v: band_labels.get(v, v or ""),
        "legal_source": lambda v: v or "",
    }
    labels = {
        "max_count": _("Số lượng tối đa"),
        "max_share": _("Tỷ lệ tối đa trên số thành viên"),
        "min_vote_share": _("Tỷ lệ phiếu tối thiểu"),
        "vote_strict": _("Cách so tỷ lệ phiếu"),
        "vote_base": _("Tính tỷ lệ phiếu trên"),
        "quorum": _("Tỷ lệ có mặt tối thiểu riêng"),
        "requires_id": _("Chỉ xét đơn vị đã được đề nghị"),
        "leading": _("Bình chọn đơn vị dẫn đầu khối"),
        "min_band": _("Xếp loại tối thiểu"),
        "legal_source": _("Căn cứ pháp lý"),
    }
    rows = list(
        AwardRule.history.filter(term_id=term.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    changes = []

    def add(row, what, old, new):
        changes.append(
            {
                "at": row.history_date,
                "by": row.history_user,
                "source": row.history_source,
                "subject": names.get(row.award_type_id, ""),
                "what": what,
                "old": old,
                "new": new,
            }
        )

    for row in rows:
        if row.history_type == "+":
            add(row, _("Áp dụng cho năm"), None, _("Có"))
        elif row.history_type == "-":
            add(row, _("Áp dụng cho năm"), _("Có"), _("Không"))
    for row, field, old, new in field_changes(rows, fields):
        if row.history_type == "~":
            add(row, labels[field], old, new)
    changes.sort(key=lambda c: c["at"], reverse=True)
    return changes
