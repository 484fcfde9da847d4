"""The read endpoints: each loads through the access helper of the page that shows the same
thing, so that a token sees exactly what its user sees there.

An anonymous request gets 401; a bloc, year, period or document the user may not read is a 404,
as on the pages (an outsider never learns that it exists). Generic views are used because they
are plain reads that page and document themselves in the schema.
"""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api import selectors, serializers
from blocs.access import get_bloc_for_user, get_term_for_user
from blocs.models import Bloc, BlocTerm
from blocs.vnsort import vietnamese_sort_key
from campaigns.access import get_period_for_user
from campaigns.models import Period
from reports.access import get_document_for_user

# The years a term may have (``blocs_term_year_sane``) and the largest id the database stores:
# anything else names nothing, and is answered 404 before a query could overflow.
YEARS = (2000, 2100)
MAX_ID = 2**63 - 1

TAGS = {
    "index": _lazy("Chung"),
    "blocs": _lazy("Khối"),
    "terms": _lazy("Năm thi đua"),
    "rankings": _lazy("Xếp hạng"),
    "awards": _lazy("Khen thưởng"),
    "documents": _lazy("Văn bản"),
}
ERRORS = {
    401: OpenApiResponse(
        serializers.ErrorSerializer,
        description=_lazy("Chưa đăng nhập, hoặc mã truy cập không đúng hay đã bị thu hồi."),
    ),
    404: OpenApiResponse(
        serializers.ErrorSerializer,
        description=_lazy("Không có, hoặc người dùng không được xem (như trên trang)."),
    ),
}
BLOC_CODE = OpenApiParameter(
    "bloc_code",
    {"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$", "maxLength": 50},
    OpenApiParameter.PATH,
    description=_lazy("Mã khối (như trong địa chỉ trang của khối)."),
    examples=[OpenApiExample("khoi-dang", value="khoi-dang")],
)
YEAR = OpenApiParameter(
    "year",
    {"type": "integer", "minimum": YEARS[0], "maximum": YEARS[1]},
    OpenApiParameter.PATH,
    description=_lazy("Năm thi đua."),
    examples=[OpenApiExample("2026", value=2026)],
)
KIND = OpenApiParameter(
    "kind",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=Period.Kind.values,
    description=_lazy("Kỳ chấm điểm: semiannual (sơ kết 6 tháng) hoặc annual (tổng kết năm)."),
)
DOCUMENT_ID = OpenApiParameter(
    "document_id",
    {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    OpenApiParameter.PATH,
    description=_lazy("Số định danh của văn bản trong hệ thống."),
)
TERM_PARAMETERS = [BLOC_CODE, YEAR]
# A list also refuses a page size out of range (400) and a page past its end (404).
LIST_ERRORS = {
    400: OpenApiResponse(
        serializers.ErrorSerializer, description=_lazy("Tham số phân trang không hợp lệ.")
    ),
    **ERRORS,
}


def check_year(year) -> None:
    if not YEARS[0] <= year <= YEARS[1]:
        raise Http404(_("Không tìm thấy năm thi đua này."))


def load_term(request, bloc_code, year):
    """The term and the reader's rights, through the pages' loader (404 for outsiders)."""
    check_year(year)
    return get_term_for_user(request, bloc_code, year)


def _bloc_row(request, bloc) -> dict:
    return {
        "code": bloc.code,
        "name": bloc.name,
        "council": bloc.council,
        "active": bloc.active,
        "url": request.build_absolute_uri(reverse("api:bloc_detail", args=[bloc.code])),
        "terms_url": request.build_absolute_uri(reverse("api:term_list", args=[bloc.code])),
    }


class Index(APIView):
    """The API's entry: where its lists, schema and documentation are."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="index",
        summary=_lazy("Các địa chỉ chính của API"),
        tags=[TAGS["index"]],
        responses={
            200: OpenApiResponse(
                {
                    "type": "object",
                    "properties": {
                        name: {"type": "string", "format": "uri"}
                        for name in ("blocs", "schema", "docs")
                    },
                    "required": ["blocs", "schema", "docs"],
                },
                description=_lazy("Danh sách khối, lược đồ OpenAPI và trang tài liệu."),
            )
        },
    )
    def get(self, request):
        links = {"blocs": "api:bloc_list", "schema": "api:schema", "docs": "api:docs"}
        return Response(
            {key: request.build_absolute_uri(reverse(name)) for key, name in links.items()}
        )


@extend_schema(tags=[TAGS["blocs"]])
class BlocList(generics.ListAPIView):
    """The blocs the user may see, in Vietnamese order (as the "Khối của tôi" page)."""

    serializer_class = serializers.BlocSerializer

    def get_queryset(self):
        blocs = Bloc.objects.visible_to(self.request.user).select_related("council")
        ordered = sorted(blocs, key=lambda b: (vietnamese_sort_key(b.name), b.pk))
        return [_bloc_row(self.request, b) for b in ordered]

    @extend_schema(
        operation_id="blocs_list",
        summary=_lazy("Các khối người dùng được xem"),
        description=_lazy(
            "Như trang “Khối của tôi”: Ban Thi đua – Khen thưởng thấy mọi khối của hội đồng, "
            "đơn vị thành viên thấy khối của mình; xếp theo thứ tự tiếng Việt."
        ),
        responses={200: serializer_class, **LIST_ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=[TAGS["blocs"]], parameters=[BLOC_CODE])
class BlocDetail(generics.GenericAPIView):
    serializer_class = serializers.BlocSerializer

    @extend_schema(
        operation_id="blocs_retrieve",
        summary=_lazy("Một khối"),
        responses={200: serializer_class, **ERRORS},
    )
    def get(self, request, bloc_code):
        bloc = get_bloc_for_user(request, bloc_code)
        return Response(self.get_serializer(_bloc_row(request, bloc)).data)


@extend_schema(tags=[TAGS["terms"]], parameters=[BLOC_CODE])
class TermList(generics.ListAPIView):
    """The years of a bloc the user may read, latest first."""

    serializer_class = serializers.TermRefSerializer

    def get_queryset(self):
        bloc = get_bloc_for_user(self.request, self.kwargs["bloc_code"])
        terms = (
            BlocTerm.objects.visible_to(self.request.user)
            .filter(bloc=bloc)
            .select_related("bloc")
            .order_by("-year", "id")
        )
        return [
            {
                "bloc": bloc,
                "year": term.year,
                "status": term.status,
                "url": self.request.build_absolute_uri(
                    reverse("api:term_detail", args=[bloc.code, term.year])
                ),
            }
            for term in terms
        ]

    @extend_schema(
        operation_id="terms_list",
        summary=_lazy("Các năm thi đua của khối"),
        description=_lazy("Những năm người dùng được xem, năm gần nhất trước."),
        responses={200: serializer_class, **LIST_ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=[TAGS["terms"]], parameters=TERM_PARAMETERS)
class TermDetail(generics.GenericAPIView):
    serializer_class = serializers.TermSerializer

    @extend_schema(
        operation_id="terms_retrieve",
        summary=_lazy("Một năm thi đua"),
        description=_lazy(
            "Trạng thái, khối trưởng, khối phó, số thành viên và các kỳ chấm điểm của năm."
        ),
        responses={200: serializer_class, **ERRORS},
    )
    def get(self, request, bloc_code, year):
        term, access = load_term(request, bloc_code, year)
        return Response(self.get_serializer(selectors.term_summary(request, term, access)).data)


@extend_schema(tags=[TAGS["terms"]], parameters=TERM_PARAMETERS)
class MemberList(generics.ListAPIView):
    """The members of a year in agency order, under the names they bore that year."""

    serializer_class = serializers.MemberSerializer

    def list(self, request, bloc_code, year):
        term, _access = load_term(request, bloc_code, year)
        page = self.paginate_queryset(selectors.memberships(term))
        day = selectors.year_end(term)
        rows = [selectors.member_row(m, day) for m in page]
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    @extend_schema(
        operation_id="members_list",
        summary=_lazy("Thành viên của năm"),
        description=_lazy(
            "Theo thứ tự tên đơn vị, với tên đơn vị mang trong năm đó; "
            "đơn vị đã rời khối có ngày rời."
        ),
        responses={200: serializer_class, **LIST_ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=[TAGS["rankings"]], parameters=[*TERM_PARAMETERS, KIND])
class RankingDetail(generics.GenericAPIView):
    """A period's ranking, as the ranking page shows it to the user."""

    serializer_class = serializers.RankingSerializer

    @extend_schema(
        operation_id="rankings_retrieve",
        summary=_lazy("Bảng xếp hạng của một kỳ"),
        description=_lazy(
            "Như trang xếp hạng: thành viên thấy bảng khi kỳ đã thống nhất điểm; thư ký khối, "
            "khối phó và Ban Thi đua – Khen thưởng thấy cả khi đang chấm. Điểm là chuỗi số "
            "thập phân, như lệnh export_ranking."
        ),
        responses={200: serializer_class, **ERRORS},
    )
    def get(self, request, bloc_code, year, kind):
        check_year(year)
        term, access, period = get_period_for_user(request, bloc_code, year, kind)
        return Response(self.get_serializer(selectors.ranking(term, access, period)).data)


@extend_schema(tags=[TAGS["awards"]], parameters=TERM_PARAMETERS)
class AwardsDetail(generics.GenericAPIView):
    """The year's nomination lists and, once decided, the council's decision."""

    serializer_class = serializers.AwardsSerializer

    @extend_schema(
        operation_id="awards_retrieve",
        summary=_lazy("Đề nghị và quyết định khen thưởng của năm"),
        responses={200: serializer_class, **ERRORS},
    )
    def get(self, request, bloc_code, year):
        term, access = load_term(request, bloc_code, year)
        return Response(self.get_serializer(selectors.awards(term, access)).data)


@extend_schema(tags=[TAGS["documents"]], parameters=TERM_PARAMETERS)
class DocumentList(generics.ListAPIView):
    """The year's documents the user may open, newest first, as its documents page."""

    serializer_class = serializers.DocumentSerializer

    def list(self, request, bloc_code, year):
        term, access = load_term(request, bloc_code, year)
        page = self.paginate_queryset(selectors.readable_documents(request.user, term, access))
        rows = [selectors.document_row(request, d) for d in page]
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    @extend_schema(
        operation_id="documents_list",
        summary=_lazy("Văn bản của năm"),
        description=_lazy(
            "Những văn bản người dùng được mở, mới nhất trước, như trang văn bản của năm; "
            "tệp tải qua download_url khi đã đăng nhập."
        ),
        responses={200: serializer_class, **LIST_ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=[TAGS["documents"]], parameters=[DOCUMENT_ID])
class DocumentDetail(generics.GenericAPIView):
    serializer_class = serializers.DocumentSerializer

    @extend_schema(
        operation_id="documents_retrieve",
        summary=_lazy("Một văn bản"),
        responses={200: serializer_class, **ERRORS},
    )
    def get(self, request, document_id):
        if not 1 <= document_id <= MAX_ID:
            raise Http404(_("Không tìm thấy văn bản."))
        document, _access = get_document_for_user(request, document_id)
        return Response(self.get_serializer(selectors.document_row(request, document)).data)


@extend_schema(exclude=True)
@api_view(["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"])
@authentication_classes([])
@permission_classes([AllowAny])
def not_found(request, rest=""):
    """Any other address under the API: a 404 in JSON, like the API's own, never the site's
    HTML page (a year that is not a number, a path a client mistyped)."""
    raise NotFound(_("Không có địa chỉ này trong API."))
