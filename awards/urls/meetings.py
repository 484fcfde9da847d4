from django.urls import path

from awards.views import meetings

TERM = "blocs/<slug:bloc_code>/<int:year>/"

urlpatterns = [
    path(TERM + "<slug:kind>/meeting/", meetings.meeting, name="meeting"),
]
