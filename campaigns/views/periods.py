"""The periods of a year: their page, deadlines and extensions (load → form → service)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blocs.access import get_term_for_user
from blocs.models import Membership
from campaigns import card_totals
from campaigns.access import (
    assigned_to_reader,
    get_period_for_term,
    sees_card,
)
from campaigns.forms.scoring import (
    ExtensionForm,
    PeriodForm,
)
from campaigns.models import (
    DeadlineExtension,
    Period,
    Scorecard,
    format_deadline,
)
from campaigns.services import criteria as criteria_services
from campaigns.services import periods as period_services


@login_required
@require_GET
def period_list(request, bloc_code, year):
    """Both periods of the term: deadlines, extensions and the state of every scorecard."""
    term, access = get_term_for_user(request, bloc_code, year)
    return _period_list_page(request, term, access)


def _period_list_page(request, term, access, *, bound_form=None, status=200):
    """The periods page; ``bound_form`` is an extension form to show again with its errors."""
    periods = {p.kind: p for p in Period.objects.filter(term=term)}
    members = list(
        Membership.objects.filter(term=term).select_related("agency").order_by("agency__sort_key")
    )
    cards = {
        (c.period_id, c.agency_id): c
        for c in Scorecard.objects.filter(period__term=term).select_related("table")
    }
    extensions = list(
        DeadlineExtension.objects.filter(period__term=term).select_related("agency", "granted_by")
    )
    assigned = assigned_to_reader(access, period__term=term)
    now = timezone.now()

    def visible(card):
        return card is not None and sees_card(
            access,
            agency_id=card.agency_id,
            status=card.status,
            assigned=(card.period_id, card.agency_id) in assigned,
        )

    totals = card_totals.self_totals_for([c for c in cards.values() if visible(c)])
    sections = []
    for kind, label in Period.Kind.choices:
        period = periods.get(kind)
        rows = []
        if period is not None:
            for m in members:
                own = [
                    e for e in extensions if e.period_id == period.pk and e.agency_id == m.agency_id
                ]
                deadline = period.deadline_for(own)
                card = cards.get((period.pk, m.agency_id))
                # Without a card, the row is seen by those who would see the card once opened.
                shown = (
                    visible(card)
                    if card
                    else sees_card(
                        access, agency_id=m.agency_id, status=Scorecard.Status.DRAFT, assigned=False
                    )
                )
                rows.append(
                    {
                        "membership": m,
                        "card": card,
                        "visible": shown,
                        "deadline": format_deadline(deadline) if own else "",
                        "late": card is None or card.status == Scorecard.Status.DRAFT
                        if now > deadline
                        else False,
                        "can_open": card is None and access.can_draft_for(m.agency_id),
                        "totals": totals.get(card.pk) if card and shown else None,
                    }
                )
        sections.append(
            {
                "kind": kind,
                "label": label,
                "period": period,
                "rows": rows,
                "extensions": [e for e in extensions if period and e.period_id == period.pk],
                "extension_form": (
                    bound_form
                    if bound_form is not None and bound_form.prefix == kind
                    else ExtensionForm(term=term, prefix=kind)
                )
                if period and access.can_manage
                else None,
            }
        )
    return render(
        request,
        "campaigns/period_list.html",
        {
            "term": term,
            "access": access,
            "section": "scoring",
            "sections": sections,
            "has_table": criteria_services.current_table(term) is not None,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def period_edit(request, bloc_code, year, kind):
    term, access = get_term_for_user(request, bloc_code, year, write=True)
    if kind not in Period.Kind.values:
        raise Http404(_("Không tìm thấy kỳ chấm điểm này."))
    period = Period.objects.filter(term=term, kind=kind).first()
    initial = {}
    if period is not None:
        initial = {
            "self_deadline": timezone.localtime(period.self_deadline),
            "review_deadline": timezone.localtime(period.review_deadline),
        }
    form = PeriodForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            period_services.save_period(term=term, kind=kind, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu thời hạn của kỳ chấm điểm."))
            return redirect("campaigns:period_list", bloc_code, year)
    return render(
        request,
        "campaigns/period_form.html",
        {
            "term": term,
            "access": access,
            "section": "scoring",
            "kind_label": Period.Kind(kind).label,
            "period": period,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def period_extend(request, bloc_code, year, kind):
    term, access = get_term_for_user(request, bloc_code, year, write=True)
    period = get_period_for_term(term, kind)
    form = ExtensionForm(request.POST, term=term, prefix=kind)
    if form.is_valid():
        try:
            extension = period_services.extend_deadline(
                period=period, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Đã gia hạn tự chấm cho %(agency)s đến %(until)s.")
                % {"agency": extension.agency, "until": format_deadline(extension.until)},
            )
            return redirect("campaigns:period_list", bloc_code, year)
    # Shown again with what was typed; the errors are also listed at the top of the page,
    # as the form sits in a folded section.
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)
    return _period_list_page(request, term, access, bound_form=form, status=400)
