from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from blocs.admin import AuditedAdmin, EventLogAdmin, EventLogInline
from campaigns.models import (
    Campaign,
    CampaignAttachment,
    Commitment,
    Pledge,
    PledgeEvent,
    PledgeSignature,
    TitleRegistration,
)


class CampaignAttachmentInline(admin.TabularInline):
    model = CampaignAttachment
    extra = 0
    fields = ("file", "original_name", "sha256", "size", "uploaded_by", "uploaded_at")
    readonly_fields = ("sha256", "size", "uploaded_by", "uploaded_at")


@admin.register(Campaign)
class CampaignAdmin(AuditedAdmin):
    list_display = ("title", "kind", "term", "starts_on", "ends_on", "created_at")
    list_filter = ("kind", "term__year", "term__bloc")
    search_fields = ("title", "content", "term__bloc__name", "term__bloc__code")
    date_hierarchy = "starts_on"
    inlines = [CampaignAttachmentInline]
    raw_id_fields = ("term", "created_by")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("term__bloc")


@admin.register(CampaignAttachment)
class CampaignAttachmentAdmin(AuditedAdmin):
    list_display = ("original_name", "campaign", "size", "sha256", "uploaded_at")
    list_filter = ("campaign__term__year",)
    search_fields = ("original_name", "sha256", "campaign__title")
    readonly_fields = ("sha256", "size", "uploaded_at")
    raw_id_fields = ("campaign", "uploaded_by")


class CommitmentInline(admin.TabularInline):
    model = Commitment
    extra = 0
    fields = ("order", "text")


@admin.register(Commitment)
class CommitmentAdmin(AuditedAdmin):
    list_display = ("pledge", "order", "__str__")
    list_filter = ("pledge__term__year",)
    search_fields = ("text", "pledge__title")
    raw_id_fields = ("pledge",)
    list_select_related = ("pledge",)


class PledgeSignatureInline(admin.TabularInline):
    model = PledgeSignature
    extra = 0
    can_delete = False
    fields = ("agency", "signer_name", "authority", "signer_title", "signed_at", "content_hash")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class PledgeEventInline(EventLogInline):
    model = PledgeEvent
    fields = ("at", "by", "from_status", "to_status", "note")
    readonly_fields = fields


@admin.register(Pledge)
class PledgeAdmin(AuditedAdmin):
    list_display = ("title", "term", "version", "status", "signature_count", "opened_at")
    list_filter = ("status", "term__year", "term__bloc")
    search_fields = ("title", "slogan", "content_hash", "term__bloc__name", "term__bloc__code")
    readonly_fields = (
        "members",
        "content_hash",
        "opened_at",
        "signed_at",
        "voided_at",
        "created_at",
    )
    raw_id_fields = ("term", "supersedes", "created_by")
    inlines = [CommitmentInline, PledgeSignatureInline, PledgeEventInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("term__bloc")

    @admin.display(description=_("số chữ ký"))
    def signature_count(self, obj):
        return obj.signatures.count()


@admin.register(PledgeSignature)
class PledgeSignatureAdmin(AuditedAdmin):
    list_display = ("agency", "pledge", "signer_name", "authority", "signed_at", "ip_address")
    list_filter = ("authority", "pledge__term__year", "pledge__term__bloc", "pledge__status")
    search_fields = ("signer_name", "agency__name", "agency__abbreviation", "content_hash")
    date_hierarchy = "signed_at"
    raw_id_fields = ("pledge", "agency", "user")
    # A signature is evidence: it is read here, never edited.
    readonly_fields = (
        "pledge",
        "agency",
        "user",
        "signer_name",
        "signer_title",
        "authority",
        "signed_at",
        "content_hash",
        "ip_address",
        "user_agent",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("agency", "pledge__term__bloc")

    def has_add_permission(self, request):
        return False


@admin.register(PledgeEvent)
class PledgeEventAdmin(EventLogAdmin):
    list_display = ("pledge", "at", "by", "from_status", "to_status", "note")
    list_filter = ("to_status", "pledge__term__year")
    search_fields = ("note", "pledge__title")
    list_select_related = ("pledge", "by")


@admin.register(TitleRegistration)
class TitleRegistrationAdmin(AuditedAdmin):
    list_display = ("agency", "title", "term", "registered_by", "registered_at")
    list_filter = ("title", "term__year", "term__bloc")
    search_fields = ("agency__name", "agency__abbreviation", "term__bloc__name")
    raw_id_fields = ("term", "agency", "registered_by")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("agency", "term__bloc")
