from django.conf import settings
from django.http import Http404, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.urls import Resolver404, is_valid_path
from django.utils import translation

from khoithidua.errors import page_not_found
from khoithidua.uploads import request_max_bytes


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Serve Vietnamese unless the user picked another language with the switch.

    Officers often use browsers set to English; the browser's Accept-Language header is
    therefore ignored, and only the language cookie set by the switch counts.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RequestSizeLimitMiddleware:
    """Answer 413 to a request whose body is larger than any form accepts, before reading it.

    Django reads a multipart body to its end, writing the files to disk, before any form sees a
    size; a 60 MB body would be stored only to be refused by a 10 MB check. The declared
    Content-Length is checked here instead, and the body is never read. A body without one is
    not read by Django at all. The reverse proxy's client_max_body_size stops it earlier (README).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = request_max_bytes()
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            return HttpResponse(
                render_to_string("413.html", {"limit": filesizeformat(limit)}),
                status=413,
            )
        return self.get_response(request)


class DebugNotFoundPageMiddleware:
    """Answer a 404 with the site's own page in DEBUG too, never Django's technical one.

    The technical 404 of `make run` lists every URL pattern of the site to whoever asks. Outside
    DEBUG Django already renders handler404; here the same view answers a path that matches no
    URL and an Http404 raised by a view, while DEBUG keeps its pages for real errors.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and not is_valid_path(request.path_info, getattr(request, "urlconf", None))
        ):
            return page_not_found(request, Resolver404())
        return response

    def process_exception(self, request, exception):
        if settings.DEBUG and isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None
