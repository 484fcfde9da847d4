"""What the schema says of the endpoints beyond their answers: tags, path parameters, errors.

The parameters carry the ranges the views accept, so that a client (and schemathesis) knows
that any other value names nothing; their examples are the demo's Party bloc in 2026.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse

from api.serializers import ErrorSerializer
from campaigns.models import Period

# The years a term may have (``blocs_term_year_sane``) and the largest id the database stores:
# anything else names nothing, and is answered 404 before a query could overflow.
YEARS = (2000, 2100)
MAX_ID = 2**63 - 1

TAGS = {
    "index": _("Chung"),
    "blocs": _("Khối"),
    "terms": _("Năm thi đua"),
    "rankings": _("Xếp hạng"),
    "awards": _("Khen thưởng"),
    "documents": _("Văn bản"),
}
ERRORS = {
    401: OpenApiResponse(
        ErrorSerializer,
        description=_("Chưa đăng nhập, hoặc mã truy cập không đúng hay đã bị thu hồi."),
    ),
    404: OpenApiResponse(
        ErrorSerializer,
        description=_("Không có, hoặc người dùng không được xem (như trên trang)."),
    ),
}
# A list also refuses a page size out of range (400) and a page past its end (404).
LIST_ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description=_("Tham số phân trang không hợp lệ.")),
    **ERRORS,
}
BLOC_CODE = OpenApiParameter(
    "bloc_code",
    {"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$", "maxLength": 50},
    OpenApiParameter.PATH,
    description=_("Mã khối (như trong địa chỉ trang của khối)."),
    examples=[OpenApiExample("khoi-dang", value="khoi-dang")],
)
YEAR = OpenApiParameter(
    "year",
    {"type": "integer", "minimum": YEARS[0], "maximum": YEARS[1]},
    OpenApiParameter.PATH,
    description=_("Năm thi đua."),
    examples=[OpenApiExample("2026", value=2026)],
)
KIND = OpenApiParameter(
    "kind",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=Period.Kind.values,
    description=_("Kỳ chấm điểm: semiannual (sơ kết 6 tháng) hoặc annual (tổng kết năm)."),
)
DOCUMENT_ID = OpenApiParameter(
    "document_id",
    {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    OpenApiParameter.PATH,
    description=_("Số định danh của văn bản trong hệ thống."),
)
TERM = [BLOC_CODE, YEAR]
INDEX_RESPONSE = OpenApiResponse(
    {
        "type": "object",
        "properties": {
            key: {"type": "string", "format": "uri"} for key in ("blocs", "schema", "docs")
        },
        "required": ["blocs", "schema", "docs"],
    },
    description=_("Danh sách khối, lược đồ OpenAPI và trang tài liệu."),
)
