from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("verify/<str:code>", views.verify, name="verify"),
    path(
        "blocs/<slug:bloc_code>/<int:year>/documents/", views.term_documents, name="term_documents"
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
    path(
        "documents/<int:document_id>/rerender/", views.document_rerender, name="document_rerender"
    ),
]
