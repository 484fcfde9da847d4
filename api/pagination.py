"""How the API's lists are cut into pages."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from rest_framework.exceptions import ParseError
from rest_framework.pagination import PageNumberPagination


class PagePagination(PageNumberPagination):
    """Pages of 50 by default; a client may ask for 1 to 200 with ``page_size``.

    A page size that is not such a number is refused (400) rather than quietly replaced, so
    that a client never reads a page shorter than it asked for without knowing why.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    page_query_description = _lazy("Số trang, từ 1.")
    page_size_query_description = _lazy("Số mục mỗi trang, từ 1 đến 200 (mặc định 50).")
    invalid_page_message = _lazy("Không có trang này.")

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ParseError(
                _("page_size phải là số nguyên từ 1 đến %(most)s.") % {"most": self.max_page_size}
            )
        return size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                }
        return parameters
