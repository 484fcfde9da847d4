"""The shapes the API answers with: read-only, built from plain values the views load.

Points go out as decimal strings ("92.50"), exactly as ``export_ranking`` writes them
(DESIGN.md, "Interfaces that stay stable"), never as floats.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from awards.models import NominationList
from blocs.models import Agency, BlocTerm, Membership
from campaigns.models import Period
from reports.models import Document

POINTS_SCHEMA = {
    "type": "string",
    "format": "decimal",
    "pattern": r"^-?\d+(\.\d+)?$",
    "example": "92.50",
}


@extend_schema_field(POINTS_SCHEMA)
class PointsField(serializers.CharField):
    """A number of points as a decimal string."""


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_("Lý do, bằng tiếng Việt."))


class AgencyRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    abbreviation = serializers.CharField()


class BlocSerializer(serializers.Serializer):
    code = serializers.SlugField()
    name = serializers.CharField()
    council = serializers.CharField(source="council.name")
    province = serializers.CharField(source="council.province")
    active = serializers.BooleanField()
    url = serializers.URLField()
    terms_url = serializers.URLField()


class TermRefSerializer(serializers.Serializer):
    bloc = serializers.SlugField(source="bloc.code")
    year = serializers.IntegerField()
    status = serializers.ChoiceField(choices=BlocTerm.Status.choices)
    url = serializers.URLField()


class PeriodSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Period.Kind.choices)
    status = serializers.ChoiceField(choices=Period.Status.choices)
    ranking_visible = serializers.BooleanField(
        help_text=_("Người dùng này có xem được bảng xếp hạng của kỳ không.")
    )
    ranking_url = serializers.URLField()


class TermSerializer(serializers.Serializer):
    bloc = serializers.SlugField(source="bloc.code")
    bloc_name = serializers.CharField(source="bloc.name")
    year = serializers.IntegerField()
    status = serializers.ChoiceField(choices=BlocTerm.Status.choices)
    leader = AgencyRefSerializer(allow_null=True)
    deputy = AgencyRefSerializer(allow_null=True)
    member_count = serializers.IntegerField(help_text=_("Số thành viên hiện tại."))
    periods = PeriodSerializer(many=True)
    members_url = serializers.URLField()
    awards_url = serializers.URLField()
    documents_url = serializers.URLField()
    page_url = serializers.URLField(help_text=_("Trang của năm thi đua trên hệ thống."))


class MemberSerializer(serializers.Serializer):
    agency_id = serializers.IntegerField()
    name = serializers.CharField(help_text=_("Tên đơn vị trong năm thi đua này."))
    abbreviation = serializers.CharField()
    kind = serializers.ChoiceField(choices=Agency.Kind.choices)
    role = serializers.ChoiceField(choices=Membership.Role.choices)
    joined_on = serializers.DateField()
    left_on = serializers.DateField(allow_null=True)


class RankingRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    agency_id = serializers.IntegerField()
    agency = serializers.CharField()
    agency_abbr = serializers.CharField()
    base = PointsField()
    bonus = PointsField()
    penalty = PointsField()
    total = PointsField()
    classification = serializers.CharField()
    tie_break = serializers.CharField()
    notes = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("Ghi chú trên bảng xếp hạng (ví dụ đơn vị đang tạm dừng xét khen thưởng)."),
    )


class UnsubmittedSerializer(serializers.Serializer):
    agency_id = serializers.IntegerField()
    agency = serializers.CharField()
    agency_abbr = serializers.CharField()


class RankingSerializer(serializers.Serializer):
    bloc = serializers.SlugField()
    year = serializers.IntegerField()
    period = serializers.ChoiceField(choices=Period.Kind.choices)
    status = serializers.ChoiceField(choices=Period.Status.choices)
    visible = serializers.BooleanField(
        help_text=_(
            "Sai khi bảng xếp hạng chưa được công bố cho người dùng này: "
            "khi đó rows và unsubmitted để trống, như trang xếp hạng."
        )
    )
    rows = RankingRowSerializer(many=True)
    unsubmitted = UnsubmittedSerializer(
        many=True, help_text=_("Đơn vị chưa nộp phiếu, không được xếp hạng.")
    )


class AwardTypeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    kind = serializers.CharField()


class NomineeSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    agency_id = serializers.IntegerField()
    agency = serializers.CharField()
    agency_abbr = serializers.CharField()
    votes = serializers.IntegerField(allow_null=True)


class NominationListSerializer(serializers.Serializer):
    award_type = AwardTypeSerializer()
    status = serializers.ChoiceField(choices=NominationList.Status.choices)
    confirmed_at = serializers.DateTimeField(allow_null=True)
    nominees = NomineeSerializer(many=True)


class GrantedAwardSerializer(serializers.Serializer):
    award_type = AwardTypeSerializer()
    agency_id = serializers.IntegerField()
    agency = serializers.CharField()
    agency_abbr = serializers.CharField()
    granted = serializers.BooleanField()
    in_force = serializers.BooleanField(help_text=_("Được khen thưởng và chưa bị thu hồi."))
    note = serializers.CharField(allow_blank=True)
    revoked_on = serializers.DateField(allow_null=True)
    revocation_number = serializers.CharField(allow_blank=True)
    revocation_reason = serializers.CharField(allow_blank=True)


class DecisionSerializer(serializers.Serializer):
    number = serializers.CharField()
    signed_on = serializers.DateField()
    signer_name = serializers.CharField()
    signer_title = serializers.CharField()
    awards = GrantedAwardSerializer(many=True)


class AwardsSerializer(serializers.Serializer):
    bloc = serializers.SlugField()
    year = serializers.IntegerField()
    nominations = NominationListSerializer(
        many=True,
        help_text=_(
            "Danh sách đề nghị đã chốt; danh sách dự kiến chỉ hiện với thư ký khối, "
            "Ban Thi đua – Khen thưởng và quản trị viên."
        ),
    )
    decision = DecisionSerializer(
        allow_null=True, help_text=_("Quyết định khen thưởng, khi hồ sơ của năm đã có quyết định.")
    )


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    bloc = serializers.SlugField()
    year = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    title = serializers.CharField()
    number = serializers.IntegerField(allow_null=True)
    number_label = serializers.CharField(
        help_text=_("Số văn bản như in trên văn bản, hoặc dự thảo.")
    )
    provisional = serializers.BooleanField()
    status = serializers.ChoiceField(choices=Document.Status.choices)
    issued_on = serializers.DateField(allow_null=True)
    requested_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    sha256 = serializers.CharField(allow_blank=True)
    size = serializers.IntegerField(allow_null=True)
    pages = serializers.IntegerField(allow_null=True)
    verification_code = serializers.CharField()
    verify_url = serializers.URLField()
    page_url = serializers.URLField()
    download_url = serializers.URLField(
        allow_null=True,
        help_text=_("Tệp PDF (khi đã sẵn sàng), qua trang tải văn bản của hệ thống."),
    )
    file_url = serializers.URLField(
        allow_null=True,
        help_text=_("Tệp PDF (khi đã sẵn sàng) qua API, với mã truy cập."),
    )
    docx_url = serializers.URLField(allow_null=True)
    replaced_by = serializers.IntegerField(
        allow_null=True, help_text=_("Văn bản mới thay thế văn bản này, khi đã sẵn sàng.")
    )
