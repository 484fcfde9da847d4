from django.urls import include, path

from reports import views, views_contributions, views_review

app_name = "reports"

urlpatterns = [
    path("verify/<str:code>", views.verify, name="verify"),
    path(
        "blocs/<slug:bloc_code>/<int:year>/documents/", views.term_documents, name="term_documents"
    ),
    path(
        "blocs/<slug:bloc_code>/<int:year>/documents/all.zip",
        views.term_documents_zip,
        name="term_documents_zip",
    ),
    path(
        "blocs/<slug:bloc_code>/<int:year>/documents/request/",
        views.document_request,
        name="document_request",
    ),
    path("documents/<int:document_id>/", views.document_detail, name="document_detail"),
    path("documents/<int:document_id>/status/", views.document_status, name="document_status"),
    path(
        "documents/<int:document_id>/download/", views.document_download, name="document_download"
    ),
    path("documents/<int:document_id>/docx/", views.document_docx, name="document_docx"),
    path(
        "documents/<int:document_id>/rerender/", views.document_rerender, name="document_rerender"
    ),
    # The bloc's half-year or year-end review report, as the secretariat writes it.
    path(
        "blocs/<slug:bloc_code>/<int:year>/reports/<str:period_kind>/",
        views_review.review_report,
        name="review_report",
    ),
    # Members' own half-year and year-end reports.
    path(
        "blocs/<slug:bloc_code>/<int:year>/reports/<str:period_kind>/mine/",
        views_contributions.member_report,
        name="member_report",
    ),
    path(
        "blocs/<slug:bloc_code>/<int:year>/reports/<str:period_kind>/members/",
        views_contributions.member_reports,
        name="member_reports",
    ),
    path(
        "blocs/<slug:bloc_code>/<int:year>/reports/<str:period_kind>/members/<int:report_id>/quote/",
        views_contributions.member_report_quote,
        name="member_report_quote",
    ),
    path(
        "blocs/<slug:bloc_code>/<int:year>/reports/<str:period_kind>/files/<int:file_id>/",
        views_contributions.member_report_file,
        name="member_report_file",
    ),
    # The award dossier a bloc sends to the board, and the council's decision.
    path("", include("reports.urls_dossier")),
    # The province at a glance for the board: every bloc's year and the cross-bloc ranking.
    path("", include("reports.urls_province")),
    # The board's award statistics and each agency's history.
    path("", include("reports.urls_province_awards")),
    # The public results page and the page that publishes a year's results.
    path("", include("reports.urls_public")),
]
