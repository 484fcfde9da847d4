from django.urls import path

from campaigns.views import criteria, periods, scorecards

TERM = "blocs/<slug:bloc_code>/<int:year>/"
TABLE = TERM + "criteria/v<int:version>/"
PERIOD = TERM + "periods/<slug:kind>/"
CARD = PERIOD + "scorecards/<int:scorecard_id>/"

urlpatterns = [
    path(TERM + "criteria/", criteria.criteria_list, name="criteria_list"),
    path(TERM + "criteria/create/", criteria.criteria_create, name="criteria_create"),
    path(TERM + "criteria/template.xlsx", criteria.criteria_template, name="criteria_template"),
    path(TABLE, criteria.criteria_detail, name="criteria_detail"),
    path(TABLE + "settings/", criteria.criteria_settings, name="criteria_settings"),
    path(TABLE + "rows/add/", criteria.criterion_add, name="criterion_add"),
    path(TABLE + "rows/<int:criterion_id>/edit/", criteria.criterion_edit, name="criterion_edit"),
    path(
        TABLE + "rows/<int:criterion_id>/delete/",
        criteria.criterion_delete,
        name="criterion_delete",
    ),
    path(TABLE + "adopt/", criteria.criteria_adopt, name="criteria_adopt"),
    path(TABLE + "revise/", criteria.criteria_revise, name="criteria_revise"),
    path(TABLE + "export.xlsx", criteria.criteria_export, name="criteria_export"),
    path(TABLE + "import/", criteria.criteria_import_view, name="criteria_import"),
    path(TERM + "periods/", periods.period_list, name="period_list"),
    path(PERIOD + "edit/", periods.period_edit, name="period_edit"),
    path(PERIOD + "extend/", periods.period_extend, name="period_extend"),
    path(
        PERIOD + "agencies/<int:agency_id>/open/", scorecards.scorecard_open, name="scorecard_open"
    ),
    path(CARD, scorecards.scorecard_detail, name="scorecard_detail"),
    path(CARD + "reopen/", scorecards.scorecard_reopen, name="scorecard_reopen"),
    path(CARD + "recall/", scorecards.scorecard_recall, name="scorecard_recall"),
    path(CARD + "history/", scorecards.scorecard_history, name="scorecard_history"),
    path(CARD + "export.xlsx", scorecards.scorecard_export, name="scorecard_export"),
    path(
        TERM + "evidence/<int:evidence_id>/", scorecards.evidence_download, name="evidence_download"
    ),
]
