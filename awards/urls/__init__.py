"""The URLs of the awards app, one module per part."""

from awards.urls import appeals, ballots, catalogue, holds, meetings, nominations

app_name = "awards"

urlpatterns = (
    catalogue.urlpatterns
    + holds.urlpatterns
    + appeals.urlpatterns
    + meetings.urlpatterns
    + ballots.urlpatterns
    + nominations.urlpatterns
)
