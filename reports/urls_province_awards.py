from django.urls import path

from reports import views_province_awards as views

urlpatterns = [
    path("board/awards/", views.award_statistics_index, name="award_statistics_index"),
    path(
        "board/<int:council_id>/<int:year>/awards/",
        views.award_statistics,
        name="award_statistics",
    ),
    path(
        "board/<int:council_id>/<int:year>/awards.xlsx",
        views.award_statistics_export,
        name="award_statistics_export",
    ),
    path("agencies/<int:agency_id>/history/", views.agency_history_page, name="agency_history"),
]
