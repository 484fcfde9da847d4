"""Báo cáo sơ kết 6 tháng and báo cáo tổng kết năm: the figures from the data, the words from
the secretariat (``reports.review``)."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from campaigns import layers
from campaigns.models import Period
from reports import charts, review
from reports.kinds.base import DocumentKind, register


def _title_for(kind):
    def title(term, params):
        if kind == Period.Kind.ANNUAL:
            text = gettext("Tổng kết công tác thi đua, khen thưởng năm %(year)s của %(bloc)s")
        else:
            text = gettext("Sơ kết công tác thi đua 6 tháng đầu năm %(year)s của %(bloc)s")
        return text % {"year": term.year, "bloc": term.bloc.name}

    return title


def _charts(facts: review.ReportFacts) -> dict:
    """The report's three charts as inline SVG: totals, group sums, change from last year."""
    if not facts.lines:
        return {}
    out = {
        "totals": charts.totals_chart(
            [charts.ChartRow(ln.name, ln.total) for ln in facts.lines],
            maximum=facts.maximum,
            thresholds=facts.band_thresholds,
            title=gettext("Tổng điểm của các đơn vị"),
        )
    }
    if facts.groups:
        out["groups"] = charts.group_chart(
            [ln.name for ln in facts.lines],
            [f"{g.code}. {g.title}" for g in facts.groups],
            [ln.groups for ln in facts.lines],
            title=gettext(
                "Điểm chuẩn theo nhóm tiêu chí, chưa tính điểm thưởng, điểm trừ "
                "(số điểm từng nhóm: xem phụ lục)"
            ),
            segment_values=False,
        )
    if facts.last_year_ranked:
        out["change"] = charts.change_chart(
            [
                charts.ChangeRow(ln.name, ln.before_total, ln.total, ln.before_rank, ln.rank)
                for ln in facts.lines
            ],
            title=gettext("Thay đổi tổng điểm so với năm %(year)s") % {"year": facts.last_year},
        )
    return out


def _context_for(kind):
    def build(document):
        facts = review.gather(document.term, kind)
        written = document.narrative or review.first_draft(facts)
        sections = [
            (name, label, review.paragraphs(written.get(name, "")))
            for name, label in SECTION_TITLES
        ]
        return {
            "facts": facts,
            "sections": sections,
            "layer_labels": [layers.LABELS[layer] for layer in layers.ORDER],
            "layer_order": list(layers.ORDER),
            "charts": _charts(facts),
            "annual": kind == Period.Kind.ANNUAL,
        }

    return build


SECTION_TITLES = (
    ("situation", _("I. ĐẶC ĐIỂM TÌNH HÌNH")),
    ("results", _("II. KẾT QUẢ THỰC HIỆN")),
    ("shortcomings", _("III. HẠN CHẾ, NGUYÊN NHÂN")),
    ("directions", _("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ")),
    ("proposals", _("V. KIẾN NGHỊ, ĐỀ XUẤT")),
)


def _provisional_for(kind):
    def is_provisional(term, params):
        """A preview is a draft; so is a report whose period the bloc has not agreed yet."""
        if params.get("preview"):
            return True
        period = Period.objects.filter(term=term, kind=kind).only("status").first()
        return period is None or period.status != Period.Status.AGREED

    return is_provisional


def can_read(access, document) -> bool:
    """Members read the bloc's report once issued; drafts stay with the secretariat and board."""
    if access.oversees:
        return True
    return not document.provisional


def _narrative_for(kind):
    def narrative(term, params):
        return review.narrative(term, params, kind)

    return narrative


for _kind in (Period.Kind.SEMIANNUAL, Period.Kind.ANNUAL):
    register(
        DocumentKind(
            slug=review.KINDS[_kind],
            label=_("Báo cáo sơ kết 6 tháng")
            if _kind == Period.Kind.SEMIANNUAL
            else _("Báo cáo tổng kết năm"),
            type_code="BC",
            template="reports/pdf/review_report.html",
            build_context=_context_for(_kind),
            title=_title_for(_kind),
            can_read=can_read,
            is_provisional=_provisional_for(_kind),
            narrative=_narrative_for(_kind),
        )
    )
