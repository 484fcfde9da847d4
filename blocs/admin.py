from django.contrib import admin
from django.contrib.admin.widgets import AdminSplitDateTime
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from blocs.models import (
    Agency,
    AgencyNameChange,
    AgencyRole,
    Bloc,
    BlocTerm,
    BoardOfficer,
    Council,
    LeadershipChange,
    LeadershipElection,
    Membership,
    Notification,
    NotificationPreference,
    RotationSlot,
    User,
)
from blocs.vnsort import fold


class FoldedSearchMixin:
    """Search that ignores tone marks: "dung" finds "Dũng", "Đặng" finds "Dang", on SQLite and
    PostgreSQL alike.

    Besides the usual search, the ``search_fields`` (plain field names) of every row the list
    shows are read and compared without marks in Python. The admin lists that use it (users,
    agencies, blocs, councils) hold a province's rows, some thousands at most, so one pass over
    three short columns is cheap (about 20 ms for 3000 users) and needs neither a database
    extension (``unaccent``) nor a second copy of each name to keep in step.
    """

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        words = fold(search_term).split()
        fields = self.get_search_fields(request)
        if not words or not fields:
            return results, may_have_duplicates
        matched = []
        for pk, *values in queryset.values_list("pk", *fields).iterator():
            # A word holds no space, so it is found in the joined text only within one field.
            text = " ".join(fold(value or "") for value in values)
            if all(word in text for word in words):
                matched.append(pk)
        if not matched:
            return results, may_have_duplicates
        return queryset.filter(Q(pk__in=results.values("pk")) | Q(pk__in=matched)), False


class LabelledDateTimeMixin:
    """Name the date and the time input of a date-time field, which Django's label names neither."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        if isinstance(widget, AdminSplitDateTime):
            label = capfirst(formfield.label)
            date, time = widget.widgets
            date.attrs["aria-label"] = f"{label} – {gettext('ngày')}"
            time.attrs["aria-label"] = f"{label} – {gettext('giờ')}"
        return formfield


class AuditedAdmin(LabelledDateTimeMixin, SimpleHistoryAdmin):
    """The admin of a tracked model: its History page reads the audit trail, never reverts."""

    # Outside a request there may be no user: the source and the account say who acted.
    history_list_display = ["history_source", "history_os_user"]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # SIMPLE_HISTORY_REVERT_DISABLED only hides the Revert button; a POST would still
        # write the old version back, so a historical version is only ever shown.
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class EventLogAdmin(admin.ModelAdmin):
    """A domain log (the story users read): shown, never added, changed or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventLogInline(admin.TabularInline):
    """The rows of a domain log under their subject, read-only."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AgencyRoleInline(admin.TabularInline):
    model = AgencyRole
    extra = 0
    autocomplete_fields = ["agency"]


class BoardOfficerInline(admin.TabularInline):
    model = BoardOfficer
    extra = 0


@admin.register(User)
class UserAdmin(FoldedSearchMixin, LabelledDateTimeMixin, BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Thông tin công tác"), {"fields": ("full_name", "job_title", "phone", "language")}),
    )
    list_display = ("username", "full_name", "job_title", "email", "is_staff", "is_active")
    search_fields = ("username", "full_name", "email")
    inlines = [AgencyRoleInline, BoardOfficerInline]


@admin.register(Council)
class CouncilAdmin(FoldedSearchMixin, AuditedAdmin):
    list_display = ("name", "short_name", "province", "document_profile")
    search_fields = ("name", "short_name", "province")
    list_filter = ("document_profile",)


class AgencyNameChangeInline(EventLogInline):
    model = AgencyNameChange
    fk_name = "agency"


@admin.register(Agency)
class AgencyAdmin(FoldedSearchMixin, AuditedAdmin):
    list_display = ("name", "abbreviation", "kind", "parent_body", "active", "merged_into")
    list_filter = ("council", "kind", "active")
    search_fields = ("name", "abbreviation", "parent_body")
    autocomplete_fields = ["merged_into"]
    inlines = [AgencyNameChangeInline, AgencyRoleInline]


class RotationSlotInline(admin.TabularInline):
    model = RotationSlot
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(Bloc)
class BlocAdmin(FoldedSearchMixin, AuditedAdmin):
    list_display = ("name", "code", "council", "doc_abbreviation", "document_profile", "active")
    list_filter = ("council", "active")
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}
    inlines = [RotationSlotInline]


@admin.register(RotationSlot)
class RotationSlotAdmin(AuditedAdmin):
    list_display = ("bloc", "position", "agency")
    list_filter = ("bloc",)
    search_fields = ("bloc__name", "agency__name")
    autocomplete_fields = ["agency"]
    list_select_related = ("bloc", "agency")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(BlocTerm)
class BlocTermAdmin(AuditedAdmin):
    list_display = ("bloc", "year", "status", "leader_name", "deputy_name")
    list_filter = ("status", "year", "bloc__council", "bloc")
    search_fields = ("bloc__name", "bloc__code")
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("bloc")
            .prefetch_related("memberships__agency")
        )

    @admin.display(description=_("Khối trưởng"))
    def leader_name(self, obj):
        return obj.leader

    @admin.display(description=_("Khối phó"))
    def deputy_name(self, obj):
        return obj.deputy


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ("agency", "term", "role", "joined_on", "left_on")
    list_filter = ("role", "term__year", "term__bloc")
    search_fields = ("agency__name", "agency__abbreviation", "term__bloc__name")
    autocomplete_fields = ["agency", "term"]


@admin.register(LeadershipElection)
class LeadershipElectionAdmin(AuditedAdmin):
    list_display = ("term", "held_on", "leader", "leader_votes", "deputy", "deputy_votes", "voters")
    list_filter = ("term__bloc", "term__year")
    search_fields = ("term__bloc__name", "leader__name", "deputy__name")
    autocomplete_fields = ["leader", "deputy", "term"]


@admin.register(AgencyRole)
class AgencyRoleAdmin(AuditedAdmin):
    list_display = ("user", "agency", "role", "signing_authority")
    list_filter = ("role", "signing_authority", "agency__council")
    search_fields = ("user__username", "user__full_name", "agency__name")
    autocomplete_fields = ["user", "agency"]


@admin.register(BoardOfficer)
class BoardOfficerAdmin(AuditedAdmin):
    list_display = ("user", "council")
    list_filter = ("council",)
    search_fields = ("user__username", "user__full_name")
    autocomplete_fields = ["user"]


@admin.register(AgencyNameChange)
class AgencyNameChangeAdmin(EventLogAdmin):
    list_display = ("agency", "old_name", "new_name", "changed_on", "recorded_by")
    search_fields = ("old_name", "new_name", "agency__name")
    list_filter = ("changed_on",)


@admin.register(LeadershipChange)
class LeadershipChangeAdmin(EventLogAdmin):
    """The history of the lead is a record: it is read here, never edited."""

    list_display = ("term", "changed_at", "source", "old_leader", "new_leader", "changed_by")
    list_filter = ("source", "term__bloc", "term__year")
    search_fields = ("term__bloc__name", "reason", "new_leader__name", "old_leader__name")
    list_select_related = ("term__bloc", "old_leader", "new_leader", "changed_by")


@admin.register(Notification)
class NotificationAdmin(EventLogAdmin):
    """What was told to whom and whether its mail went out: shown, never rewritten."""

    list_display = ("created_at", "user", "subject", "mail", "mail_attempts", "read_at")
    list_filter = ("mail", "kind")
    search_fields = ("user__username", "user__full_name", "kind", "key")
    list_select_related = ("user",)
    date_hierarchy = "created_at"


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "delivery")
    list_filter = ("delivery", "kind")
    search_fields = ("user__username", "user__full_name")
    autocomplete_fields = ["user"]
