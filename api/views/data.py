"""The read endpoints: each loads through the access helper of the page that shows the same
thing, so that a token sees exactly what its user sees there.

An anonymous request gets 401; a bloc, year, period or document the user may not read is a 404,
as on the pages (an outsider never learns that it exists). Generic views are used because they
are plain reads that page and document themselves in the schema. Each view's ``name`` and
``description`` are what the browsable API and the schema show.
"""

from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api import selectors, serializers
from api.openapi import (
    BLOC_CODE,
    DOCUMENT_ID,
    ERRORS,
    INDEX_RESPONSE,
    KIND,
    LIST_ERRORS,
    MAX_ID,
    TAGS,
    TERM,
    YEARS,
)
from blocs.access import get_bloc_for_user, get_term_for_user
from blocs.models import Bloc, BlocTerm
from blocs.vnsort import vietnamese_sort_key
from campaigns.access import get_period_for_user
from reports.access import get_document_for_user
from reports.models import Document


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
    name = _lazy("API đọc dữ liệu")
    description = _lazy("Các địa chỉ chính của API: danh sách khối, lược đồ OpenAPI, tài liệu.")
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="index",
        summary=name,
        description=description,
        tags=[TAGS["index"]],
        responses={200: INDEX_RESPONSE},
    )
    def get(self, request):
        links = {"blocs": "api:bloc_list", "schema": "api:schema", "docs": "api:docs"}
        return Response({key: request.build_absolute_uri(reverse(u)) for key, u in links.items()})


class BlocList(generics.ListAPIView):
    name = _lazy("Các khối người dùng được xem")
    description = _lazy(
        "Như trang “Khối của tôi”: Ban Thi đua – Khen thưởng thấy mọi khối của hội đồng, "
        "đơn vị thành viên thấy khối của mình; xếp theo thứ tự tiếng Việt."
    )
    serializer_class = serializers.BlocSerializer

    def get_queryset(self):
        blocs = Bloc.objects.visible_to(self.request.user).select_related("council")
        ordered = sorted(blocs, key=lambda b: (vietnamese_sort_key(b.name), b.pk))
        return [_bloc_row(self.request, b) for b in ordered]

    @extend_schema(
        operation_id="blocs_list",
        summary=name,
        description=description,
        tags=[TAGS["blocs"]],
        responses={200: serializer_class, **LIST_ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class BlocDetail(generics.GenericAPIView):
    name = _lazy("Một khối")
    description = _lazy("Tên, hội đồng và các địa chỉ của một khối người dùng được xem.")
    serializer_class = serializers.BlocSerializer

    @extend_schema(
        operation_id="blocs_retrieve",
        summary=name,
        description=description,
        tags=[TAGS["blocs"]],
        parameters=[BLOC_CODE],
        responses={200: serializer_class, **ERRORS},
    )
    def get(self, request, bloc_code):
        bloc = get_bloc_for_user(request, bloc_code)
        return Response(self.get_serializer(_bloc_row(request, bloc)).data)


class TermList(generics.ListAPIView):
    name = _lazy("Các năm thi đua của khối")
    description = _lazy("Những năm người dùng được xem, năm gần nhất trước.")
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
        summary=name,
        description=description,
        tags=[TAGS["terms"]],
        parameters=[BLOC_CODE],
        responses={200: serializer_class, **LIST_ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class TermDetail(generics.GenericAPIView):
    name = _lazy("Một năm thi đua")
    description = _lazy(
        "Trạng thái, khối trưởng, khối phó, số thành viên và các kỳ chấm điểm của năm."
    )
    serializer_class = serializers.TermSerializer

    @extend_schema(
        operation_id="terms_retrieve",
        summary=name,
        description=description,
        tags=[TAGS["terms"]],
        parameters=TERM,
        responses={200: serializer_class, **ERRORS},
    )
    def get(self, request, bloc_code, year):
        term, access = load_term(request, bloc_code, year)
        return Response(self.get_serializer(selectors.term_summary(request, term, access)).data)


class MemberList(generics.ListAPIView):
    name = _lazy("Thành viên của năm")
    description = _lazy(
        "Theo thứ tự tên đơn vị, với tên đơn vị mang trong năm đó; đơn vị đã rời khối có ngày rời."
    )
    serializer_class = serializers.MemberSerializer

    def list(self, request, bloc_code, year):
        term, _access = load_term(request, bloc_code, year)
        page = self.paginate_queryset(selectors.memberships(term))
        day = selectors.year_end(term)
        rows = [selectors.member_row(m, day) for m in page]
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    @extend_schema(
        operation_id="members_list",
        summary=name,
        description=description,
        tags=[TAGS["terms"]],
        parameters=TERM,
        responses={200: serializer_class, **LIST_ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class RankingDetail(generics.GenericAPIView):
    name = _lazy("Bảng xếp hạng của một kỳ")
    description = _lazy(
        "Như trang xếp hạng: thành viên thấy bảng khi kỳ đã thống nhất điểm; thư ký khối, "
        "khối phó và Ban Thi đua – Khen thưởng thấy cả khi đang chấm. Điểm là chuỗi số "
        "thập phân, như lệnh export_ranking."
    )
    serializer_class = serializers.RankingSerializer

    @extend_schema(
        operation_id="rankings_retrieve",
        summary=name,
        description=description,
        tags=[TAGS["rankings"]],
        parameters=[*TERM, KIND],
        responses={200: serializer_class, **ERRORS},
    )
    def get(self, request, bloc_code, year, kind):
        check_year(year)
        term, access, period = get_period_for_user(request, bloc_code, year, kind)
        return Response(self.get_serializer(selectors.ranking(term, access, period)).data)


class AwardsDetail(generics.GenericAPIView):
    name = _lazy("Đề nghị và quyết định khen thưởng của năm")
    description = _lazy(
        "Các danh sách đề nghị khen thưởng (danh sách dự kiến chỉ với thư ký khối và Ban Thi "
        "đua – Khen thưởng) và, khi hồ sơ đã có quyết định, kết quả cho từng đơn vị (với ai "
        "xem được hồ sơ khen thưởng: thư ký khối, Ban Thi đua – Khen thưởng)."
    )
    serializer_class = serializers.AwardsSerializer

    @extend_schema(
        operation_id="awards_retrieve",
        summary=name,
        description=description,
        tags=[TAGS["awards"]],
        parameters=TERM,
        responses={200: serializer_class, **ERRORS},
    )
    def get(self, request, bloc_code, year):
        term, access = load_term(request, bloc_code, year)
        return Response(self.get_serializer(selectors.awards(term, access)).data)


class DocumentList(generics.ListAPIView):
    name = _lazy("Văn bản của năm")
    description = _lazy(
        "Những văn bản người dùng được mở, mới nhất trước, như trang văn bản của năm; "
        "tệp tải qua download_url khi đã đăng nhập."
    )
    serializer_class = serializers.DocumentSerializer

    def list(self, request, bloc_code, year):
        term, access = load_term(request, bloc_code, year)
        page = self.paginate_queryset(selectors.readable_documents(request.user, term, access))
        rows = [selectors.document_row(request, d) for d in page]
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    @extend_schema(
        operation_id="documents_list",
        summary=name,
        description=description,
        tags=[TAGS["documents"]],
        parameters=TERM,
        responses={200: serializer_class, **LIST_ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class DocumentDetail(generics.GenericAPIView):
    name = _lazy("Một văn bản")
    description = _lazy("Thông tin, mã xác thực và địa chỉ tải của một văn bản.")
    serializer_class = serializers.DocumentSerializer

    @extend_schema(
        operation_id="documents_retrieve",
        summary=name,
        description=description,
        tags=[TAGS["documents"]],
        parameters=[DOCUMENT_ID],
        responses={200: serializer_class, **ERRORS},
    )
    def get(self, request, document_id):
        if not 1 <= document_id <= MAX_ID:
            raise Http404(_("Không tìm thấy văn bản."))
        document, _access = get_document_for_user(request, document_id)
        return Response(self.get_serializer(selectors.document_row(request, document)).data)


class DocumentFile(APIView):
    """The PDF itself, for a system that files the documents it reads (token or session)."""

    name = _lazy("Tệp PDF của một văn bản")
    description = _lazy(
        "Tệp PDF đã ký của văn bản, với cùng quyền đọc như trang văn bản; 404 khi văn bản chưa "
        "có tệp (đang chờ tạo hoặc không tạo được)."
    )

    @extend_schema(
        operation_id="documents_file",
        summary=name,
        description=description,
        tags=[TAGS["documents"]],
        parameters=[DOCUMENT_ID],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **ERRORS},
    )
    def get(self, request, document_id):
        if not 1 <= document_id <= MAX_ID:
            raise Http404(_("Không tìm thấy văn bản."))
        document, _access = get_document_for_user(request, document_id)
        if document.status != Document.Status.READY or not document.file:
            raise NotFound(_("Văn bản chưa có tệp."))
        return FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.download_name,
            content_type="application/pdf",
        )


@extend_schema(exclude=True)
@api_view(["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"])
@authentication_classes([])
@permission_classes([AllowAny])
def not_found(request, rest=""):
    """Any other address under the API: a 404 in JSON, like the API's own, never the site's
    HTML page (a year that is not a number, a path a client mistyped)."""
    raise NotFound(_("Không có địa chỉ này trong API."))
