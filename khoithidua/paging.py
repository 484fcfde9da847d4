"""A page of a long list: the one paginator of the site's lists and its query string."""

from django.core.paginator import Page, Paginator


def page_of(request, rows, size: int) -> tuple[Page, str]:
    """The requested page of ``rows`` (the last one when past the end) and the request's query
    string without ``page``, for the links to the other pages (``templates/_pages.html``)."""
    page = Paginator(rows, size).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()
