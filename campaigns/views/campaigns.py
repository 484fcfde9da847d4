"""Pages of the year's campaigns (the "Phong trào & giao ước" tab) and their attachments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from blocs.access import get_term_for_user
from campaigns.forms.pledges import CampaignForm
from campaigns.models import Campaign
from campaigns.services import pledges as services


def _get_campaign(term, campaign_id) -> Campaign:
    try:
        return Campaign.objects.select_related("term__bloc").get(term=term, pk=campaign_id)
    except Campaign.DoesNotExist:
        raise Http404(_("Không tìm thấy phong trào này.")) from None


@login_required
@require_GET
def campaign_list(request, bloc_code, year):
    """The year's campaigns and a summary of its pledge (the "Phong trào & giao ước" tab)."""
    term, access = get_term_for_user(request, bloc_code, year)
    campaigns = Campaign.objects.filter(term=term).prefetch_related("attachments")
    pledge = services.current_pledge(term)
    signed = pledge.signatures.count() if pledge else 0
    return render(
        request,
        "campaigns/campaign_list.html",
        {
            "term": term,
            "access": access,
            "campaigns": campaigns,
            "pledge": pledge,
            "signed_count": signed,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request, bloc_code, year):
    term, access = get_term_for_user(request, bloc_code, year, write=True)
    form = CampaignForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        uploaded = data.pop("attachment", None)
        campaign = services.save_campaign(
            term=term, by=request.user, files=[uploaded] if uploaded else [], **data
        )
        messages.success(request, _("Đã phát động phong trào “%(t)s”.") % {"t": campaign.title})
        return redirect(campaign)
    return render(
        request,
        "campaigns/campaign_form.html",
        {"term": term, "access": access, "form": form, "campaign": None},
    )


@login_required
@require_GET
def campaign_detail(request, bloc_code, year, campaign_id):
    term, access = get_term_for_user(request, bloc_code, year)
    campaign = _get_campaign(term, campaign_id)
    return render(
        request,
        "campaigns/campaign_detail.html",
        {"term": term, "access": access, "campaign": campaign},
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request, bloc_code, year, campaign_id):
    term, access = get_term_for_user(request, bloc_code, year, write=True)
    campaign = _get_campaign(term, campaign_id)
    initial = {
        "kind": campaign.kind,
        "title": campaign.title,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "content": campaign.content,
    }
    form = CampaignForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        uploaded = data.pop("attachment", None)
        services.save_campaign(
            term=term,
            by=request.user,
            campaign=campaign,
            files=[uploaded] if uploaded else [],
            **data,
        )
        messages.success(request, _("Đã lưu phong trào."))
        return redirect(campaign)
    return render(
        request,
        "campaigns/campaign_form.html",
        {"term": term, "access": access, "form": form, "campaign": campaign},
    )


@login_required
@require_GET
def campaign_attachment(request, bloc_code, year, campaign_id, attachment_id):
    term, _access = get_term_for_user(request, bloc_code, year)
    campaign = _get_campaign(term, campaign_id)
    attachment = campaign.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404(_("Không tìm thấy tệp đính kèm."))
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name
    )
