from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Khen thưởng")

    def ready(self):
        # The kinds of notification this app sends are registered once the apps are loaded, and
        # the ranking's "more review-meeting votes" tie-break reads the votes from the meeting,
        # which campaigns cannot import: it asks the function registered here.
        from awards import notices, selectors  # noqa: F401
        from awards.services import appeals
        from campaigns import selectors as campaign_selectors
        from campaigns.services import agreement

        campaign_selectors.set_meeting_votes_source(
            selectors.meeting_votes, many=selectors.meeting_votes_by_period
        )
        # An agency under an eligibility hold is marked on the ranking page.
        campaign_selectors.add_ranking_mark_source(selectors.hold_marks)
        # A published ranking changes only through its appeals: its period is not reopened.
        agreement.add_reopen_check(appeals.reopen_refusal)
