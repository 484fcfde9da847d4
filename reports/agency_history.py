"""One agency across the years: its bloc, its year-end rank and band, its awards and its holds.

Every year reads the same way the pages of that year do: the rank and band come from the
annual period's ranking (``campaigns.selectors.load_periods``, board changes included) with its
publication state (``awards.selectors.RankingState``); the awards are the confirmed nominations
with the council's answer on each (granted, not granted, revoked later); the holds are those
that overlapped the year. The whole history is read in a fixed number of queries.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from awards import selectors as award_selectors
from awards.models import EligibilityHold, Nomination, NominationList, RankingPublication
from blocs.access import board_council_ids
from blocs.models import Agency, AgencyRole, Membership
from campaigns import selectors as campaign_selectors
from campaigns.models import Period

GRANTED = "granted"
NOT_GRANTED = "not_granted"
REVOKED = "revoked"
PENDING = "pending"
BLOC = "bloc"

AWARD_STATES = {
    GRANTED: gettext_lazy("Được khen thưởng"),
    NOT_GRANTED: gettext_lazy("Không được khen thưởng"),
    REVOKED: gettext_lazy("Đã bị thu hồi"),
    PENDING: gettext_lazy("Chờ quyết định"),
    BLOC: gettext_lazy("Khối xét, công nhận"),
}

RANKING_STATES = {
    award_selectors.FINAL: gettext_lazy("Chính thức"),
    award_selectors.PROVISIONAL: gettext_lazy("Tạm thời, đang nhận kiến nghị"),
    award_selectors.AGREED: gettext_lazy("Đã thống nhất, chưa công bố"),
    award_selectors.NOT_AGREED: gettext_lazy("Chưa thống nhất"),
}


def get_agency_for_history(request, agency_id) -> tuple[Agency, bool]:
    """An agency whose history the user may read, and whether the user reads it as its board.

    Its council's board, administrators and the agency's own users; 404 for everybody else.
    """
    user = request.user
    if not user.is_authenticated:
        raise Http404(_("Không tìm thấy đơn vị này."))
    # Whether the reader works for the agency is read with it; the boards the reader sits on
    # are read once for the request, the menu asks them too.
    agency = (
        Agency.objects.select_related("council")
        .annotate(
            reader_works_here=Exists(AgencyRole.objects.filter(user=user, agency=OuterRef("pk")))
        )
        .filter(pk=agency_id)
        .first()
    )
    if agency is None:
        raise Http404(_("Không tìm thấy đơn vị này."))
    is_board = user.is_superuser or agency.council_id in board_council_ids(request)
    if not (is_board or agency.reader_works_here):
        raise Http404(_("Không tìm thấy đơn vị này."))
    return agency, is_board


@dataclass(frozen=True)
class AwardLine:
    """One award the agency was proposed for in a year, and what became of it."""

    name: str
    code: str
    state: str
    decision_number: str = ""
    decision_date: datetime.date | None = None
    revoked_on: datetime.date | None = None
    revocation_number: str = ""
    revocation_reason: str = ""
    note: str = ""

    @property
    def award_name(self) -> str:
        return self.name

    @property
    def granted(self) -> bool:
        """Granted and in force."""
        return self.state == GRANTED

    @property
    def revoked(self) -> bool:
        return self.state == REVOKED

    @property
    def state_label(self) -> str:
        return str(AWARD_STATES[self.state])


@dataclass(frozen=True)
class Standing:
    """The agency's place in its bloc's year-end ranking."""

    state: str
    rank: int | None = None
    of: int = 0
    band: str = ""
    total: object = None
    submitted: bool = True

    @property
    def state_label(self) -> str:
        if self.state == award_selectors.NOT_AGREED and self.rank is not None:
            return _("Xếp hạng tạm thời, kỳ chưa thống nhất")
        return str(RANKING_STATES[self.state])

    @property
    def shown(self) -> bool:
        return self.rank is not None


@dataclass
class YearRow:
    year: int
    term: object
    role: str
    left_on: datetime.date | None
    standing: Standing | None
    awards: list = field(default_factory=list)
    holds: list = field(default_factory=list)

    @property
    def bloc(self):
        return self.term.bloc


def _standing(period, data, publication, agency_id, *, show_unagreed) -> Standing:
    state = award_selectors.RankingState(period=period, data=data, publication=publication).state
    if state == award_selectors.NOT_AGREED and not show_unagreed:
        return Standing(state=state, of=len(data.ranked))
    ranked = next((r for r in data.ranked if r.agency_id == agency_id), None)
    if ranked is None:
        return Standing(state=state, of=len(data.ranked), submitted=False)
    return Standing(
        state=state,
        rank=ranked.rank,
        of=len(data.ranked),
        band=ranked.band.label if ranked.band else "",
        total=ranked.row.total,
    )


def _award_line(nomination) -> AwardLine:
    award = nomination.nomination_list.award_type
    base = {"name": award.name, "code": award.code}
    if not award.is_proposed_upward:
        return AwardLine(state=BLOC, **base)
    grant = getattr(nomination, "grant", None)
    if grant is None:
        return AwardLine(state=PENDING, **base)
    decision = grant.decision
    state = REVOKED if grant.is_revoked else (GRANTED if grant.granted else NOT_GRANTED)
    return AwardLine(
        state=state,
        decision_number=decision.number,
        decision_date=decision.signed_on,
        revoked_on=grant.revoked_on,
        revocation_number=grant.revocation_number,
        revocation_reason=grant.revocation_reason,
        note=grant.note,
        **base,
    )


def history_of(agency, *, show_unagreed: bool = False) -> list[YearRow]:
    """Every year the agency was a member of a bloc, newest first, in a fixed number of queries.

    The rank is shown once the year-end scores are agreed, as members see the ranking;
    ``show_unagreed`` shows it while it forms too, as the board sees it.
    """
    memberships = list(
        Membership.objects.filter(agency=agency)
        .select_related("term__bloc")
        .order_by("-term__year", "term__bloc__name", "term_id")
    )
    terms = {m.term_id: m.term for m in memberships}
    # Each year's annual period with its publication, if any, in one query; its term is the
    # one read with the membership.
    periods = {}
    publications = {}
    for period in Period.objects.filter(
        term__in=list(terms), kind=Period.Kind.ANNUAL
    ).select_related("publication"):
        period.term = terms[period.term_id]
        periods[period.term_id] = period
        try:
            publications[period.pk] = period.publication
        except RankingPublication.DoesNotExist:
            pass
    loaded = campaign_selectors.load_periods(periods.values())
    awards: dict = {}
    for nomination in (
        Nomination.objects.filter(
            agency=agency,
            nomination_list__term__in=list(terms),
            nomination_list__status=NominationList.Status.CONFIRMED,
        )
        .select_related("nomination_list__award_type", "grant__decision")
        .order_by("nomination_list__award_type__order", "nomination_list__award_type__code", "id")
    ):
        awards.setdefault(nomination.nomination_list.term_id, []).append(_award_line(nomination))
    years = {t.year for t in terms.values()}
    holds = (
        list(
            EligibilityHold.objects.filter(agency=agency, starts_on__year__lte=max(years))
            .filter(Q(until__isnull=True) | Q(until__year__gte=min(years)))
            .order_by("starts_on", "id")
        )
        if years
        else []
    )
    rows = []
    for membership in memberships:
        term = membership.term
        period = periods.get(term.pk)
        standing = None
        if period is not None:
            standing = _standing(
                period,
                loaded[period.pk],
                publications.get(period.pk),
                agency.pk,
                show_unagreed=show_unagreed,
            )
        first, last = datetime.date(term.year, 1, 1), datetime.date(term.year, 12, 31)
        rows.append(
            YearRow(
                year=term.year,
                term=term,
                role=membership.get_role_display(),
                left_on=membership.left_on,
                standing=standing,
                awards=awards.get(term.pk, []),
                holds=[
                    h
                    for h in holds
                    if h.starts_on <= last and (h.until is None or h.until >= first)
                ],
            )
        )
    return rows
