"""The demo's documents of 2025 for both blocs: the half-year and year-end reports with the
secretariat's edited sections and two members' own reports, and the year-end meeting's
documents (minutes, vote-count minutes, submission letter, achievement reports).

The documents are asked for through the same service the pages use and queued: a worker (or,
with tasks in-process, the seeding itself) renders them. Seeding again asks for nothing twice.
"""

import datetime

from django.db import transaction

from blocs.models import AgencyRole, BlocTerm
from campaigns.demo import vietnam_time
from campaigns.models import Period
from reports import demo_public, review, services, tasks
from reports.kinds import KINDS
from reports.models import Document, MemberReport, ReviewReport

YEAR = 2025

# What a secretariat adds to the drafted sections, as it would after reading them.
EDITS = {
    "situation": (
        "Năm {year}, các đơn vị trong Khối vừa thực hiện nhiệm vụ chính trị, vừa triển khai sắp xếp "
        "tổ chức bộ máy theo chủ trương chung; khối lượng công việc lớn nhưng các đơn vị vẫn duy "
        "trì nền nếp thi đua."
    ),
    "results": (
        "Các đơn vị chủ động cập nhật minh chứng trên hệ thống ngay trong năm; việc chấm chéo được "
        "thực hiện đúng hạn, các chênh lệch được giải trình và thống nhất tại cuộc họp của Khối."
    ),
    "shortcomings": (
        "Nguyên nhân chủ yếu là một số đơn vị chưa bố trí cán bộ theo dõi thi đua ổn định, việc "
        "tự chấm điểm còn dựa trên báo cáo chung, chưa bám sát từng tiêu chí."
    ),
    "directions": (
        "Tập trung hướng dẫn cán bộ làm công tác thi đua tự chấm điểm sát với minh chứng; tổ chức "
        "kiểm tra chéo giữa các đơn vị ít nhất một lần trong năm."
    ),
    "proposals": (
        "Đề nghị Ban Thi đua – Khen thưởng tỉnh sớm ban hành hướng dẫn chấm điểm thống nhất cho "
        "các khối sau khi sắp xếp tổ chức bộ máy."
    ),
}

CONTRIBUTION = (
    "Trong {period} {year}, {agency} đã hoàn thành các chỉ tiêu đăng ký trong giao ước thi "
    "đua; triển khai kịp thời các phong trào do Khối phát động, gắn với nhiệm vụ chuyên môn. "
    "Đơn vị đề nghị Khối tiếp tục duy trì việc chấm chéo để các đơn vị học hỏi lẫn nhau."
)

# The meeting's documents and the reports, in the order a secretariat issues them, with the
# day each is dated (month, day); the minutes carry their meeting's day.
ORDER = (
    ("semiannual_report", (7, 25)),
    ("review_minutes", None),
    ("vote_count_minutes", None),
    ("annual_report", (12, 29)),
    ("submission_letter", (12, 30)),
    ("achievement_report", (12, 30)),
)
# How a member's report names its period, in the demo's Vietnamese.
PERIOD_WORDS = {Period.Kind.SEMIANNUAL: "6 tháng đầu năm", Period.Kind.ANNUAL: "năm"}
# When the members sent their own reports.
SENT = {Period.Kind.SEMIANNUAL: (7, 15), Period.Kind.ANNUAL: (12, 15)}


def _head(agency):
    role = (
        AgencyRole.objects.filter(agency=agency, role=AgencyRole.Role.HEAD)
        .select_related("user")
        .first()
    )
    return role.user if role else None


def _write(term, period_kind, secretariat) -> None:
    if ReviewReport.objects.filter(term=term, period_kind=period_kind).exists():
        return
    drafted = review.report_for(term, period_kind).sections()
    edited = {
        name: f"{text}\n\n{EDITS[name].format(year=term.year)}" for name, text in drafted.items()
    }
    review.save_sections(term=term, period_kind=period_kind, data=edited, by=secretariat)
    members = [
        m.agency for m in term.memberships.select_related("agency").order_by("agency__sort_key")
    ]
    label = PERIOD_WORDS[period_kind]
    month, day = SENT[period_kind]
    sent = vietnam_time(term.year, month, day, 16, 0)
    for agency in [a for a in members if a != term.leader][:2]:
        report, created = MemberReport.objects.get_or_create(
            term=term,
            period_kind=period_kind,
            agency=agency,
            defaults={
                "text": CONTRIBUTION.format(period=label, year=term.year, agency=agency.name)
            },
        )
        if created:
            # Sent when last written: the overview shows it sent on time, not edited after.
            MemberReport.objects.filter(pk=report.pk).update(
                submitted_at=sent, submitted_by=_head(agency), updated_at=sent
            )


def _ask(term, kind, params, issued_on) -> None:
    asked = Document.objects.filter(term=term, kind=kind).values_list("params", flat=True)
    if any(services.same_params(params, p) for p in asked):
        return
    requested = services.request_document(term=term, kind=kind, params=params, issued_on=issued_on)
    tasks.queue_render(requested.document.pk)


def seed(objects: dict) -> None:
    """Write the 2025 reports of both blocs and ask for the year's documents (idempotent)."""
    blocs = [objects["party_bloc"], objects["state_bloc"]]
    for term in BlocTerm.objects.filter(bloc__in=blocs, year=YEAR).select_related("bloc__council"):
        secretariat = _head(term.leader) if term.leader else objects["admin"]
        with transaction.atomic():
            for period_kind in (Period.Kind.SEMIANNUAL, Period.Kind.ANNUAL):
                _write(term, period_kind, secretariat or objects["admin"])
        for kind, day in ORDER:
            document_kind = KINDS.get(kind)
            if document_kind is None:
                continue
            issued_on = datetime.date(term.year, *day) if day else None
            variants = document_kind.variants(term) if document_kind.variants else [({}, "")]
            for params, _label in variants:
                _ask(term, kind, params, issued_on)
    # The 2025 results of both blocs on the public results page.
    demo_public.publish_demo(objects)
