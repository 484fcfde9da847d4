from django.urls import path

from reports import views_province as views

urlpatterns = [
    path("board/province/", views.province_index, name="province_index"),
    path("board/<int:council_id>/<int:year>/", views.province_overview, name="province_overview"),
    path(
        "board/<int:council_id>/<int:year>/ranking/",
        views.province_ranking,
        name="province_ranking",
    ),
]
