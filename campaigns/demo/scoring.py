"""Demo criteria tables, periods and self-scores with small generated evidence files.

The Party bloc's 2026 table has two versions: the half-year scorecards stay on version 1, the
annual ones use version 2 (adopted on 01/08/2026). Every card is submitted except the 2026
annual card of Ủy ban Kiểm tra Tỉnh ủy, left as a filled draft: log in as ubkttu.canbo to
edit it and as ubkttu.truong to submit it.
"""

import datetime
import hashlib
from decimal import Decimal

from django.db import transaction

from blocs.models import AgencyRole, BlocTerm, Membership
from campaigns.demo import files, shift_into_past, vietnam_time
from campaigns.models import (
    CriteriaTable,
    Criterion,
    Period,
    Scorecard,
    ScorecardEvent,
    ScoreLine,
    ScoreLineChange,
)
from campaigns.services.points import history_value

DRAFT_2026 = "UBKTTU"

# (code, parent code, kind, title, max points, evidence required)
PARTY_ROWS_V1 = [
    ("1", "", "group", "Thực hiện nhiệm vụ chính trị, chuyên môn", 0, False),
    (
        "1.1",
        "1",
        "scored",
        "Hoàn thành chương trình công tác năm của cấp ủy và cơ quan",
        20,
        True,
    ),
    (
        "1.2",
        "1",
        "scored",
        "Chất lượng tham mưu cho Tỉnh ủy, Ban Thường vụ Tỉnh ủy theo chức năng, nhiệm vụ",
        15,
        True,
    ),
    ("1.3", "1", "scored", "Thực hiện chế độ thông tin, báo cáo đầy đủ, đúng hạn", 15, False),
    ("2", "", "group", "Công tác thi đua, khen thưởng", 0, False),
    ("2.1", "2", "scored", "Ban hành kế hoạch, phát động các phong trào thi đua", 6, True),
    ("2.2", "2", "scored", "Sơ kết, tổng kết; phát hiện, nhân rộng điển hình tiên tiến", 6, False),
    ("2.3", "2", "scored", "Khen thưởng kịp thời, đúng đối tượng, đúng quy định", 4, False),
    ("2.4", "2", "scored", "Hưởng ứng các phong trào thi đua do Khối phát động", 4, False),
    ("3", "", "group", "Xây dựng Đảng, đoàn thể", 0, False),
    (
        "3.1",
        "3",
        "scored",
        "Tổ chức đảng được xếp loại “Hoàn thành tốt nhiệm vụ” trở lên",
        8,
        True,
    ),
    ("3.2", "3", "scored", "Công đoàn, Đoàn Thanh niên, Hội Cựu chiến binh vững mạnh", 6, False),
    ("3.3", "3", "scored", "Thực hành tiết kiệm; phòng, chống tham nhũng, lãng phí", 6, False),
    ("4", "", "group", "Tham gia hoạt động của Khối", 0, False),
    ("4.1", "4", "scored", "Tham dự đầy đủ hội nghị, sinh hoạt chung của Khối", 5, False),
    ("4.2", "4", "scored", "Đóng góp ý kiến, phối hợp tổ chức hoạt động chung", 5, False),
    ("5", "", "group", "Điểm thưởng", 0, False),
    (
        "5.1",
        "5",
        "bonus",
        "Có sáng kiến, mô hình mới được cấp có thẩm quyền công nhận",
        5,
        True,
    ),
    ("5.2", "5", "bonus", "Được tặng Cờ thi đua, Bằng khen của Trung ương, của tỉnh", 5, True),
    ("5.3", "5", "bonus", "Chủ trì tổ chức thành công hoạt động lớn của Khối", 3, False),
    ("6", "", "group", "Điểm trừ", 0, False),
    ("6.1", "6", "penalty", "Nộp báo cáo, phiếu chấm điểm chậm hoặc không đầy đủ", 3, False),
    ("6.2", "6", "penalty", "Có cán bộ, đảng viên bị xử lý kỷ luật trong năm", 5, False),
    ("6.3", "6", "penalty", "Vắng hội nghị của Khối không có lý do", 2, False),
]
# Version 2 (August 2026) splits digital transformation out of the reporting criterion.
PARTY_ROWS_V2 = []
for _row in PARTY_ROWS_V1:
    if _row[0] != "1.3":
        PARTY_ROWS_V2.append(_row)
        continue
    PARTY_ROWS_V2.append(("1.3", "1", "scored", _row[3], 10, False))
    PARTY_ROWS_V2.append(
        (
            "1.4",
            "1",
            "scored",
            "Chuyển đổi số; sử dụng văn bản điện tử, chữ ký số trong hoạt động của cơ quan",
            5,
            True,
        )
    )
STATE_ROWS = [
    ("1", "", "group", "Thực hiện nhiệm vụ chuyên môn được giao", 0, False),
    ("1.1", "1", "scored", "Hoàn thành các chỉ tiêu, nhiệm vụ UBND tỉnh giao trong năm", 35, True),
    ("1.2", "1", "scored", "Cải cách hành chính, chỉ số PAR INDEX, SIPAS", 25, False),
    ("2", "", "group", "Công tác thi đua, khen thưởng", 0, False),
    ("2.1", "2", "scored", "Tổ chức phong trào thi đua, sơ kết, tổng kết", 15, True),
    ("2.2", "2", "scored", "Tham gia hoạt động của Khối", 10, False),
    ("3", "", "group", "Xây dựng cơ quan, đơn vị", 0, False),
    ("3.1", "3", "scored", "Xây dựng cơ quan văn hóa, thực hành tiết kiệm", 15, False),
    ("T.1", "", "bonus", "Có mô hình, cách làm hay được tỉnh ghi nhận", 5, False),
    ("TR.1", "", "penalty", "Chậm nộp báo cáo, phiếu chấm điểm", 5, False),
]

PERIODS = {
    "semiannual": ((7, 15, 17, 0), (7, 31, 17, 0)),
    "annual": ((12, 15, 17, 0), (12, 25, 17, 0)),
}
PERIODS_2026_SEMIANNUAL = ((6, 30, 17, 0), (7, 15, 17, 0))


def make_table(
    term,
    rows,
    *,
    by=None,
    version=1,
    status=CriteriaTable.Status.ADOPTED,
    base_max=Decimal("100"),
    bonus_cap=Decimal("10"),
    penalty_cap=Decimal("10"),
    title="",
    supersedes=None,
    change_note="",
    adopted_at=None,
) -> CriteriaTable:
    """Create a table from ``(code, parent, kind, title, max, evidence)`` rows (for demo/tests)."""
    table = CriteriaTable.objects.create(
        term=term,
        version=version,
        status=status,
        base_max=base_max,
        bonus_cap=bonus_cap,
        penalty_cap=penalty_cap,
        title=title or f"Bảng tiêu chí chấm điểm thi đua năm {term.year}",
        supersedes=supersedes,
        change_note=change_note,
        adopted_at=adopted_at if status != CriteriaTable.Status.DRAFT else None,
        adopted_by=by if status != CriteriaTable.Status.DRAFT else None,
    )
    created = {}
    for position, (code, parent, kind, text, points, evidence) in enumerate(rows, start=1):
        created[code] = Criterion.objects.create(
            table=table,
            parent=created.get(parent) if parent else None,
            code=code,
            title=text,
            kind=kind,
            max_points=Decimal(str(points)),
            evidence_required=evidence,
            order=position * 10,
        )
    return table


def _points(agency_index, criterion, seed_value) -> Decimal | None:
    """Deterministic, plausible self points in quarter steps."""
    key = f"{agency_index}-{criterion.code}-{seed_value}".encode()
    r = int.from_bytes(hashlib.sha256(key).digest()[:4], "big") % 100
    quarter = Decimal("0.25")
    if criterion.kind == Criterion.Kind.SCORED:
        loss = Decimal(0) if r < 45 else quarter * ((r % 6) + 1)
        return max(criterion.max_points - loss, Decimal("0"))
    if criterion.kind == Criterion.Kind.BONUS:
        return min(criterion.max_points, Decimal(r % 4 + 1)) if r < 40 else Decimal("0")
    if criterion.kind == Criterion.Kind.PENALTY:
        return (Decimal("1") if r % 2 else Decimal("0.5")) if r < 15 else Decimal("0")
    return None


def _staff(agency_ids):
    heads, officers = {}, {}
    for role in AgencyRole.objects.filter(agency_id__in=agency_ids).select_related("user"):
        target = heads if role.role == AgencyRole.Role.HEAD else officers
        target.setdefault(role.agency_id, role.user)
    return heads, officers


def _fill_cards(period, table, *, draft_abbr=None, with_evidence=True, with_history=True):
    """Create one card per current member with complete self points (idempotent)."""
    if Scorecard.objects.filter(period=period).exists():
        return
    term = period.term
    memberships = list(
        Membership.objects.filter(term=term, left_on__isnull=True)
        .select_related("agency")
        .order_by("agency__sort_key", "pk")
    )
    heads, officers = _staff([m.agency_id for m in memberships])
    criteria = list(table.criteria.all())
    leaves = [c for c in criteria if c.is_leaf]
    # Cards are submitted before the deadline; a deadline still ahead moves the story back.
    deadline = period.self_deadline - shift_into_past(period.self_deadline)
    label = f"{period.get_kind_display()} năm {term.year}"
    for index, m in enumerate(memberships):
        agency = m.agency
        head = heads.get(agency.pk)
        officer = officers.get(agency.pk) or head
        if head is None:
            continue
        draft = agency.abbreviation == draft_abbr
        submitted_at = deadline - datetime.timedelta(days=2 + index % 4, hours=index % 5)
        card = Scorecard.objects.create(
            period=period,
            agency=agency,
            table=table,
            status=Scorecard.Status.DRAFT if draft else Scorecard.Status.SUBMITTED,
            submitted_at=None if draft else submitted_at,
            submitted_by=None if draft else head,
        )
        lines = ScoreLine.objects.bulk_create(
            ScoreLine(
                scorecard=card,
                criterion=c,
                self_points=_points(index, c, term.year + len(period.kind)),
                self_note=(
                    "Có báo cáo kết quả và văn bản kèm theo." if c.evidence_required else ""
                ),
            )
            for c in leaves
        )
        if with_history:
            ScoreLineChange.objects.bulk_create(
                ScoreLineChange(
                    line=line,
                    layer=ScoreLineChange.Layer.SELF,
                    old_value="",
                    new_value=history_value(line.self_points),
                    changed_by=officer,
                )
                for line in lines
            )
            ScoreLineChange.objects.filter(line__scorecard=card).update(
                changed_at=submitted_at - datetime.timedelta(days=1)
            )
        if not draft:
            ScorecardEvent.objects.create(
                scorecard=card, kind=ScorecardEvent.Kind.SUBMITTED, by=head
            )
            ScorecardEvent.objects.filter(scorecard=card).update(at=submitted_at)
        if with_evidence:
            for position, c in enumerate(leaves):
                line_points = lines[position].self_points
                if not (c.evidence_required and line_points):
                    continue
                at = submitted_at - datetime.timedelta(days=5)
                if position % 3 == 2:
                    content, kind = files.png_bytes(index + position), "png"
                    name = f"anh-minh-chung-{c.code}.png"
                else:
                    content, kind = files.pdf_bytes(agency.name, label), "pdf"
                    name = f"bao-cao-{c.code}-{agency.abbreviation.lower()}.pdf"
                files.save_evidence(card, c, content, name, kind, officer, at)


def _period(term, kind, deadlines):
    period, _created = Period.objects.get_or_create(
        term=term, kind=kind, defaults=_deadlines(term, deadlines)
    )
    return period


def _deadlines(term, deadlines) -> dict:
    (sm, sd, sh, smin), (rm, rd, rh, rmin) = deadlines
    return {
        "self_deadline": vietnam_time(term.year, sm, sd, sh, smin),
        "review_deadline": vietnam_time(term.year, rm, rd, rh, rmin),
    }


def seed(objects: dict) -> None:
    """Create this part's demo data (idempotent)."""
    admin = objects["admin"]
    with transaction.atomic():
        terms = {
            (t.bloc_id, t.year): t
            for t in BlocTerm.objects.filter(
                bloc__in=[objects["party_bloc"], objects["state_bloc"]], year__in=[2025, 2026]
            ).select_related("bloc")
        }
        party = objects["party_bloc"]
        state = objects["state_bloc"]
        for year in (2025, 2026):
            term = terms.get((party.pk, year))
            if term is None:
                continue
            secretariat = _secretariat_user(term) or admin
            if not CriteriaTable.objects.filter(term=term).exists():
                v1 = make_table(
                    term,
                    PARTY_ROWS_V1,
                    by=secretariat,
                    bonus_cap=Decimal("10"),
                    penalty_cap=Decimal("10"),
                    adopted_at=vietnam_time(year, 2, 15, 9, 0),
                    status=CriteriaTable.Status.SUPERSEDED
                    if year == 2026
                    else CriteriaTable.Status.ADOPTED,
                )
                if year == 2026:
                    make_table(
                        term,
                        PARTY_ROWS_V2,
                        by=secretariat,
                        version=2,
                        supersedes=v1,
                        adopted_at=vietnam_time(year, 8, 1, 9, 0),
                        change_note=(
                            "Tách nội dung chuyển đổi số thành tiêu chí 1.4 (5 điểm); "
                            "tiêu chí 1.3 còn 10 điểm."
                        ),
                    )
            tables = {t.version: t for t in CriteriaTable.objects.filter(term=term)}
            semi = _period(
                term,
                "semiannual",
                PERIODS_2026_SEMIANNUAL if year == 2026 else PERIODS["semiannual"],
            )
            annual = _period(term, "annual", PERIODS["annual"])
            _fill_cards(semi, tables[1])
            _fill_cards(
                annual,
                tables[max(tables)],
                draft_abbr=DRAFT_2026 if year == 2026 else None,
            )
        for year in (2025, 2026):
            term = terms.get((state.pk, year))
            if term is None:
                continue
            if not CriteriaTable.objects.filter(term=term).exists():
                make_table(
                    term,
                    STATE_ROWS,
                    by=_secretariat_user(term) or admin,
                    bonus_cap=Decimal("5"),
                    penalty_cap=Decimal("5"),
                    adopted_at=vietnam_time(year, 3, 1, 9, 0),
                )
            table = CriteriaTable.objects.get(term=term, version=1)
            semi = _period(
                term,
                "semiannual",
                PERIODS_2026_SEMIANNUAL if year == 2026 else PERIODS["semiannual"],
            )
            annual = _period(term, "annual", PERIODS["annual"])
            _fill_cards(semi, table)
            _fill_cards(annual, table)


def _secretariat_user(term):
    leader = term.memberships.filter(role=Membership.Role.LEADER).first()
    if leader is None:
        return None
    role = AgencyRole.objects.filter(agency=leader.agency, role=AgencyRole.Role.HEAD).first()
    return role.user if role else None
