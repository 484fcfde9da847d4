from awards.models.appeals import Appeal, AppealLine, RankingPublication
from awards.models.catalogue import AwardRule, AwardType
from awards.models.holds import EligibilityHold
from awards.models.meetings import (
    Attendance,
    Ballot,
    BallotCandidate,
    BallotReceipt,
    QuorumCheck,
    ReviewMeeting,
)
from awards.models.nominations import Nomination, NominationList

__all__ = [
    "Appeal",
    "AppealLine",
    "Attendance",
    "AwardRule",
    "AwardType",
    "Ballot",
    "BallotCandidate",
    "BallotReceipt",
    "EligibilityHold",
    "Nomination",
    "NominationList",
    "QuorumCheck",
    "RankingPublication",
    "ReviewMeeting",
]
