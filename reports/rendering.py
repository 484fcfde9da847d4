"""The one WeasyPrint entry point: an HTML template to PDF bytes, with only local resources."""

import gc
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Resources are addressed under this private origin so that nothing leaves the machine.
LOCAL_ORIGIN = "http://khoithidua.local"
_MIME = {
    ".ttf": "font/ttf",
    ".css": "text/css",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


class LocalStaticFetcher(URLFetcher):
    """Serve /static/ files from disk; refuse file://, remote and every other URL."""

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != LOCAL_ORIGIN or not parts.path.startswith(
            settings.STATIC_URL
        ):
            raise ValueError(f"resource not allowed in documents: {url}")
        relative = parts.path[len(settings.STATIC_URL) :]
        found = finders.find(relative)
        if not found:
            raise ValueError(f"static file not found: {relative}")
        path = Path(found)
        mime = _MIME.get(path.suffix.lower(), "application/octet-stream")
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})


_fonts = threading.local()


def font_configuration() -> FontConfiguration:
    """This thread's font configuration, made once and kept for every document it renders.

    A new one per document loads the system's fonts again, copies the document's @font-face
    files into a new folder and starts Pango's caches from nothing, every time. One kept per
    thread (a configuration is not thread-safe) adds each @font-face once and keeps its caches
    warm. The documents name only the Tinos files of static/fonts, so what it holds stays
    bounded.
    """
    config = getattr(_fonts, "config", None)
    if config is None:
        config = _fonts.config = FontConfiguration()
    return config


@contextmanager
def collector_paused():
    """Pause Python's cyclic garbage collector while a document is laid out and written.

    A render allocates hundreds of thousands of boxes and styles that live until it ends, and
    their count sets off collection after collection, each scanning the whole heap of a worker:
    a quarter of the render's time, for almost nothing to collect (the boxes are freed by their
    reference counts when the render ends). Other threads' collections wait as long.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def html_to_pdf(html: str) -> tuple[bytes, int]:
    """Return the PDF bytes of ``html`` and its number of pages."""
    with collector_paused():
        rendered = HTML(
            string=html, base_url=LOCAL_ORIGIN + "/", url_fetcher=LocalStaticFetcher()
        ).render(font_config=font_configuration())
        return rendered.write_pdf(), len(rendered.pages)


def render_pdf(template_name: str, context: dict) -> tuple[bytes, int]:
    """Render ``template_name`` with ``context`` to PDF bytes and a page count."""
    return html_to_pdf(render_to_string(template_name, context))
