"""The public results page (no login), and the page where a year's results are published.

Nothing of a year that is not published may show: a council-year with nothing public answers
with the same 404 as a council that does not exist, and the index lists only what is public.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from blocs.access import get_term_for_user, require
from reports import public
from reports.forms_public import ResultsPublicationForm
from reports.models import ResultsPublication
from reports.publication import publication_problem, publish_results, withdraw_results

# Results change only when they are published or withdrawn: five minutes of caching spares the
# database when a page is shared widely, and a withdrawal shows everywhere within five minutes.
PUBLIC_MAX_AGE = 300


def _cached(request, response):
    """Public for visitors; private for a signed-in reader, whose name the navigation shows.

    Every page carries the language switch's CSRF cookie, and Django varies it on the cookie:
    shared caches (which keep no response that sets a cookie) mostly leave it to browsers.
    """
    visibility = "private" if request.user.is_authenticated else "public"
    patch_cache_control(response, **{visibility: True}, max_age=PUBLIC_MAX_AGE)
    patch_vary_headers(response, ["Cookie", "Accept-Language"])
    return response


@require_safe
def results_index(request):
    """Every council and year with published results."""
    response = render(
        request, "reports/public/results_index.html", {"councils": public.results_index()}
    )
    return _cached(request, response)


@require_safe
def results_council_year(request, council_id, year):
    """A council's published results of one year: each bloc's final ranking and its awards."""
    found = public.council_year(council_id, year)
    if found is None:
        # The same answer whether the council exists or not, or has unpublished results.
        raise Http404(_("Không có kết quả công khai nào ở địa chỉ này."))
    response = render(request, "reports/public/results_council_year.html", {"found": found})
    return _cached(request, response)


@login_required
@require_http_methods(["GET", "POST"])
def results_publish(request, bloc_code, year):
    """Show what publishing the year shows, and publish or withdraw it after a confirmation."""
    term, access = get_term_for_user(request, bloc_code, year)
    require(
        access.oversees,
        _("Chỉ thư ký khối, Ban Thi đua – Khen thưởng và quản trị viên được công khai kết quả."),
    )
    publication = (
        ResultsPublication.objects.filter(term=term).select_related("published_by").first()
    )
    is_public = publication is not None and publication.is_public
    form = ResultsPublicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        publishing = form.cleaned_data["action"] == ResultsPublicationForm.PUBLISH
        service = publish_results if publishing else withdraw_results
        try:
            service(term=term, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if publishing:
                messages.success(request, _("Đã công khai kết quả năm %(year)s.") % {"year": year})
            else:
                messages.success(
                    request, _("Đã thôi công khai kết quả năm %(year)s.") % {"year": year}
                )
            return redirect("reports:results_publish", bloc_code=bloc_code, year=year)
    problem = "" if is_public else publication_problem(term)
    return render(
        request,
        "reports/public/results_publish.html",
        {
            "term": term,
            "access": access,
            "section": "ranking",
            "form": form,
            "publication": publication,
            "is_public": is_public,
            "problem": problem,
            "preview": public.term_preview(term) if not problem else None,
        },
        status=400 if form.errors else 200,
    )
