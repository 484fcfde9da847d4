"""The URLs of the campaigns app, one module per part: pledges, scoring, review and ranking,
progress."""

from campaigns.urls import leniency, pledges, progress, review, rules, scoring

app_name = "campaigns"

urlpatterns = (
    pledges.urlpatterns
    + scoring.urlpatterns
    + review.urlpatterns
    + progress.urlpatterns
    + rules.urlpatterns
    + leniency.urlpatterns
)
