"""The URLs of the campaigns app, one module per part: pledges, scoring, review and ranking."""

from campaigns.urls import pledges, review, scoring

app_name = "campaigns"

urlpatterns = pledges.urlpatterns + scoring.urlpatterns + review.urlpatterns
