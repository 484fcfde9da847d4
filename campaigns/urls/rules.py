from django.urls import path

from campaigns.views import rules

TERM = "blocs/<slug:bloc_code>/<int:year>/"

urlpatterns = [
    path(TERM + "rules/", rules.term_rules, name="term_rules"),
]
