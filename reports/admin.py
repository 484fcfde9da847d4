from django.contrib import admin

from blocs.admin import AuditedAdmin
from reports.models import Document


@admin.register(Document)
class DocumentAdmin(AuditedAdmin):
    list_display = (
        "number_label",
        "title",
        "kind",
        "term",
        "status",
        "requested_at",
        "finished_at",
    )
    list_filter = ("status", "kind", "term__year", "term__bloc")
    search_fields = ("title", "verification_code", "sha256")
    readonly_fields = (
        "sha256",
        "size",
        "pages",
        "verification_code",
        "requested_at",
        "started_at",
        "finished_at",
        "attempts",
        "error",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("term__bloc__council")
