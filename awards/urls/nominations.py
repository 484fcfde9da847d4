from django.urls import path

from awards.views import nominations

TERM = "blocs/<slug:bloc_code>/<int:year>/"

urlpatterns = [
    path(TERM + "nominations/", nominations.nominations, name="nominations"),
]
