from django.urls import path

from awards.views import ballots

TERM = "blocs/<slug:bloc_code>/<int:year>/"
MEETING = TERM + "<slug:kind>/meeting/"

urlpatterns = [
    path(MEETING + "ballots/open/", ballots.ballot_open, name="ballot_open"),
    path(MEETING + "ballots/<int:ballot_id>/", ballots.ballot_detail, name="ballot_detail"),
    path(MEETING + "ballots/<int:ballot_id>/vote/", ballots.ballot_vote, name="ballot_vote"),
    path(MEETING + "ballots/<int:ballot_id>/close/", ballots.ballot_close, name="ballot_close"),
    path(
        MEETING + "ballots/<int:ballot_id>/second-round/",
        ballots.ballot_second_round,
        name="ballot_second_round",
    ),
    path(MEETING + "results.xlsx", ballots.results_xlsx, name="results_xlsx"),
]
