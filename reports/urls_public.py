"""The public results page and the page that publishes a year's results (names in ``reports``)."""

from django.urls import path

from reports import views_public

urlpatterns = [
    path("results/", views_public.results_index, name="results_index"),
    path(
        "results/<int:council_id>/<int:year>/",
        views_public.results_council_year,
        name="results_council_year",
    ),
    path(
        "blocs/<slug:bloc_code>/<int:year>/results/publish/",
        views_public.results_publish,
        name="results_publish",
    ),
]
