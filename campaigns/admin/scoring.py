from django.contrib import admin
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from blocs.admin import AuditedAdmin, EventLogAdmin, EventLogInline, LabelledDateTimeMixin
from campaigns.models import (
    CriteriaTable,
    Criterion,
    CrossCheck,
    DeadlineExtension,
    Evidence,
    Period,
    Scorecard,
    ScorecardEvent,
    ScoreLine,
    ScoreLineChange,
    ScoringRules,
)
from campaigns.templatetags.points import points


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ("order", "code", "parent", "kind", "title", "max_points", "evidence_required")
    raw_id_fields = ("parent",)
    show_change_link = True


@admin.register(CriteriaTable)
class CriteriaTableAdmin(AuditedAdmin):
    list_display = (
        "term",
        "version",
        "status",
        "base_max",
        "bonus_cap",
        "penalty_cap",
        "adopted_at",
    )
    list_filter = ("status", "term__year", "term__bloc")
    search_fields = ("title", "term__bloc__name", "term__bloc__code")
    raw_id_fields = ("term", "supersedes", "adopted_by")
    readonly_fields = ("created_at",)
    inlines = [CriterionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("term__bloc")


@admin.register(Criterion)
class CriterionAdmin(AuditedAdmin):
    list_display = ("code", "title", "kind", "max_points", "evidence_required", "table")
    list_filter = ("kind", "evidence_required", "table__term__year")
    search_fields = ("code", "title", "table__term__bloc__name")
    raw_id_fields = ("table", "parent")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("table__term__bloc")


# A row's date-time is two inputs that its column header does not name: the mixin names both.
class DeadlineExtensionInline(LabelledDateTimeMixin, admin.TabularInline):
    model = DeadlineExtension
    extra = 0
    raw_id_fields = ("agency", "granted_by")
    readonly_fields = ("granted_at",)


@admin.register(Period)
class PeriodAdmin(AuditedAdmin):
    list_display = ("__str__", "kind", "self_deadline", "review_deadline", "status")
    list_filter = ("kind", "status", "term__year")
    search_fields = ("term__bloc__name", "term__bloc__code")
    raw_id_fields = ("term", "agreed_by")
    inlines = [DeadlineExtensionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("term__bloc")


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(AuditedAdmin):
    list_display = ("agency", "period", "until", "reason", "granted_by", "granted_at")
    list_filter = ("period__term__year", "period__kind")
    search_fields = ("agency__name", "reason")
    raw_id_fields = ("period", "agency", "granted_by")
    readonly_fields = ("granted_at",)


# The layers of a score line change only through the services, which write each change to the
# line's domain history (ScoreLineChange) with its reason: the admin shows them, never edits them.
SCORE_LINE_FIELDS = (
    "scorecard",
    "criterion",
    "self_points",
    "self_note",
    "review_points",
    "review_note",
    "reviewer",
    "explanation",
    "agreed_points",
    "agreed_note",
    "board_points",
    "board_reason",
)


class ScoreLineInline(admin.TabularInline):
    model = ScoreLine
    extra = 0
    can_delete = False
    fields = (
        "criterion",
        "self_points",
        "review_points",
        "agreed_points",
        "board_points",
        "board_reason",
    )
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScorecardEventInline(EventLogInline):
    model = ScorecardEvent
    fields = ("kind", "reason", "by", "at")
    readonly_fields = fields


@admin.register(Scorecard)
class ScorecardAdmin(AuditedAdmin):
    list_display = ("agency", "period", "table", "status", "submitted_at")
    list_filter = ("status", "period__kind", "period__term__year", "period__term__bloc")
    search_fields = ("agency__name", "agency__abbreviation")
    raw_id_fields = ("period", "agency", "table", "submitted_by")
    inlines = [ScoreLineInline, ScorecardEventInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("agency", "period__term__bloc", "table")


class ScoreLineChangeInline(EventLogInline):
    model = ScoreLineChange
    fields = ("layer", "old_value", "new_value", "note", "changed_by", "changed_at")
    readonly_fields = fields


def _points_column(field: str, description):
    """A list column of one layer's points, written as on the site's pages ("—" for none)."""

    @admin.display(description=description, ordering=field)
    def column(model_admin, line):
        return points(getattr(line, field))

    return column


@admin.register(ScoreLine)
class ScoreLineAdmin(AuditedAdmin):
    """Score lines are read here with their history; the services alone write their layers."""

    # Short columns that fit a laptop screen: the card's agency and period, the criterion's code
    # (the link), the four layers as people write points, and the latest note cut short.
    list_display = (
        "code",
        "agency",
        "period",
        "self_label",
        "review_label",
        "agreed_label",
        "board_label",
        "short_note",
    )
    list_display_links = ("code",)
    list_filter = ("scorecard__period__term__year", "scorecard__period__kind")
    search_fields = (
        "scorecard__agency__name",
        "scorecard__agency__abbreviation",
        "criterion__code",
    )
    fields = SCORE_LINE_FIELDS
    readonly_fields = SCORE_LINE_FIELDS
    inlines = [ScoreLineChangeInline]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("Mã"), ordering="criterion__code")
    def code(self, obj):
        return obj.criterion.code

    @admin.display(description=_("Đơn vị"), ordering="scorecard__agency__abbreviation")
    def agency(self, obj):
        agency = obj.scorecard.agency
        return format_html('<span title="{}">{}</span>', agency.name, agency.abbreviation)

    @admin.display(description=_("Kỳ"), ordering="scorecard__period__term__year")
    def period(self, obj):
        period = obj.scorecard.period
        return f"{period.term.bloc.code} {period.term.year} · {period.get_kind_display()}"

    self_label = _points_column("self_points", _("Tự chấm"))
    review_label = _points_column("review_points", _("Chéo"))
    agreed_label = _points_column("agreed_points", _("Thống nhất"))
    board_label = _points_column("board_points", _("Ban"))

    @admin.display(description=_("Ghi chú"))
    def short_note(self, obj):
        note = obj.board_reason or obj.agreed_note or obj.explanation or obj.review_note
        note = note or obj.self_note
        return Truncator(" ".join(note.split())).chars(40) if note else ""

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("scorecard__agency", "scorecard__period__term__bloc", "criterion")
        )


@admin.register(ScoreLineChange)
class ScoreLineChangeAdmin(EventLogAdmin):
    list_display = ("line", "layer", "old_value", "new_value", "changed_by", "changed_at")
    list_filter = ("layer",)
    search_fields = ("line__scorecard__agency__name", "line__criterion__code", "note")


@admin.register(ScorecardEvent)
class ScorecardEventAdmin(EventLogAdmin):
    list_display = ("scorecard", "kind", "by", "at", "reason")
    list_filter = ("kind",)


@admin.register(Evidence)
class EvidenceAdmin(AuditedAdmin):
    list_display = (
        "original_name",
        "scorecard",
        "criterion",
        "size",
        "content_type",
        "uploaded_at",
        "is_current",
    )
    list_filter = ("content_type", "scorecard__period__term__year")
    search_fields = ("original_name", "sha256", "scorecard__agency__name")
    raw_id_fields = ("scorecard", "criterion", "uploaded_by", "replaced_by")
    readonly_fields = ("sha256", "size", "content_type", "uploaded_at")

    @admin.display(boolean=True, description=_("đang dùng"))
    def is_current(self, obj):
        return obj.is_current


@admin.register(CrossCheck)
class CrossCheckAdmin(AuditedAdmin):
    list_display = ("period", "reviewer", "reviewed", "assigned_by", "assigned_at")
    list_filter = ("period__term__year", "period__kind")
    search_fields = ("reviewer__name", "reviewed__name")
    raw_id_fields = ("period", "reviewer", "reviewed", "assigned_by")
    readonly_fields = ("assigned_at",)


@admin.register(ScoringRules)
class ScoringRulesAdmin(AuditedAdmin):
    list_display = ("term", "score_step", "changed_at", "changed_by")
    list_filter = ("term__year",)
    search_fields = ("term__bloc__name", "term__bloc__code")
    raw_id_fields = ("term", "changed_by")
    readonly_fields = ("changed_at",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("term__bloc")
