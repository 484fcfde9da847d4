from django.urls import path

from campaigns.views import progress

TERM = "blocs/<slug:bloc_code>/<int:year>/"

urlpatterns = [
    path("board/", progress.board_overview, name="board_overview"),
    path("board/export.xlsx", progress.board_overview_export, name="board_overview_export"),
    path(TERM + "progress/", progress.term_progress, name="term_progress"),
    path(TERM + "progress/export.xlsx", progress.term_progress_export, name="term_progress_export"),
    path(
        TERM + "progress/remind/<slug:column>/",
        progress.term_progress_remind,
        name="term_progress_remind",
    ),
]
