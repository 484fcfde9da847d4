from django.urls import path

from campaigns.views import scoring as views

TERM = "blocs/<slug:bloc_code>/<int:year>/"
TABLE = TERM + "criteria/v<int:version>/"
PERIOD = TERM + "periods/<slug:kind>/"
CARD = PERIOD + "scorecards/<int:scorecard_id>/"

urlpatterns = [
    path(TERM + "criteria/", views.criteria_list, name="criteria_list"),
    path(TERM + "criteria/create/", views.criteria_create, name="criteria_create"),
    path(TERM + "criteria/template.xlsx", views.criteria_template, name="criteria_template"),
    path(TABLE, views.criteria_detail, name="criteria_detail"),
    path(TABLE + "settings/", views.criteria_settings, name="criteria_settings"),
    path(TABLE + "rows/add/", views.criterion_add, name="criterion_add"),
    path(TABLE + "rows/<int:criterion_id>/edit/", views.criterion_edit, name="criterion_edit"),
    path(
        TABLE + "rows/<int:criterion_id>/delete/", views.criterion_delete, name="criterion_delete"
    ),
    path(TABLE + "adopt/", views.criteria_adopt, name="criteria_adopt"),
    path(TABLE + "revise/", views.criteria_revise, name="criteria_revise"),
    path(TABLE + "export.xlsx", views.criteria_export, name="criteria_export"),
    path(TABLE + "import/", views.criteria_import_view, name="criteria_import"),
    path(TERM + "periods/", views.period_list, name="period_list"),
    path(PERIOD + "edit/", views.period_edit, name="period_edit"),
    path(PERIOD + "extend/", views.period_extend, name="period_extend"),
    path(PERIOD + "agencies/<int:agency_id>/open/", views.scorecard_open, name="scorecard_open"),
    path(CARD, views.scorecard_detail, name="scorecard_detail"),
    path(CARD + "reopen/", views.scorecard_reopen, name="scorecard_reopen"),
    path(CARD + "history/", views.scorecard_history, name="scorecard_history"),
    path(CARD + "export.xlsx", views.scorecard_export, name="scorecard_export"),
    path(TERM + "evidence/<int:evidence_id>/", views.evidence_download, name="evidence_download"),
]
