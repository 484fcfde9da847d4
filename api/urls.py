from django.urls import path, re_path

from api.views import data, schema, token

app_name = "api"

V1 = "api/v1/"
TERM = V1 + "blocs/<slug:bloc_code>/terms/<int:year>/"

urlpatterns = [
    path("accounts/api-token/", token.api_token, name="token"),
    path(V1, data.Index.as_view(), name="index"),
    path(V1 + "schema/", schema.Schema.as_view(), name="schema"),
    path(V1 + "docs/", schema.Docs.as_view(), name="docs"),
    path(V1 + "blocs/", data.BlocList.as_view(), name="bloc_list"),
    path(V1 + "blocs/<slug:bloc_code>/", data.BlocDetail.as_view(), name="bloc_detail"),
    path(V1 + "blocs/<slug:bloc_code>/terms/", data.TermList.as_view(), name="term_list"),
    path(TERM, data.TermDetail.as_view(), name="term_detail"),
    path(TERM + "members/", data.MemberList.as_view(), name="member_list"),
    path(TERM + "rankings/<str:kind>/", data.RankingDetail.as_view(), name="ranking"),
    path(TERM + "awards/", data.AwardsDetail.as_view(), name="awards"),
    path(TERM + "documents/", data.DocumentList.as_view(), name="document_list"),
    path(
        V1 + "documents/<int:document_id>/", data.DocumentDetail.as_view(), name="document_detail"
    ),
    path(
        V1 + "documents/<int:document_id>/file/",
        data.DocumentFile.as_view(),
        name="document_file",
    ),
    # Last: any other address under /api/ is the API's own JSON 404.
    re_path(r"^api/(?P<rest>.*)$", data.not_found, name="not_found"),
]
