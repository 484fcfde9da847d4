from django.urls import path

from blocs.views import browse, inbox, members, setup, terms

app_name = "blocs"

term = "blocs/<slug:bloc_code>/<int:year>/"

urlpatterns = [
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/settings/", inbox.inbox_settings, name="inbox_settings"),
    path("inbox/read-all/", inbox.inbox_read_all, name="inbox_read_all"),
    path("inbox/<int:notification_id>/", inbox.notification_open, name="notification_open"),
    path("inbox/<int:notification_id>/read/", inbox.notification_read, name="notification_read"),
    path("blocs/", browse.bloc_list, name="bloc_list"),
    path("board/blocs/new/", setup.bloc_create, name="bloc_create"),
    path("blocs/<slug:bloc_code>/", browse.bloc_detail, name="bloc_detail"),
    path("blocs/<slug:bloc_code>/first-year/", setup.bloc_first_year, name="bloc_first_year"),
    path(term, browse.term_detail, name="term_detail"),
    path(term + "members/", members.member_manage, name="member_manage"),
    path(term + "members/agencies/", members.member_agency_search, name="member_agency_search"),
    path(term + "members/<int:membership_id>/remove/", members.member_remove, name="member_remove"),
    path(term + "members/import/", members.member_import, name="member_import"),
    path(
        term + "members/import/template.xlsx",
        members.member_import_template,
        name="member_import_template",
    ),
    path(term + "open-next/", terms.term_open_next, name="term_open_next"),
    path(term + "election/", terms.election_record, name="election_record"),
    path(term + "election/minutes/", terms.election_minutes, name="election_minutes"),
    path(term + "leadership/", terms.leadership_edit, name="leadership_edit"),
    path(term + "rotation/", terms.rotation_edit, name="rotation_edit"),
    path(term + "close/", terms.term_close, name="term_close"),
    path(term + "activate/", terms.term_activate, name="term_activate"),
]
