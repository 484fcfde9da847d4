from awards.models.appeals import Appeal, AppealLine, RankingPublication
from awards.models.catalogue import AwardRule, AwardType
from awards.models.dossiers import (
    AwardDecision,
    Dossier,
    DossierAttachment,
    DossierEvent,
    DossierVersion,
    GrantedAward,
)
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
    "AwardDecision",
    "AwardRule",
    "AwardType",
    "Ballot",
    "BallotCandidate",
    "BallotReceipt",
    "Dossier",
    "DossierAttachment",
    "DossierEvent",
    "DossierVersion",
    "EligibilityHold",
    "GrantedAward",
    "Nomination",
    "NominationList",
    "QuorumCheck",
    "RankingPublication",
    "ReviewMeeting",
]
