from django.urls import path

from awards.views import holds

urlpatterns = [
    path("board/holds/", holds.holds, name="holds"),
    path("board/holds/<int:hold_id>/", holds.hold_edit, name="hold_edit"),
]
