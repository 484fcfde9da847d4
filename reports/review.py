"""The bloc's half-year and year-end review report: its facts read from the data, and the
first draft of each section written from them in plain Vietnamese.

The figures of the report (members, the pledge and its signers, titles registered, scores by
layer, the ranking and its tie-breaks, bands, the change from last year, the awards, the year's
activities and documents) are read here once, in a constant number of queries, and the PDF
prints them as they are. The secretariat writes only the words around them
(``ReviewReport``); where it has not written yet, each section starts from ``first_draft``.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from awards.models import ReviewMeeting
from awards.services.nominations import lists_for
from blocs.history import record_by
from blocs.models import BlocTerm, Membership
from campaigns import layers
from campaigns.card_totals import layer_totals
from campaigns.models import Campaign, Period, Pledge, PledgeSignature, TitleRegistration
from campaigns.selectors import PeriodData, load_period
from campaigns.services.exports import export_rows
from campaigns.services.points import points_label
from reports.models import Document, ReviewReport

KINDS = {
    Period.Kind.SEMIANNUAL: "semiannual_report",
    Period.Kind.ANNUAL: "annual_report",
}


def _day(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value).date()
    return date_format(value, "d/m/Y")


def _names(names) -> str:
    names = [str(n) for n in names]
    if len(names) <= 1:
        return "".join(names)
    return _("%(first)s và %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


@dataclass
class RankLine:
    """One agency of the report's table: the ranking row, its layer totals and last year's."""

    rank: int
    name: str
    abbreviation: str
    export: dict  # the row exactly as ``export_ranking`` prints it
    groups: list  # points per scored criteria group, in the table's order
    layer_totals: dict  # layer → total or None
    band: str
    tie_break: str
    before_rank: int | None = None
    before_total: Decimal | None = None
    total: Decimal = Decimal("0")

    @property
    def change(self) -> Decimal | None:
        return None if self.before_total is None else self.total - self.before_total

    @property
    def move(self) -> int | None:
        """Places gained since last year (positive: up), None when it was not ranked then."""
        return None if self.before_rank is None else self.before_rank - self.rank


@dataclass
class ReportFacts:
    term: BlocTerm
    period_kind: str
    period: Period | None
    members: list  # [Agency] in Vietnamese order
    leader: object
    deputy: object
    pledge: Pledge | None = None
    signatures: list = field(default_factory=list)  # [PledgeSignature] in signing order
    unsigned: list = field(default_factory=list)  # [Agency]
    titles: list = field(default_factory=list)  # [(label, [agency names])]
    campaigns: list = field(default_factory=list)  # [Campaign]
    data: PeriodData | None = None
    groups: list = field(default_factory=list)  # scored top groups of the main table
    lines: list = field(default_factory=list)  # [RankLine] in rank order
    unsubmitted: list = field(default_factory=list)  # [AgencyRow]
    bands: list = field(default_factory=list)  # [(label, count)] highest first
    chain: list = field(default_factory=list)  # tie-break labels in order
    last_year: int | None = None
    last_year_ranked: bool = False
    meeting: ReviewMeeting | None = None
    awards: list = field(default_factory=list)  # [(award, [agency names], confirmed)]
    documents: list = field(default_factory=list)  # [Document] issued this year
    next_term: BlocTerm | None = None

    @property
    def is_annual(self) -> bool:
        return self.period_kind == Period.Kind.ANNUAL

    @property
    def agreed(self) -> bool:
        return self.period is not None and self.period.status == Period.Status.AGREED

    @property
    def maximum(self) -> Decimal:
        if self.data is None or self.data.main_table_id is None:
            return Decimal("100")
        caps = self.data.tables[self.data.main_table_id]
        return caps.base_max + caps.bonus_cap

    @property
    def band_thresholds(self) -> list:
        if self.data is None:
            return []
        return [(b.label, b.min) for b in self.data.rules.parsed_bands if b.min]

    @property
    def moved_up(self) -> list:
        return [ln for ln in self.lines if ln.move is not None and ln.move > 0]

    @property
    def moved_down(self) -> list:
        return [ln for ln in self.lines if ln.move is not None and ln.move < 0]

    @property
    def signed_members(self) -> list:
        """The signatures of agencies still members (one that left keeps its row in the table)."""
        current = {a.id for a in self.members}
        return [s for s in self.signatures if s.agency_id in current]

    @property
    def proposed_upward(self) -> list:
        """The confirmed lists of the awards the bloc proposes to a higher level."""
        return [
            (award, names)
            for award, names, confirmed in self.awards
            if confirmed and award.is_proposed_upward
        ]


def _period_data(term, kind) -> tuple[Period | None, PeriodData | None]:
    period = Period.objects.filter(term=term, kind=kind).select_related("term__bloc").first()
    return period, (load_period(period) if period is not None else None)


def gather(term: BlocTerm, period_kind: str) -> ReportFacts:
    """Everything the report prints, in a constant number of queries."""
    term = (
        BlocTerm.objects.select_related("bloc__council")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("agency").order_by(
                    "agency__sort_key", "agency_id"
                ),
            )
        )
        .get(pk=term.pk)
    )
    members = [m.agency for m in term.memberships.all() if m.is_current]
    facts = ReportFacts(
        term=term,
        period_kind=period_kind,
        period=None,
        members=members,
        leader=term.leader,
        deputy=term.deputy,
    )
    facts.pledge = (
        # A pledge still being drafted has not been issued to sign: the report says there is none.
        Pledge.objects.current()
        .filter(term=term)
        .exclude(status=Pledge.Status.DRAFT)
        .order_by("-id")
        .first()
    )
    if facts.pledge is not None:
        facts.signatures = list(
            PledgeSignature.objects.filter(pledge=facts.pledge)
            .select_related("agency")
            .order_by("signed_at", "id")
        )
        signed = {s.agency_id for s in facts.signatures}
        facts.unsigned = [a for a in members if a.id not in signed]
    else:
        facts.unsigned = list(members)
    by_title: dict = {}
    for reg in (
        TitleRegistration.objects.filter(term=term)
        .select_related("agency")
        .order_by("agency__sort_key", "id")
    ):
        by_title.setdefault(reg.get_title_display(), []).append(reg.agency.name)
    facts.titles = list(by_title.items())
    facts.campaigns = list(Campaign.objects.filter(term=term).order_by("starts_on", "id"))
    facts.period, facts.data = _period_data(term, period_kind)
    if facts.data is not None:
        _scores(facts)
    previous = BlocTerm.objects.filter(bloc=term.bloc, year=term.year - 1).first()
    if previous is not None:
        facts.last_year = previous.year
        _before, before_data = _period_data(previous, period_kind)
        if before_data is not None and before_data.ranked:
            facts.last_year_ranked = True
            earlier = {r.agency_id: r for r in before_data.ranked}
            for line in facts.lines:
                row = earlier.get(line.export["agency_id"])
                if row is not None:
                    line.before_rank, line.before_total = row.rank, row.row.total
    facts.meeting = ReviewMeeting.objects.filter(term=term, period_kind=period_kind).first()
    if facts.is_annual:
        for entry in lists_for(term):
            ids = entry["agency_ids"]
            if ids:
                facts.awards.append(
                    (
                        entry["award"],
                        [entry["names"].get(i, "") for i in ids],
                        bool(entry["list"] and entry["list"].is_confirmed),
                    )
                )
    facts.documents = list(
        Document.objects.issued().filter(term=term).select_related("term__bloc").order_by("number")
    )
    facts.next_term = (
        BlocTerm.objects.filter(bloc=term.bloc, year=term.year + 1)
        .prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.select_related("agency"))
        )
        .first()
    )
    return facts


def _scores(facts: ReportFacts) -> None:
    data = facts.data
    tree = data.main_tree
    facts.groups = tree.scored_top_groups
    by_agency = {card.agency.id: card for card in data.cards}
    exported = export_rows(data)
    for ranked, row in zip(data.ranked, exported, strict=True):
        card = by_agency[ranked.agency_id]
        card_tree = data.trees[card.table_id]
        totals = layer_totals(card_tree, card.lines.values())
        facts.lines.append(
            RankLine(
                rank=ranked.rank,
                name=ranked.row.name,
                abbreviation=ranked.row.abbreviation,
                export={**row, "agency_id": ranked.agency_id},
                groups=[card.totals.group_sums.get(g.id) for g in facts.groups],
                layer_totals={
                    layer: (None if t is None else t.total) for layer, t in totals.items()
                },
                band=ranked.band.label if ranked.band else "",
                tie_break=ranked.tie_break_label,
                total=ranked.row.total,
            )
        )
    facts.unsubmitted = data.unsubmitted
    counts = Counter(ln.band for ln in facts.lines)
    labels = [b.label for b in data.rules.parsed_bands]
    facts.bands = [(label, counts.get(label, 0)) for label in labels]
    facts.chain = [str(label) for label in data.rules.tie_break_labels]


LAYER_LABELS = layers.LABELS


# ---------------------------------------------------------------------------------------------
# The first draft of each section, from the facts.


def _situation(f: ReportFacts) -> str:
    bloc, year = f.term.bloc, f.term.year
    parts = [
        ngettext(
            "%(bloc)s năm %(year)s có %(n)s cơ quan, đơn vị thành viên: %(names)s.",
            "%(bloc)s năm %(year)s có %(n)s cơ quan, đơn vị thành viên: %(names)s.",
            len(f.members),
        )
        % {
            "bloc": bloc.name,
            "year": year,
            "n": len(f.members),
            "names": _names(a.name for a in f.members),
        }
    ]
    if f.leader and f.deputy:
        parts.append(
            _("%(leader)s là Khối trưởng, %(deputy)s là Khối phó.")
            % {"leader": f.leader.name, "deputy": f.deputy.name}
        )
    elif f.leader:
        parts.append(_("%(leader)s là Khối trưởng.") % {"leader": f.leader.name})
    if bloc.established_by:
        parts.append(
            _("Khối được thành lập theo %(decision)s.") % {"decision": bloc.established_by}
        )
    if f.is_annual:
        parts.append(
            _(
                "Báo cáo tổng kết công tác thi đua, khen thưởng năm %(year)s của Khối, đánh giá "
                "việc thực hiện giao ước thi đua và bảng tiêu chí chấm điểm đã thống nhất."
            )
            % {"year": year}
        )
    else:
        parts.append(
            _(
                "Báo cáo sơ kết công tác thi đua 6 tháng đầu năm %(year)s của Khối, đánh giá "
                "việc thực hiện giao ước thi đua trong nửa đầu năm."
            )
            % {"year": year}
        )
    return " ".join(parts)


def _results(f: ReportFacts) -> str:
    paragraphs = []
    n = len(f.members)
    if f.pledge is None:
        paragraphs.append(
            _("Khối chưa ban hành giao ước thi đua năm %(year)s.") % {"year": f.term.year}
        )
    else:
        signed = len(f.signed_members)
        sentence = _("Khối có %(signed)s/%(n)s đơn vị ký giao ước thi đua") % {
            "signed": signed,
            "n": n,
        }
        last = f.signed_members[-1] if f.signed_members else None
        if last is not None:
            sentence += _(", chậm nhất là %(agency)s ngày %(day)s") % {
                "agency": last.agency.name,
                "day": _day(last.signed_at),
            }
        sentence += "."
        if f.unsigned:
            sentence += " " + _("Chưa ký: %(names)s.") % {
                "names": _names(a.name for a in f.unsigned)
            }
        paragraphs.append(sentence)
    if f.titles:
        registered = "; ".join(
            _("%(title)s: %(n)s đơn vị") % {"title": title, "n": len(names)}
            for title, names in f.titles
        )
        paragraphs.append(
            _("Các đơn vị đăng ký danh hiệu thi đua: %(list)s.") % {"list": registered}
        )
    if f.campaigns:
        paragraphs.append(
            ngettext(
                "Khối đã phát động %(n)s phong trào thi đua: %(titles)s.",
                "Khối đã phát động %(n)s phong trào thi đua: %(titles)s.",
                len(f.campaigns),
            )
            % {"n": len(f.campaigns), "titles": "; ".join(c.title for c in f.campaigns)}
        )
    if f.lines:
        first = f.lines[0]
        sentence = _(
            "Kết quả chấm điểm: %(ranked)s/%(n)s đơn vị có phiếu được xếp hạng; dẫn đầu là "
            "%(first)s với %(total)s điểm."
        ) % {
            "ranked": len(f.lines),
            "n": n,
            "first": first.name,
            "total": points_label(first.total),
        }
        counted = [f"{label}: {count}" for label, count in f.bands if count]
        if counted:
            sentence += " " + _("Xếp loại: %(bands)s.") % {"bands": "; ".join(counted)}
        if not f.agreed:
            sentence += " " + _("Kết quả còn tạm thời: kỳ chấm điểm chưa được Khối thống nhất.")
        paragraphs.append(sentence)
        if f.last_year_ranked:
            paragraphs.append(
                _(
                    "So với cùng kỳ năm %(year)s: %(up)s đơn vị tăng hạng, %(down)s đơn vị giảm hạng."
                )
                % {"year": f.last_year, "up": len(f.moved_up), "down": len(f.moved_down)}
            )
    elif f.period is not None:
        paragraphs.append(_("Chưa có đơn vị nào nộp phiếu chấm điểm trong kỳ."))
    # The meeting and the awards have their own parts below, with their figures.
    return "\n\n".join(paragraphs)


def _shortcomings(f: ReportFacts) -> str:
    paragraphs = []
    if f.unsigned and f.pledge is not None:
        paragraphs.append(_("Còn %(n)s đơn vị chưa ký giao ước thi đua.") % {"n": len(f.unsigned)})
    if f.unsubmitted:
        paragraphs.append(
            _("Còn %(n)s đơn vị chưa nộp phiếu chấm điểm: %(names)s.")
            % {"n": len(f.unsubmitted), "names": _names(a.name for a in f.unsubmitted)}
        )
    # Self points against the final total (after the cross-check, agreement and the board).
    over = []
    for line in f.lines:
        own = line.layer_totals.get(layers.SELF)
        if own is not None and own > line.total:
            over.append(own - line.total)
    if over:
        mean = sum(over, Decimal("0")) / len(over)
        paragraphs.append(
            _(
                "Điểm tự chấm của %(n)s đơn vị cao hơn tổng điểm cuối cùng, chênh lệch bình quân "
                "%(gap)s điểm: việc tự đánh giá ở một số đơn vị chưa sát thực tế."
            )
            % {"n": len(over), "gap": points_label(mean.quantize(Decimal("0.01")))}
        )
    if not paragraphs:
        paragraphs.append(
            _(
                "Số liệu của Khối không ghi nhận đơn vị chậm ký giao ước hay chậm nộp phiếu chấm "
                "điểm. Thường trực Khối bổ sung các hạn chế khác và nguyên nhân."
            )
        )
    return "\n\n".join(paragraphs)


def _directions(f: ReportFacts) -> str:
    if not f.is_annual:
        return _(
            "Tiếp tục thực hiện các nội dung giao ước thi đua năm %(year)s; các đơn vị cập nhật "
            "minh chứng theo bảng tiêu chí, chuẩn bị chấm điểm tổng kết năm."
        ) % {"year": f.term.year}
    sentence = _(
        "Triển khai phong trào thi đua năm %(next)s, ký giao ước thi đua và đăng ký danh hiệu "
        "ngay từ đầu năm."
    ) % {"next": f.term.year + 1}
    nxt = f.next_term
    if nxt is not None and nxt.leader is not None:
        sentence += " " + _("Năm %(next)s, %(leader)s làm Khối trưởng%(deputy)s.") % {
            "next": nxt.year,
            "leader": nxt.leader.name,
            "deputy": (_(", %(deputy)s làm Khối phó") % {"deputy": nxt.deputy.name})
            if nxt.deputy
            else "",
        }
    return sentence


def _proposals(f: ReportFacts) -> str:
    if f.proposed_upward:
        listed = "; ".join(
            _("%(award)s cho %(names)s") % {"award": award.name, "names": _names(names)}
            for award, names in f.proposed_upward
        )
        return _("Đề nghị Hội đồng Thi đua – Khen thưởng tỉnh xem xét, khen thưởng: %(list)s.") % {
            "list": listed
        }
    return _(
        "Đề nghị Ban Thi đua – Khen thưởng tỉnh tiếp tục hướng dẫn, theo dõi việc chấm điểm, "
        "xếp hạng của Khối."
    )


DRAFTERS = {
    "situation": _situation,
    "results": _results,
    "shortcomings": _shortcomings,
    "directions": _directions,
    "proposals": _proposals,
}


def first_draft(facts: ReportFacts) -> dict:
    """Each section's first text, from the data: never empty."""
    return {name: DRAFTERS[name](facts) for name in ReviewReport.SECTIONS}


def saved_report(term: BlocTerm, period_kind: str) -> ReviewReport:
    """The report as saved, an unsaved empty one if it never was, without drafting (one query)."""
    report = ReviewReport.objects.filter(term=term, period_kind=period_kind).first()
    return report if report is not None else ReviewReport(term=term, period_kind=period_kind)


def unwritten(report: ReviewReport) -> list[str]:
    """The sections of ``report`` with no text yet: those its first draft fills."""
    return [name for name in ReviewReport.SECTIONS if not getattr(report, name).strip()]


def report_for(
    term: BlocTerm, period_kind: str, *, facts: ReportFacts | None = None
) -> ReviewReport:
    """The saved text of the report, or an unsaved one whose sections are the first draft.

    A saved report whose section is still empty (a deadline set before any text) shows that
    section's first draft too, so that no section starts blank.
    """
    report = saved_report(term, period_kind)
    empty = unwritten(report)
    if empty:
        draft = first_draft(facts or gather(term, period_kind))
        for name in empty:
            setattr(report, name, draft[name])
    return report


def report_row(term: BlocTerm, period_kind: str, *, by) -> ReviewReport:
    """The saved report, made with empty sections the first time it is needed.

    Empty sections show their first draft until someone writes them (``report_for``), so a row
    made early (to set the members' deadline, say) never freezes that day's figures. Two first
    saves at once: the database keeps one row and the other uses it.
    """
    report = ReviewReport.objects.filter(term=term, period_kind=period_kind).first()
    if report is not None:
        return report
    report = ReviewReport(term=term, period_kind=period_kind, updated_by=by)
    try:
        with transaction.atomic():
            record_by(report, by).save()
    except IntegrityError:
        return ReviewReport.objects.get(term=term, period_kind=period_kind)
    return report


def first_draft_of(report: ReviewReport, section: str) -> str:
    """A section's text as it stands: what was written, or its first draft from the data."""
    return getattr(report_for(report.term, report.period_kind), section)


@transaction.atomic
def save_sections(*, term: BlocTerm, period_kind: str, data: dict, by) -> ReviewReport:
    """Save the sections sent; a section the request did not send keeps its text.

    A section left empty (never written, or cleared) is saved with its first draft from
    today's figures, so that the saved report is what the page and the document show.
    """
    shown = report_for(term, period_kind)
    report = ReviewReport.objects.select_for_update().get(
        pk=report_row(term, period_kind, by=by).pk
    )
    for name in ReviewReport.SECTIONS:
        if name in data and data[name] is not None:
            setattr(report, name, data[name])
        if not getattr(report, name).strip():
            setattr(report, name, getattr(shown, name))
    report.updated_by = by
    report.full_clean()
    record_by(report, by).save()
    return report


def narrative(term: BlocTerm, params: dict, period_kind: str) -> dict:
    """The words a report is made from: what is saved, the first draft where nothing is."""
    return report_for(term, period_kind).sections()


def paragraphs(text: str) -> list[str]:
    """A section's text as the document prints it: blank lines part paragraphs."""
    out = []
    for block in (text or "").replace("\r\n", "\n").split("\n\n"):
        block = " ".join(line.strip() for line in block.split("\n") if line.strip())
        if block:
            out.append(block)
    return out


__all__ = [
    "KINDS",
    "ReportFacts",
    "first_draft",
    "gather",
    "narrative",
    "paragraphs",
    "report_for",
    "report_row",
    "save_sections",
    "saved_report",
    "unwritten",
]
