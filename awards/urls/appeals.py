from django.urls import path  # noqa: F401

TERM = "blocs/<slug:bloc_code>/<int:year>/"

urlpatterns = []
