from django.urls import path

from campaigns.views import period_review, ranking, review

TERM = "blocs/<slug:bloc_code>/<int:year>/"
PERIOD = TERM + "review/<slug:kind>/"
RANKING = TERM + "ranking/<slug:kind>/"

urlpatterns = [
    path(PERIOD, period_review.review_home, name="review_home"),
    path(PERIOD + "cross-checks/", period_review.crosscheck_assign, name="crosscheck_assign"),
    path(PERIOD + "cross-checks/auto/", period_review.crosscheck_auto, name="crosscheck_auto"),
    path(PERIOD + "agree/", period_review.period_agree, name="period_agree"),
    path(PERIOD + "reopen/", period_review.period_reopen, name="period_reopen"),
    path(PERIOD + "grid/", ranking.review_grid, name="review_grid"),
    path(PERIOD + "grid.xlsx", ranking.review_grid_export, name="review_grid_export"),
    path(PERIOD + "queue/", review.review_queue, name="review_queue"),
    path(PERIOD + "<int:agency_id>/review-all/", review.review_save_all, name="review_save_all"),
    path(PERIOD + "<int:agency_id>/", review.review_scorecard, name="review_scorecard"),
    path(
        PERIOD + "<int:agency_id>/lines/<int:line_id>/<slug:layer>/",
        review.review_line,
        name="review_line",
    ),
    path(TERM + "ranking/", ranking.ranking_index, name="ranking_index"),
    path(RANKING, ranking.ranking, name="ranking"),
    path(RANKING + "export.<slug:fmt>", ranking.ranking_export, name="ranking_export"),
    path(RANKING + "<int:agency_id>/", ranking.ranking_explain, name="ranking_explain"),
]
