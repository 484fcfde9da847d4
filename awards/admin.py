"""The awards app in the admin: the tracked models with their history; the ballots, their
candidates and receipts, and the quorum checks shown only.

A ballot's counts and who voted online have no audit trail on purpose (the ballot is secret), so
nothing here may write them: a change would leave no trace.
"""

from django.contrib import admin

from awards.models import (
    Appeal,
    AppealLine,
    Attendance,
    AwardRule,
    AwardType,
    Ballot,
    BallotCandidate,
    BallotReceipt,
    EligibilityHold,
    Nomination,
    NominationList,
    QuorumCheck,
    RankingPublication,
    ReviewMeeting,
)
from blocs.admin import AuditedAdmin, EventLogAdmin, EventLogInline, FoldedSearchMixin


@admin.register(AwardType)
class AwardTypeAdmin(FoldedSearchMixin, AuditedAdmin):
    list_display = ("name", "code", "council", "level", "kind", "issuer", "order", "active")
    list_filter = ("council", "level", "kind", "active")
    search_fields = ("name", "code", "issuer")
    list_select_related = ("council",)


@admin.register(AwardRule)
class AwardRuleAdmin(AuditedAdmin):
    list_display = (
        "award_type",
        "term",
        "max_count",
        "max_share",
        "min_vote_share",
        "vote_strict",
        "vote_base",
        "quorum",
        "leading",
    )
    list_filter = ("term__year", "term__bloc__council", "leading")
    search_fields = ("award_type__name", "term__bloc__name", "term__bloc__code")
    raw_id_fields = ("term", "award_type", "requires", "changed_by")
    readonly_fields = ("changed_at",)
    list_select_related = ("award_type", "term__bloc")


@admin.register(EligibilityHold)
class EligibilityHoldAdmin(AuditedAdmin):
    list_display = ("agency", "reason", "starts_on", "until", "recorded_by")
    list_filter = ("reason", "agency__council")
    search_fields = ("agency__name", "agency__abbreviation", "details")
    raw_id_fields = ("agency", "recorded_by")
    readonly_fields = ("recorded_at",)
    list_select_related = ("agency", "recorded_by")
    date_hierarchy = "starts_on"


@admin.register(RankingPublication)
class RankingPublicationAdmin(AuditedAdmin):
    list_display = ("period", "published_at", "appeal_days", "closes_at", "finalized_at")
    list_filter = ("period__kind", "period__term__year")
    search_fields = ("period__term__bloc__name", "period__term__bloc__code")
    raw_id_fields = ("period", "published_by", "finalized_by")
    list_select_related = ("period__term__bloc",)


class AppealLineInline(admin.TabularInline):
    model = AppealLine
    extra = 0
    raw_id_fields = ("line",)


@admin.register(Appeal)
class AppealAdmin(AuditedAdmin):
    list_display = ("publication", "number", "agency", "status", "submitted_at", "answered_at")
    list_filter = ("status",)
    search_fields = ("agency__name", "reason", "answer")
    raw_id_fields = ("publication", "agency", "submitted_by", "answered_by")
    readonly_fields = ("submitted_at",)
    list_select_related = ("agency", "publication__period__term__bloc")
    inlines = [AppealLineInline]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    raw_id_fields = ("agency",)


class QuorumCheckInline(EventLogInline):
    model = QuorumCheck
    fields = ("checked_at", "present", "members", "quorum", "met", "checked_by")
    readonly_fields = fields


@admin.register(ReviewMeeting)
class ReviewMeetingAdmin(AuditedAdmin):
    list_display = ("term", "period_kind", "status", "held_at", "place", "chair")
    list_filter = ("status", "period_kind", "term__year")
    search_fields = ("term__bloc__name", "term__bloc__code", "place", "chair")
    raw_id_fields = ("term", "created_by")
    list_select_related = ("term__bloc",)
    inlines = [AttendanceInline, QuorumCheckInline]


class BallotCandidateInline(EventLogInline):
    model = BallotCandidate
    fields = ("position", "agency", "rank", "votes", "outcome")
    readonly_fields = fields


@admin.register(Ballot)
class BallotAdmin(EventLogAdmin):
    """Shown only: a ballot's counts have no audit trail, so they are never written here."""

    list_display = ("meeting", "award_type", "round", "mode", "status", "seats", "voters")
    list_filter = ("status", "mode", "meeting__term__year")
    search_fields = ("award_type__name", "meeting__term__bloc__name")
    list_select_related = ("award_type", "meeting__term__bloc")
    inlines = [BallotCandidateInline]


@admin.register(BallotCandidate)
class BallotCandidateAdmin(EventLogAdmin):
    list_display = ("ballot", "position", "agency", "votes", "outcome")
    search_fields = ("agency__name",)
    list_select_related = ("ballot__award_type", "ballot__meeting__term__bloc", "agency")


@admin.register(BallotReceipt)
class BallotReceiptAdmin(EventLogAdmin):
    """Which agency voted online in which round: never who it voted for."""

    list_display = ("ballot", "agency")
    search_fields = ("agency__name",)
    list_select_related = ("ballot__award_type", "ballot__meeting__term__bloc", "agency")


@admin.register(QuorumCheck)
class QuorumCheckAdmin(EventLogAdmin):
    list_display = ("meeting", "checked_at", "present", "members", "quorum", "met")
    list_select_related = ("meeting__term__bloc",)


class NominationInline(admin.TabularInline):
    model = Nomination
    extra = 0
    raw_id_fields = ("agency", "ballot")


@admin.register(NominationList)
class NominationListAdmin(AuditedAdmin):
    list_display = ("term", "award_type", "status", "confirmed_at")
    list_filter = ("status", "term__year")
    search_fields = ("term__bloc__name", "award_type__name")
    raw_id_fields = ("term", "award_type", "confirmed_by")
    list_select_related = ("term__bloc", "award_type")
    inlines = [NominationInline]
