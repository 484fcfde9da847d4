from django.urls import path

from campaigns.views import review as views

TERM = "blocs/<slug:bloc_code>/<int:year>/"
PERIOD = TERM + "review/<slug:kind>/"
RANKING = TERM + "ranking/<slug:kind>/"

urlpatterns = [
    path(PERIOD, views.review_home, name="review_home"),
    path(PERIOD + "cross-checks/", views.crosscheck_assign, name="crosscheck_assign"),
    path(PERIOD + "cross-checks/auto/", views.crosscheck_auto, name="crosscheck_auto"),
    path(PERIOD + "agree/", views.period_agree, name="period_agree"),
    path(PERIOD + "grid/", views.review_grid, name="review_grid"),
    path(PERIOD + "<int:agency_id>/", views.review_scorecard, name="review_scorecard"),
    path(
        PERIOD + "<int:agency_id>/lines/<int:line_id>/<slug:layer>/",
        views.review_line,
        name="review_line",
    ),
    path(TERM + "ranking/", views.ranking_index, name="ranking_index"),
    path(RANKING, views.ranking, name="ranking"),
    path(RANKING + "export.<slug:fmt>", views.ranking_export, name="ranking_export"),
    path(RANKING + "<int:agency_id>/", views.ranking_explain, name="ranking_explain"),
]
