"""The nomination lists of the year: every reader sees the confirmed lists (the secretariat and
the board the drafts too); the secretariat ticks the elected agencies, saves and confirms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from awards.access import can_run_meeting, sees_draft_nominations
from awards.forms.nominations import NominationForm
from awards.services import nominations as services
from blocs.access import get_term_for_user, require
from blocs.views import add_service_error


def _form(entry, data=None):
    ids = list(entry["elected"]) + [i for i in entry["prefill"] if i not in entry["elected"]]
    names = entry["names"]
    return NominationForm(
        data,
        prefix=f"award{entry['award'].pk}",
        choices=[(i, names.get(i, str(i))) for i in ids],
        label=_("Đơn vị đề nghị %(award)s") % {"award": entry["award"].name},
        initial={
            "award_type": entry["award"].pk,
            "agencies": [str(i) for i in entry["prefill"]],
            "action": "save",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def nominations(request, bloc_code, year):
    write = request.method == "POST"
    term, access = get_term_for_user(request, bloc_code, year, write=write)
    manage = can_run_meeting(access)
    if write:
        require(manage, _("Chỉ thư ký khối lập và chốt danh sách đề nghị khen thưởng."))
    sees_drafts = sees_draft_nominations(access)
    entries = services.lists_for(term, confirmed_only=not sees_drafts)
    posted = None
    if write:
        try:
            posted = int(request.POST.get("award_type", ""))
        except ValueError:
            posted = None
        entry = next((e for e in entries if e["award"].pk == posted), None)
        if entry is None:
            messages.error(request, _("Không có hình thức khen thưởng này trong quy định năm."))
            return redirect(request.path)
        form = _form(entry, request.POST)
        entry["form"] = form
        if form.is_valid():
            award = entry["award"]
            action = form.cleaned_data["action"]
            agency_ids = form.cleaned_data["agencies"]
            try:
                if action == "reopen":
                    services.reopen_nominations(term=term, award_type=award, by=request.user)
                    done = _("Đã mở lại danh sách %(award)s.")
                elif action == "confirm":
                    services.confirm_nominations(
                        term=term, award_type=award, agency_ids=agency_ids, by=request.user
                    )
                    done = _("Đã chốt danh sách %(award)s.")
                else:
                    services.save_nominations(
                        term=term, award_type=award, agency_ids=agency_ids, by=request.user
                    )
                    done = _("Đã lưu danh sách dự kiến %(award)s.")
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, done % {"award": award.name})
                return redirect(reverse("awards:nominations", args=[term.bloc.code, term.year]))
    for entry in entries:
        entry["rows"] = [
            (i, entry["names"].get(i, ""), entry["elected"].get(i))
            for i in (entry["agency_ids"] or [])
        ]
        if manage and "form" not in entry and not (entry["list"] and entry["list"].is_confirmed):
            entry["form"] = _form(entry)
    return render(
        request,
        "awards/nomination_list.html",
        {"term": term, "access": access, "entries": entries, "manage": manage},
        status=400 if write else 200,
    )
