"""Tờ trình đề nghị khen thưởng and Báo cáo thành tích: the papers of the year-end proposal.

The bloc sends the provincial council one submission letter (tờ trình) carrying its confirmed
nomination lists; each nominee adds its own achievement report (báo cáo thành tích), one per
award, issued in its own name and layout (DOCUMENTS.md, "Tờ trình" and "Báo cáo thành tích").
Awards of the bloc's own level are decided by the bloc and are not proposed upward, so neither
document covers them.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from awards import rules as award_rules
from awards.models import AwardRule, AwardType, BallotCandidate, Nomination, NominationList
from awards.models.catalogue import PROPOSED_LEVELS
from awards.selectors import member_ids
from awards.services.catalogue import effective_rules
from awards.services.nominations import ELECTED_OUTCOMES, elected, quota_text, term_meeting
from blocs.models import Agency, AgencyRole, Membership
from campaigns.models import Period, Pledge, PledgeSignature, TitleRegistration
from campaigns.selectors import load_period
from reports.kinds.base import DocumentKind, register
from reports.models import number_line

# A number left for the issuing agency to write from its own register, as on a paper draft.
BLANK_NUMBER = "\u2003\u2003"
# What the agency completes where the system holds no data.
TO_COMPLETE = "…"
TENTH = Decimal("0.1")


# Legal bases ----------------------------------------------------------------------------------

# "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 25": one article of a law.
_ARTICLE = re.compile(r"^(?P<law>.+?),\s*(?P<article>Điều\s+(?P<n>\d+)\w*)$")
# The kinds of legal text from the highest force down: a basis joins the year's bases after the
# last one of the same or higher force, so that the secretariat's own order is kept.
_FORCE = (
    ("luật", "điều"),
    ("nghị quyết",),
    ("nghị định",),
    ("thông tư",),
    ("quyết định", "chỉ thị"),
    ("quy định", "hướng dẫn"),
    ("quy chế", "kế hoạch"),
)
_BASIS = "Căn cứ "


def _clean(text: str) -> str:
    return " ".join(text.split()).rstrip(" ;.")


def _bare(text: str) -> str:
    """A basis without its leading "Căn cứ"."""
    text = _clean(text)
    return text[len(_BASIS) :] if text.casefold().startswith(_BASIS.casefold()) else text


def _force(line: str) -> int:
    head = _bare(line).casefold()
    for rank, words in enumerate(_FORCE):
        if head.startswith(words):
            return rank
    return len(_FORCE)


def _articles(law: str, articles: list[tuple[int, str]]) -> str:
    named = [a for _n, a in sorted(articles)]
    joined = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " và " + named[-1]
    return f"{_BASIS}{joined} {law}"


def legal_basis_lines(year_lines, sources) -> list[str]:
    """The bases of a proposal: the year's, then each award's legal source, each basis once.

    An award's source may name several bases separated by ";" ("Luật …, Điều 25; Nghị định …");
    articles of one law join in one line ("Căn cứ Điều 25 và Điều 72 Luật …"); a basis the
    year's bases already name is left out. Each line ends with ";", the last with "."
    (Nghị định 30/2020/NĐ-CP, Phụ lục I).
    """
    lines = [_clean(line) for line in year_lines if _clean(line)]
    known = [_bare(line).casefold() for line in lines]
    laws: dict[str, list] = {}
    added: list[str] = []
    for source in sources:
        for piece in (source or "").split(";"):
            piece = _bare(piece)
            if not piece:
                continue
            match = _ARTICLE.match(piece)
            if match:
                article = (int(match["n"]), match["article"])
                found = laws.setdefault(match["law"], [])
                if article not in found:
                    found.append(article)
                if match["law"] not in added:
                    added.append(match["law"])
                continue
            folded = piece.casefold()
            if any(folded in k for k in known) or piece in added:
                continue
            added.append(piece)
    for piece in added:
        line = _articles(piece, laws[piece]) if piece in laws else _BASIS + piece
        rank = _force(line)
        at = max((i + 1 for i, kept in enumerate(lines) if _force(kept) <= rank), default=0)
        lines.insert(at, line)
    return [line + (";" if i < len(lines) - 1 else ".") for i, line in enumerate(lines)]


def _source_phrase(source: str) -> str:
    """An award's legal source as a phrase: "Điều 25 Luật …; Nghị định …"."""
    lines = legal_basis_lines([], [source]) if source.strip() else []
    return "; ".join(_bare(line) for line in lines)


# Shared reads ---------------------------------------------------------------------------------


def _share(votes, base) -> str:
    return award_rules.vote_share_label(votes, base)


def _annual_ranking(term):
    """The year's annual period and its ranking by agency id (``load_period``), or (None, {})."""
    period = Period.objects.filter(term=term, kind=Period.Kind.ANNUAL).first()
    if period is None:
        return None, None, {}
    data = load_period(period)
    return period, data, {r.agency_id: r for r in data.ranked}


def _heads(agency_ids) -> dict:
    """The head (thủ trưởng) of each agency, by agency id (1 query)."""
    heads = {}
    for role in (
        AgencyRole.objects.filter(agency_id__in=list(agency_ids), role=AgencyRole.Role.HEAD)
        .select_related("user")
        .order_by("id")
    ):
        heads.setdefault(role.agency_id, role.user)
    return heads


def _agencies(ids) -> dict:
    return {
        a.pk: a for a in Agency.objects.filter(pk__in=list(ids)).prefetch_related("name_changes")
    }


def _day(document):
    return document.issued_on or timezone.localdate()


def _award_label(award: AwardType) -> str:
    """ "Cờ thi đua của Chính phủ (khen thưởng cấp Trung ương; Thủ tướng Chính phủ quyết định)"."""
    level = str(award.get_level_display())
    # "Trung ương" keeps its capital; "tỉnh" is a common noun.
    if award.level == AwardType.Level.PROVINCIAL:
        level = level.lower()
    if award.issuer:
        return gettext("%(award)s (khen thưởng cấp %(level)s; %(issuer)s quyết định)") % {
            "award": award.name,
            "level": level,
            "issuer": award.issuer,
        }
    return gettext("%(award)s (khen thưởng cấp %(level)s)") % {"award": award.name, "level": level}


def _request_verb(award: AwardType) -> str:
    """A title is recognised (công nhận), a flag or a certificate granted (tặng)."""
    if award.kind == AwardType.Kind.TITLE:
        return gettext("công nhận danh hiệu %(award)s") % {"award": award.name}
    return gettext("tặng %(award)s") % {"award": award.name}


# Tờ trình đề nghị khen thưởng -----------------------------------------------------------------


def _letter_title(term, params):
    return _("Tờ trình đề nghị khen thưởng phong trào thi đua năm %(year)s của %(bloc)s") % {
        "year": term.year,
        "bloc": term.bloc.name,
    }


def _letter_is_provisional(term, params) -> bool:
    """A draft until every list proposed upward is confirmed, and there is at least one.

    An award whose rounds elected someone but whose list was never saved is not settled either.
    """
    lists = dict(
        NominationList.objects.filter(term=term, award_type__level__in=PROPOSED_LEVELS).values_list(
            "award_type_id", "status"
        )
    )
    if not lists or any(s != NominationList.Status.CONFIRMED for s in lists.values()):
        return True
    return (
        BallotCandidate.objects.filter(
            ballot__meeting__term=term,
            ballot__status="closed",
            outcome__in=ELECTED_OUTCOMES,
            ballot__award_type__level__in=PROPOSED_LEVELS,
        )
        .exclude(ballot__award_type_id__in=list(lists))
        .exists()
    )


def _proposals(document, members: int, ranked: dict) -> list[dict]:
    """Per award proposed upward: its rule, label and nominees with rank, total and votes.

    Saved lists give the nominees in their order; an award elected at the meeting but not yet
    listed shows its elected candidates (the letter is then a draft). Constant queries.
    """
    term = document.term
    rules = [r for r in effective_rules(term) if r.award_type.level in PROPOSED_LEVELS]
    lists = set(NominationList.objects.filter(term=term).values_list("award_type_id", flat=True))
    listed: dict = {}
    for n in (
        Nomination.objects.filter(nomination_list__term=term)
        .select_related("nomination_list", "ballot")
        .order_by("position", "id")
    ):
        listed.setdefault(n.nomination_list.award_type_id, []).append(
            (n.agency_id, n.votes, n.ballot)
        )
    chosen = elected(term)
    for award_id, candidates in chosen.items():
        if award_id not in lists:
            listed[award_id] = [(a, c.votes, c.ballot) for a, c in candidates.items()]
    agencies = _agencies({a for rows in listed.values() for a, _v, _b in rows})
    day = _day(document)
    result = []
    for rule in rules:
        award = rule.award_type
        rows = []
        for agency_id, votes, ballot in listed.get(award.pk, []):
            r = ranked.get(agency_id)
            base = (
                award_rules.vote_base(base=rule.vote_base, present=ballot.voters, members=members)
                if ballot
                else None
            )
            rows.append(
                {
                    "name": agencies[agency_id].name_on(day),
                    "rank": r.rank if r else None,
                    "total": r.row.total if r else None,
                    "band": r.band.label if r and r.band else "",
                    "votes": votes,
                    "voters": base,
                    "share": _share(votes, base),
                    "round": ballot.round if ballot else None,
                }
            )
        if not rows:
            continue
        result.append(
            {
                "rule": rule,
                "award": award,
                "label": _award_label(award),
                "request": _request_verb(award),
                "quota": quota_text(rule, members),
                "threshold": award_rules.share_label(rule.min_vote_share),
                "rows": rows,
            }
        )
    return result


def _letter_context(document):
    term = document.term
    members = len(member_ids(term))
    period, data, ranked = _annual_ranking(term)
    proposals = _proposals(document, members, ranked)
    meeting = term_meeting(term)
    check = None
    if meeting is not None:
        check = (
            meeting.quorum_checks.filter(met=True).order_by("-checked_at", "-id").first()
            or meeting.quorum_checks.order_by("-checked_at", "-id").first()
        )
    pledge = Pledge.objects.filter(term=term).current().order_by("-version").first()
    signed = PledgeSignature.objects.filter(pledge=pledge).count() if pledge else 0
    sources = [p["rule"].legal_source for p in proposals]
    nominees = sum(len(p["rows"]) for p in proposals)
    return {
        "members": members,
        "period": period,
        "ranked_count": len(ranked),
        "agreed": period is not None and period.status == Period.Status.AGREED,
        "meeting": meeting,
        "held_at": timezone.localtime(meeting.held_at) if meeting else None,
        "check": check,
        "quorum_label": award_rules.share_label(check.quorum) if check else "",
        "quorum_needed": award_rules.quorum_needed(members=check.members, quorum=check.quorum)
        if check
        else None,
        "pledge": pledge,
        "signed_count": signed,
        "proposals": proposals,
        "nominee_count": nominees,
        "legal_bases": legal_basis_lines(term.legal_bases.splitlines(), sources),
        "addressee": gettext(
            "Hội đồng Thi đua – Khen thưởng tỉnh %(province)s"
            " (qua Ban Thi đua – Khen thưởng, Sở Nội vụ)"
        )
        % {"province": term.bloc.council.province},
        "council_short": gettext("Hội đồng Thi đua – Khen thưởng tỉnh %(province)s")
        % {"province": term.bloc.council.province},
    }


def _letter_can_read(access, document) -> bool:
    """The board and the secretariat always; the members once it is issued (not a draft)."""
    if access.oversees:
        return True
    return not document.provisional


register(
    DocumentKind(
        slug="submission_letter",
        label=_("Tờ trình đề nghị khen thưởng"),
        type_code="TTr",
        template="reports/pdf/submission_letter.html",
        build_context=_letter_context,
        title=_letter_title,
        can_read=_letter_can_read,
        is_provisional=_letter_is_provisional,
    )
)


# Báo cáo thành tích ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Outline:
    """The outline of one award's achievement report (Nghị định 152/2025/NĐ-CP, one template
    per award): how it asks, which years its figures cover, and the items the agency writes."""

    # "Đề nghị tặng …" / "Đề nghị công nhận danh hiệu …", filled with the award.
    request: str
    # How many years of ranking the report shows, this year included.
    years: int
    # I.1: what the agency tells of itself beyond what the system holds.
    situation: tuple
    # II: what the agency writes after the bloc's figures.
    achievements: tuple


OUTLINES = {
    AwardType.Kind.FLAG: Outline(
        request=_("Đề nghị tặng %(award)s"),
        years=3,
        situation=(
            _("Địa chỉ trụ sở, điện thoại, trang thông tin điện tử"),
            _("Quá trình thành lập và phát triển"),
            _("Cơ cấu tổ chức; tổng số cán bộ, công chức, viên chức, người lao động"),
            _("Tổ chức đảng, đoàn thể"),
        ),
        achievements=(
            _(
                "Kết quả thực hiện các chỉ tiêu, nhiệm vụ được giao trong năm (khối lượng, "
                "chất lượng, hiệu quả; so sánh với năm trước)"
            ),
            _("Tính tiêu biểu, dẫn đầu phong trào thi đua của Khối; mô hình mới, cách làm hay"),
            _("Những biện pháp hoặc nguyên nhân đạt được thành tích"),
            _(
                "Việc thực hiện chủ trương, đường lối của Đảng, chính sách, pháp luật của Nhà "
                "nước; công tác xây dựng Đảng, đoàn thể"
            ),
        ),
    ),
    AwardType.Kind.MERIT: Outline(
        request=_("Đề nghị tặng %(award)s"),
        years=3,
        situation=(
            _("Địa chỉ trụ sở, điện thoại, trang thông tin điện tử"),
            _("Quá trình thành lập và phát triển"),
            _("Cơ cấu tổ chức; tổng số cán bộ, công chức, viên chức, người lao động"),
        ),
        achievements=(
            _("Kết quả thực hiện nhiệm vụ được giao trong năm"),
            _("Những biện pháp hoặc nguyên nhân đạt được thành tích; các phong trào thi đua"),
            _("Việc thực hiện chủ trương, chính sách của Đảng, pháp luật của Nhà nước"),
        ),
    ),
    AwardType.Kind.TITLE: Outline(
        request=_("Đề nghị công nhận danh hiệu %(award)s"),
        years=3,
        situation=(
            _("Địa chỉ trụ sở, điện thoại"),
            _("Cơ cấu tổ chức; tổng số cán bộ, công chức, viên chức, người lao động"),
        ),
        achievements=(
            _("Kết quả thực hiện nhiệm vụ được giao trong năm"),
            _(
                "Tỷ lệ cá nhân hoàn thành nhiệm vụ; số cá nhân đạt danh hiệu “Lao động tiên "
                "tiến”, “Chiến sĩ thi đua cơ sở”"
            ),
            _("Việc thực hiện chủ trương, chính sách của Đảng, pháp luật của Nhà nước"),
        ),
    ),
}


def _nominee(term, params) -> tuple[Agency, AwardType]:
    """The agency and award a report is for, from its parameters; LookupError when unknown."""
    agency = Agency.objects.filter(pk=params.get("agency")).first() if params else None
    award = (
        AwardType.objects.filter(council_id=term.bloc.council_id, code=params.get("award")).first()
        if params and params.get("award")
        else None
    )
    if agency is None or award is None:
        raise LookupError(
            gettext("Báo cáo thành tích cần chọn đơn vị và hình thức khen thưởng được đề nghị.")
        )
    return agency, award


def _confirmed_nominations(term):
    return Nomination.objects.filter(
        nomination_list__term=term,
        nomination_list__status=NominationList.Status.CONFIRMED,
        nomination_list__award_type__level__in=PROPOSED_LEVELS,
    )


def _report_variants(term) -> list:
    """One report per nominee of each confirmed list proposed upward, in award order."""
    rows = (
        _confirmed_nominations(term)
        .select_related("agency", "nomination_list__award_type")
        .order_by(
            "nomination_list__award_type__order",
            "nomination_list__award_type__code",
            "position",
            "id",
        )
    )
    return [
        (
            {"agency": n.agency_id, "award": n.nomination_list.award_type.code},
            f"{n.agency.name} – {n.nomination_list.award_type.name}",
        )
        for n in rows
    ]


def _report_title(term, params):
    agency, award = _nominee(term, params)
    title = gettext("Báo cáo thành tích đề nghị %(request)s năm %(year)s của %(agency)s") % {
        "request": _request_verb(award),
        "year": term.year,
        "agency": agency.name,
    }
    return title[:255]


def _report_layout(term, params) -> str | None:
    """The nominee issues its report, in its own layout: a Party agency's is the Party one."""
    agency = Agency.objects.filter(pk=(params or {}).get("agency")).first()
    if agency is None:
        return None
    return agency.document_profile


def _report_is_provisional(term, params) -> bool:
    """A draft until the award's list is confirmed with the agency on it."""
    return (
        not _confirmed_nominations(term)
        .filter(
            agency_id=(params or {}).get("agency"),
            nomination_list__award_type__code=(params or {}).get("award"),
        )
        .exists()
    )


def _header_number(document, agency: Agency) -> str:
    """The agency's own number, left blank for its register, with its own abbreviation.

    The system keeps the report in the bloc's series (it registers it), but that number is not
    the agency's: printing it under the agency's name would make a number no register holds.
    """
    return number_line(BLANK_NUMBER, document.type_code, agency.abbreviation, document.layout)


def _history(agency: Agency, term, years: int) -> list[dict]:
    """The agency's rank, total and band in each annual ranking of the last ``years`` years.

    Read from the terms it was a member of, whichever bloc (at most ``years`` rankings).
    """
    periods = (
        Period.objects.filter(
            kind=Period.Kind.ANNUAL,
            term__year__gt=term.year - years,
            term__year__lte=term.year,
            term__memberships__agency=agency,
        )
        .select_related("term__bloc")
        .order_by("-term__year", "id")
    )
    rows, seen = [], set()
    for period in periods:
        if period.term.year in seen:
            continue
        seen.add(period.term.year)
        data = load_period(period)
        ranked = next((r for r in data.ranked if r.agency_id == agency.pk), None)
        rows.append(
            {
                "year": period.term.year,
                "bloc": period.term.bloc.name,
                "rank": ranked.rank if ranked else None,
                "of": len(data.ranked),
                "total": ranked.row.total if ranked else None,
                "band": ranked.band.label if ranked and ranked.band else "",
                "agreed": period.status == Period.Status.AGREED,
                "data": data,
            }
        )
    for year in range(term.year, term.year - years, -1):
        if year not in seen:
            rows.append({"year": year, "missing": True})
    return sorted(rows, key=lambda r: -r["year"])


def _scores(history: list, agency: Agency) -> dict | None:
    """This year's scores by group of criteria, with bonus, penalty and total."""
    this_year = history[0] if history and "data" in history[0] else None
    if this_year is None:
        return None
    data = this_year["data"]
    card = data.card_for(agency.pk)
    if card is None:
        return None
    tree = data.trees[card.table_id]
    return {
        "groups": [
            {
                "code": g.code,
                "title": g.title,
                "max": tree.group_max.get(g.id),
                "points": card.totals.group_sums.get(g.id),
            }
            for g in tree.scored_top_groups
        ],
        "base": card.totals.base,
        "bonus": card.totals.bonus,
        "penalty": card.totals.penalty,
        "total": card.totals.total,
    }


def _earlier_awards(agency: Agency, term) -> list[dict]:
    """The awards the agency was proposed for in earlier years in this system (1 query)."""
    return [
        {
            "year": n.nomination_list.term.year,
            "award": n.nomination_list.award_type.name,
            "issuer": n.nomination_list.award_type.issuer,
            "bloc": n.nomination_list.term.bloc.name,
        }
        for n in Nomination.objects.filter(
            agency=agency,
            nomination_list__status=NominationList.Status.CONFIRMED,
            nomination_list__term__year__lt=term.year,
        )
        .select_related("nomination_list__term__bloc", "nomination_list__award_type")
        .order_by(
            "-nomination_list__term__year",
            "nomination_list__award_type__order",
            "nomination_list__award_type__code",
            "id",
        )
    ]


def _report_context(document):
    term = document.term
    agency, award = _nominee(term, document.params)
    outline = OUTLINES.get(award.kind, OUTLINES[AwardType.Kind.MERIT])
    day = _day(document)
    name = agency.name_on(day)
    membership = Membership.objects.filter(term=term, agency=agency).first()
    nomination = (
        Nomination.objects.filter(
            nomination_list__term=term, nomination_list__award_type=award, agency=agency
        )
        .select_related("ballot__meeting")
        .first()
    )
    rule = AwardRule.objects.filter(term=term, award_type=award).first()
    vote = None
    if nomination is not None and nomination.ballot is not None:
        ballot = nomination.ballot
        base = award_rules.vote_base(
            base=rule.vote_base if rule else award_rules.PRESENT,
            present=ballot.voters,
            members=len(member_ids(term)),
        )
        vote = {
            "votes": nomination.votes,
            "voters": base,
            "share": _share(nomination.votes, base),
            "round": ballot.round,
            "held_at": timezone.localtime(ballot.meeting.held_at),
        }
    history = _history(agency, term, outline.years)
    pledge = Pledge.objects.filter(term=term).current().order_by("-version").first()
    signature = (
        PledgeSignature.objects.filter(pledge=pledge, agency=agency).first() if pledge else None
    )
    titles = [
        r.get_title_display()
        for r in TitleRegistration.objects.filter(term=term, agency=agency).order_by("title", "id")
    ]
    head = _heads([agency.pk]).get(agency.pk)
    return {
        "agency": agency,
        "agency_name": name,
        "award": award,
        "award_label": _award_label(award),
        "request": outline.request % {"award": award.name},
        "request_lower": gettext("đề nghị %(request)s") % {"request": _request_verb(award)},
        "legal_source": _source_phrase(rule.legal_source) if rule else "",
        "outline": outline,
        "membership": membership,
        "head": head,
        "issuer": {
            "parent": agency.parent_body or TO_COMPLETE,
            "name": name,
            "number": _header_number(document, agency),
        },
        "vote": vote,
        "this_year": history[0] if history and "data" in history[0] else None,
        "history": history,
        "scores": _scores(history, agency),
        "pledge": pledge,
        "signature": signature,
        "signed_at": timezone.localtime(signature.signed_at) if signature else None,
        "titles": titles,
        "earlier": _earlier_awards(agency, term),
        "to_complete": TO_COMPLETE,
    }


def _report_can_read(access, document) -> bool:
    """The nominee agency's people, the secretariat and the board; other members never."""
    if access.oversees:
        return True
    return document.params.get("agency") in access.member_agency_ids


register(
    DocumentKind(
        slug="achievement_report",
        label=_("Báo cáo thành tích"),
        type_code="BC",
        template="reports/pdf/achievement_report.html",
        build_context=_report_context,
        title=_report_title,
        can_read=_report_can_read,
        is_provisional=_report_is_provisional,
        variants=_report_variants,
        layout=_report_layout,
    )
)
