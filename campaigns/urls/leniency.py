from django.urls import path

from campaigns.views import leniency

PERIOD = "blocs/<slug:bloc_code>/<int:year>/periods/<slug:kind>/"

urlpatterns = [
    path(PERIOD + "leniency/", leniency.leniency, name="leniency"),
]
