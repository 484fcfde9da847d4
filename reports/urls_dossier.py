"""The award dossier of a bloc-year (reports.dossiers.views)."""

from django.urls import path

from reports.dossiers import views

PREFIX = "blocs/<slug:bloc_code>/<int:year>/dossier/"

urlpatterns = [
    path(PREFIX, views.dossier, name="dossier"),
    path(f"{PREFIX}move/", views.dossier_move, name="dossier_move"),
    path(f"{PREFIX}attachments/", views.dossier_attachment_add, name="dossier_attachment_add"),
    path(
        f"{PREFIX}attachments/<int:attachment_id>/",
        views.dossier_attachment,
        name="dossier_attachment",
    ),
    path(
        f"{PREFIX}attachments/<int:attachment_id>/withdraw/",
        views.dossier_attachment_withdraw,
        name="dossier_attachment_withdraw",
    ),
    path(f"{PREFIX}decision/", views.dossier_decision, name="dossier_decision"),
    path(f"{PREFIX}revoke/", views.dossier_revoke, name="dossier_revoke"),
    path(f"{PREFIX}dossier.zip", views.dossier_zip, name="dossier_zip"),
]
