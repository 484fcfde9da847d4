from django.urls import path

from awards.views import catalogue

TERM = "blocs/<slug:bloc_code>/<int:year>/"

urlpatterns = [
    path(f"{TERM}awards/rules/", catalogue.award_rules, name="award_rules"),
]
