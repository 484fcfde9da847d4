"""What a bloc-year's dossier is made of, read in a fixed number of queries.

The parts are the year's issued documents of the kinds a dossier carries, one achievement report
per nominee proposed upward, and the attachments the secretariat added. ``assemble`` reads them
and names what is missing through ``awards.dossier_rules.missing_parts``.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from awards import dossier_rules
from awards.models import Ballot, DossierAttachment, Nomination, NominationList, ReviewMeeting
from awards.services.nominations import ListFacts, list_problems
from reports.kinds import KINDS
from reports.models import Document, nominee_of

# The documents a dossier carries, in the order the index lists them.
DOCUMENT_KINDS = (
    "submission_letter",
    "review_minutes",
    "vote_count_minutes",
    "score_table_annual",
    "annual_report",
)
ACHIEVEMENT = "achievement_report"


@dataclass
class NomineePart:
    nomination: Nomination
    document: Document | None

    @property
    def award(self):
        return self.nomination.nomination_list.award_type


@dataclass
class DocumentPart:
    kind: str
    label: str
    document: Document | None
    required: bool


@dataclass
class Assembly:
    documents: list[DocumentPart]
    nominees: list[NomineePart]
    attachments: list[DossierAttachment]
    missing: list[str] = field(default_factory=list)
    # Every nomination of the term's lists (``term_nominations``), for the page to reuse.
    nominations: list[Nomination] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing

    def files(self) -> list[Document]:
        """Every document present, in the index's order (the nominees' reports last)."""
        found = [part.document for part in self.documents if part.document]
        return found + [part.document for part in self.nominees if part.document]


def term_nominations(term) -> list[Nomination]:
    """Every nomination of the term's lists, confirmed or not, in list order, each with the
    council's answer once decided (1 query)."""
    return list(
        Nomination.objects.filter(nomination_list__term=term)
        .select_related(
            "agency",
            "nomination_list__award_type",
            "grant__agency",
            "grant__award_type",
            "grant__revoked_by",
        )
        .order_by(
            "nomination_list__award_type__order",
            "nomination_list__award_type__code",
            "position",
            "id",
        )
    )


def upward_nominations(term, nominations=None) -> list[Nomination]:
    """The confirmed nominations the bloc proposes to a higher level, in list order (1 query,
    none given the ``term_nominations``).

    A bloc-level award (its own Giấy khen) is decided inside the bloc and not sent to the board.
    """
    rows = term_nominations(term) if nominations is None else nominations
    return [
        n
        for n in rows
        if n.nomination_list.status == NominationList.Status.CONFIRMED
        and n.nomination_list.award_type.is_proposed_upward
    ]


def current_attachments(dossier) -> list[DossierAttachment]:
    if dossier is None or dossier.pk is None:
        return []
    return list(dossier.attachments.filter(withdrawn_at__isnull=True).select_related("uploaded_by"))


def assemble(term, dossier=None) -> Assembly:
    """The dossier's parts as they stand and what is still missing (about 8 queries)."""
    issued = (
        Document.objects.filter(term=term, kind__in=(*DOCUMENT_KINDS, ACHIEVEMENT))
        .issued()
        .select_related("term__bloc")
        .order_by("number", "id")
    )
    by_kind: dict[str, Document] = {}
    reports: dict[tuple[int, str], Document] = {}
    for document in issued:
        if document.kind == ACHIEVEMENT:
            reports[nominee_of(document.params)] = document
        else:
            # The latest issued of a kind stands (an earlier one is replaced by it).
            by_kind[document.kind] = document
    # The year's meetings, with whether they voted: the vote count is then required, and the
    # lists' holds are judged on the meeting's day.
    meetings = {
        m.period_kind: m
        for m in ReviewMeeting.objects.filter(term=term).annotate(
            voted=Exists(Ballot.objects.filter(meeting=OuterRef("pk")))
        )
    }
    needs_vote_count = any(m.voted for m in meetings.values())
    documents = [
        DocumentPart(
            kind,
            str(KINDS[kind].label),
            by_kind.get(kind),
            required=kind != "vote_count_minutes" or needs_vote_count,
        )
        for kind in DOCUMENT_KINDS
    ]
    every = term_nominations(term)
    nominations = upward_nominations(term, every)
    nominees = [
        NomineePart(n, reports.get((n.agency_id, n.nomination_list.award_type.code)))
        for n in nominations
    ]
    problems = []
    lists: dict[int, list[Nomination]] = {}
    for n in nominations:
        lists.setdefault(n.nomination_list.award_type_id, []).append(n)
    on_lists: dict[int, set] = {}
    for n in every:
        on_lists.setdefault(n.nomination_list.award_type_id, set()).add(n.agency_id)
    facts = ListFacts(
        term,
        [n.agency_id for n in nominations],
        names={n.agency_id: n.agency.name for n in nominations},
        meeting=meetings.get("annual") or meetings.get("semiannual"),
        nominees=on_lists,
    )
    for listed in lists.values():
        award = listed[0].nomination_list.award_type
        try:
            problems.extend(list_problems(term, award, [n.agency_id for n in listed], facts=facts))
        except ValidationError as error:
            # A list whose award has no rule this year cannot be checked: that is its problem.
            problems.extend(error.messages)
    missing = dossier_rules.missing_parts(
        documents=set(by_kind),
        needs_vote_count=needs_vote_count,
        nominees=[
            dossier_rules.Nominee(
                n.agency_id,
                n.agency.name,
                n.nomination_list.award_type.code,
                n.nomination_list.award_type.name,
            )
            for n in nominations
        ],
        achievement_reports=set(reports),
        list_problems=problems,
        has_confirmed_list=bool(nominations),
    )
    return Assembly(documents, nominees, current_attachments(dossier), missing, every)


def snapshot(assembly: Assembly) -> list[dict]:
    """The parts as a submission sends them, kept in its ``DossierVersion``."""
    parts = []
    for document in assembly.files():
        parts.append(
            {
                "type": "document",
                "document": document.pk,
                "kind": document.kind,
                "title": document.title,
                "number": document.number_label,
                "sha256": document.sha256,
                "code": document.verification_code,
            }
        )
    for attachment in assembly.attachments:
        parts.append(
            {
                "type": "attachment",
                "attachment": attachment.pk,
                "title": attachment.title,
                "name": attachment.original_name,
                "sha256": attachment.sha256,
            }
        )
    parts.append(
        {
            "type": "nominees",
            "nominations": [part.nomination.pk for part in assembly.nominees],
        }
    )
    return parts


def nominations_sent(version) -> list[int]:
    """The nominations a submitted version proposed, in its order."""
    for part in version.parts:
        if part.get("type") == "nominees":
            return list(part.get("nominations", []))
    return []


def files_sent(version) -> tuple[list[Document], list[DossierAttachment]]:
    """The documents and attachments a submitted version sent, in its order (2 queries); they
    stay stored after a newer document replaces them or the file is taken off."""
    ids = [p["document"] for p in version.parts if p.get("type") == "document"]
    found = {d.pk: d for d in Document.objects.filter(pk__in=ids).select_related("term__bloc")}
    kept = [p["attachment"] for p in version.parts if p.get("type") == "attachment"]
    by_id = {a.pk: a for a in DossierAttachment.objects.filter(pk__in=kept)}
    return [found[i] for i in ids if i in found], [by_id[i] for i in kept if i in by_id]


def label_missing(missing: list[str]) -> str:
    """The refusal shown when a submission lacks parts, each named."""
    return _("Hồ sơ chưa đủ để gửi Ban: %(parts)s") % {"parts": " ".join(missing)}
