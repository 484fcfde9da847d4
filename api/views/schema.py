"""The OpenAPI schema and its page (Swagger UI, served from the installed package).

The page is the split view of drf-spectacular: its start-up script is a separate file, so that
the site's Content-Security-Policy, which refuses inline scripts and styles, holds on it too.
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView


class Schema(SpectacularAPIView):
    """The OpenAPI 3 schema of ``/api/v1/``, in YAML or JSON (``?format=json``)."""


class Docs(SpectacularSwaggerSplitView):
    url_name = "api:schema"
    template_name = "api/docs.html"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if request.GET.get("script") is None:
            response.data["schema_url"] = reverse(self.url_name)
        return response
