from django.urls import path

from blocs import views

app_name = "blocs"

urlpatterns = [
    path("blocs/", views.bloc_list, name="bloc_list"),
    path("board/", views.board_overview, name="board_overview"),
    path("blocs/<slug:bloc_code>/", views.bloc_detail, name="bloc_detail"),
    path("blocs/<slug:bloc_code>/<int:year>/", views.term_detail, name="term_detail"),
]
