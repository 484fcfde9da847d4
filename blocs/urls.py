from django.urls import path

from blocs import views

app_name = "blocs"

term = "blocs/<slug:bloc_code>/<int:year>/"

urlpatterns = [
    path("blocs/", views.bloc_list, name="bloc_list"),
    path("board/", views.board_overview, name="board_overview"),
    path("blocs/<slug:bloc_code>/", views.bloc_detail, name="bloc_detail"),
    path(term, views.term_detail, name="term_detail"),
    path(term + "members/", views.member_manage, name="member_manage"),
    path(term + "members/<int:membership_id>/remove/", views.member_remove, name="member_remove"),
    path(term + "members/import/", views.member_import, name="member_import"),
    path(
        term + "members/import/template.xlsx",
        views.member_import_template,
        name="member_import_template",
    ),
    path(term + "open-next/", views.term_open_next, name="term_open_next"),
    path(term + "election/", views.election_record, name="election_record"),
    path(term + "election/minutes/", views.election_minutes, name="election_minutes"),
    path(term + "leadership/", views.leadership_edit, name="leadership_edit"),
    path(term + "rotation/", views.rotation_edit, name="rotation_edit"),
    path(term + "close/", views.term_close, name="term_close"),
    path(term + "activate/", views.term_activate, name="term_activate"),
]
