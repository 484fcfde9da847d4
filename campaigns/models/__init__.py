"""Campaigns, pledges and signatures; criteria tables, periods, scorecards and reviews."""

from campaigns.models.criteria import *  # noqa: F401,F403
from campaigns.models.periods import *  # noqa: F401,F403
from campaigns.models.pledges import *  # noqa: F401,F403
from campaigns.models.rules import *  # noqa: F401,F403
from campaigns.models.scoring import *  # noqa: F401,F403
