"""Reads of the public results page: what a council has published, year by year.

One predicate says what is public (``_public_periods``): a bloc-year whose results are published
and not withdrawn, whose annual ranking is final. The index and the council-year page both read
through it, so a year that is not public is absent from both, and a council-year with nothing
public answers exactly like a council that does not exist.
"""

from dataclasses import dataclass, field

from awards.models import Dossier, GrantedAward
from blocs.vnsort import vietnamese_sort_key
from campaigns.models import Period
from campaigns.selectors import load_periods
from reports.models import Document, nominee_of

SCORE_TABLE = "score_table_annual"
ACHIEVEMENT_REPORT = "achievement_report"
SUBMISSION_LETTER = "submission_letter"


def _public_periods():
    """The annual periods of every published bloc-year whose ranking is final."""
    return Period.objects.filter(
        kind=Period.Kind.ANNUAL,
        term__results_publication__isnull=False,
        term__results_publication__withdrawn_at__isnull=True,
        publication__finalized_at__isnull=False,
    )


@dataclass
class CouncilYears:
    council_id: int
    name: str
    years: list


def results_index() -> list[CouncilYears]:
    """Every council with something public, in Vietnamese order, its years newest first."""
    councils = {}
    for council_id, name, year in (
        _public_periods()
        .order_by()
        .values_list("term__bloc__council_id", "term__bloc__council__name", "term__year")
        .distinct()
    ):
        councils.setdefault(council_id, CouncilYears(council_id, name, [])).years.append(year)
    for entry in councils.values():
        entry.years.sort(reverse=True)
    return sorted(councils.values(), key=lambda c: (vietnamese_sort_key(c.name), c.council_id))


@dataclass
class PublicAward:
    award: str
    agency: str
    decision_number: str
    decision_date: object
    revoked: bool = False
    revocation_number: str = ""
    revoked_on: object = None
    code: str = ""


@dataclass
class PublicBloc:
    term: object
    period: object
    published_at: object
    rows: list  # campaigns.ranking ranked rows, in rank order
    score_table_code: str = ""
    decided: bool = False
    awards: list = field(default_factory=list)  # [PublicAward]


@dataclass
class CouncilYear:
    council: object
    year: int
    blocs: list  # [PublicBloc] in Vietnamese order of the bloc's name


SELECTED = ("term__bloc__council", "term__results_publication", "term__dossier__decision")


def council_year(council_id: int, year: int) -> CouncilYear | None:
    """What council ``council_id`` has published for ``year``, or None when it has nothing.

    A fixed number of queries whatever the number of blocs, agencies or awards: the periods,
    their rankings (``campaigns.selectors.load_periods``), the documents, the awards.
    """
    periods = list(
        _public_periods()
        .filter(term__bloc__council_id=council_id, term__year=year)
        .select_related(*SELECTED)
    )
    if not periods:
        return None
    blocs = _public_blocs(periods)
    return CouncilYear(council=periods[0].term.bloc.council, year=year, blocs=blocs)


def term_preview(term) -> PublicBloc | None:
    """What publishing ``term`` shows, published or not; None without a final annual ranking."""
    periods = list(
        Period.objects.filter(
            term=term, kind=Period.Kind.ANNUAL, publication__finalized_at__isnull=False
        ).select_related(*SELECTED)
    )
    return _public_blocs(periods)[0] if periods else None


def _public_blocs(periods) -> list[PublicBloc]:
    """Each period's bloc as the public page shows it, in Vietnamese order of the blocs."""
    loaded = load_periods(periods)
    terms = [p.term for p in periods]
    codes = _verification_codes(terms)
    awards = _decided_awards(terms, codes)
    blocs = []
    for p in periods:
        publication = getattr(p.term, "results_publication", None)
        blocs.append(
            PublicBloc(
                term=p.term,
                period=p,
                published_at=publication.published_at if publication else None,
                rows=loaded[p.pk].ranked,
                score_table_code=codes.get((p.term_id, SCORE_TABLE), ""),
                decided=_is_decided(p.term),
                awards=awards.get(p.term_id, []),
            )
        )
    blocs.sort(key=lambda b: (vietnamese_sort_key(b.term.bloc.name), b.term.bloc_id))
    return blocs


def _is_decided(term) -> bool:
    dossier = getattr(term, "dossier", None)
    return dossier is not None and dossier.state == Dossier.State.DECIDED


def _verification_codes(terms) -> dict:
    """The code of each term's issued score table, achievement reports and submission letter.

    Keys: (term id, kind) and, for an achievement report, (term id, kind, agency id, award code):
    a nominee's report is written for one award. The latest issued document wins.
    """
    codes = {}
    for term_id, kind, params, code in (
        Document.objects.issued()
        .filter(term__in=terms, kind__in=[SCORE_TABLE, ACHIEVEMENT_REPORT, SUBMISSION_LETTER])
        .order_by("number", "pk")
        .values_list("term_id", "kind", "params", "verification_code")
    ):
        if kind == ACHIEVEMENT_REPORT:
            codes[term_id, kind, *nominee_of(params)] = code
        else:
            codes[term_id, kind] = code
    return codes


def _decided_awards(terms, codes) -> dict:
    """The awards granted by each decided term's decision, revoked ones marked, by term id."""
    decided = [t.pk for t in terms if _is_decided(t)]
    found = {}
    if not decided:
        return found
    for grant in (
        # Granted ones only (a nominee the council did not grant was proposed, never awarded);
        # a revoked award stays listed, marked with its revocation (see the template).
        GrantedAward.objects.filter(decision__dossier__term_id__in=decided, granted=True)
        .select_related("decision__dossier", "agency", "award_type")
        .order_by("award_type__order", "award_type__code", "nomination__position", "pk")
    ):
        term_id = grant.decision.dossier.term_id
        # The nominee's own report for this award, else the letter that proposed every nominee.
        code = codes.get(
            (term_id, ACHIEVEMENT_REPORT, grant.agency_id, grant.award_type.code)
        ) or codes.get((term_id, SUBMISSION_LETTER), "")
        found.setdefault(term_id, []).append(
            PublicAward(
                award=grant.award_type.name,
                agency=grant.agency.name,
                decision_number=grant.decision.number,
                decision_date=grant.decision.signed_on,
                revoked=grant.is_revoked,
                revocation_number=grant.revocation_number,
                revoked_on=grant.revoked_on,
                code=code,
            )
        )
    return found
