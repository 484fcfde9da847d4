"""The one WeasyPrint entry point: an HTML template to PDF bytes, with only local resources."""

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
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


def html_to_pdf(html: str) -> tuple[bytes, int]:
    """Return the PDF bytes of ``html`` and its number of pages."""
    rendered = HTML(
        string=html, base_url=LOCAL_ORIGIN + "/", url_fetcher=LocalStaticFetcher()
    ).render()
    return rendered.write_pdf(), len(rendered.pages)


def render_pdf(template_name: str, context: dict) -> tuple[bytes, int]:
    """Render ``template_name`` with ``context`` to PDF bytes and a page count."""
    return html_to_pdf(render_to_string(template_name, context))
