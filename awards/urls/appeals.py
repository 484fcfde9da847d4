from django.urls import path

from awards.views import appeals as views

TERM = "blocs/<slug:bloc_code>/<int:year>/"
APPEALS = TERM + "<slug:kind>/appeals/"

urlpatterns = [
    path(APPEALS, views.appeal_list, name="appeals"),
    path(APPEALS + "publish/", views.ranking_publish, name="ranking_publish"),
    path(APPEALS + "new/", views.appeal_submit, name="appeal_submit"),
    path(APPEALS + "finalize/", views.ranking_finalize, name="ranking_finalize"),
    path(APPEALS + "<int:appeal_id>/answer/", views.appeal_answer, name="appeal_answer"),
    path(APPEALS + "<int:appeal_id>/evidence/", views.appeal_evidence, name="appeal_evidence"),
]
