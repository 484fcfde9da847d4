"""Demo campaigns and pledges: a yearly campaign per bloc-year, the Party bloc's pledges.

The Party bloc has a 2025 pledge signed by every member and an open 2026 pledge that most, not
all, members have signed (Ủy ban Kiểm tra Tỉnh ủy has not: log in as ubkttu.truong to sign).
"""

import datetime
import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from blocs.models import AgencyRole, BlocTerm
from campaigns.demo import shift_into_past, vietnam_time
from campaigns.models import (
    Campaign,
    CampaignAttachment,
    Commitment,
    Pledge,
    PledgeEvent,
    PledgeSignature,
    TitleRegistration,
)
from campaigns.services.pledges import member_snapshot

UNSIGNED_2026 = {"UBKTTU", "TCTLD"}

SLOGAN = "Đoàn kết, kỷ cương, sáng tạo, hoàn thành xuất sắc nhiệm vụ"
COMMITMENTS = [
    "Thực hiện tốt chủ trương của Đảng, chính sách, pháp luật của Nhà nước; hoàn thành "
    "xuất sắc nhiệm vụ chính trị được giao năm {year}.",
    "Đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh; xây dựng "
    "cơ quan, đơn vị trong sạch, vững mạnh.",
    "Thực hiện nghiêm việc sắp xếp tổ chức bộ máy tinh gọn, hoạt động hiệu lực, hiệu quả.",
    "Đẩy mạnh chuyển đổi số, ứng dụng công nghệ thông tin trong lãnh đạo, chỉ đạo, điều hành; "
    "thực hiện văn bản điện tử, chữ ký số.",
    "Thực hành tiết kiệm, chống lãng phí; phòng, chống tham nhũng, tiêu cực.",
    "Tham gia đầy đủ các hoạt động của Khối; thực hiện chế độ báo cáo, chấm điểm thi đua "
    "đúng thời gian quy định.",
]
# The decree in force when each pledge was signed (Nghị định 98/2023 until 30/6/2025).
DECREE = {
    2025: "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định "
    "chi tiết thi hành một số điều của Luật Thi đua, khen thưởng;",
    2026: "Căn cứ Nghị định số 152/2025/NĐ-CP của Chính phủ quy định chi tiết một số điều "
    "của Luật Thi đua, khen thưởng;",
}
TITLES = {
    "VPTU": ["province_flag", "excellent_collective"],
    "BNCTU": ["province_flag", "excellent_collective"],
    "BTCTU": ["province_merit", "excellent_collective"],
    "UBKTTU": ["province_merit", "excellent_collective"],
    "BQT": ["excellent_collective"],
    "TCTLD": ["advanced_collective"],
}


def seed(objects: dict) -> None:
    """Create this part's demo data (idempotent)."""
    with transaction.atomic():
        for bloc in (objects["party_bloc"], objects["state_bloc"]):
            for term in BlocTerm.objects.filter(bloc=bloc).select_related("bloc"):
                _campaign(term, objects["admin"])
        party = {t.year: t for t in BlocTerm.objects.filter(bloc=objects["party_bloc"])}
        if 2025 in party:
            _pledge(party[2025], by=objects["admin"], unsigned=set())
            _titles(party[2025], by=objects["admin"])
        if 2026 in party:
            _pledge(party[2026], by=objects["admin"], unsigned=UNSIGNED_2026)
            _titles(party[2026], by=objects["admin"])


def seed_scale(objects: dict, blocs: list) -> None:
    """Fill the extra benchmark blocs with this part's data: each year's campaign, in bulk."""
    admin = objects["admin"]
    with transaction.atomic():
        terms = list(BlocTerm.objects.filter(bloc__in=blocs).select_related("bloc"))
        launched = set(
            Campaign.objects.filter(term__in=terms, kind=Campaign.Kind.ANNUAL).values_list(
                "term_id", flat=True
            )
        )
        bulk_create_with_history(
            [
                Campaign(term=term, kind=Campaign.Kind.ANNUAL, **_campaign_fields(term, by=admin))
                for term in terms
                if term.pk not in launched
            ],
            Campaign,
            batch_size=1000,
        )


def _campaign_fields(term, *, by) -> dict:
    return {
        "title": f"Phát động phong trào thi đua năm {term.year} của {term.bloc.name}",
        "starts_on": datetime.date(term.year, 2, 20),
        "ends_on": datetime.date(term.year, 12, 15),
        "content": (
            f"Khối phát động phong trào thi đua năm {term.year} với chủ đề "
            f"“{SLOGAN}”, hướng tới hoàn thành thắng lợi nhiệm vụ chính trị năm {term.year}."
        ),
        "created_by": by,
    }


def _campaign(term, by, *, attach=True):
    campaign, _created = Campaign.objects.get_or_create(
        term=term, kind=Campaign.Kind.ANNUAL, defaults=_campaign_fields(term, by=by)
    )
    if attach and not campaign.attachments.exists():
        plan = (
            f"KẾ HOẠCH\nTổ chức phong trào thi đua năm {term.year} của {term.bloc.name}\n"
        ).encode()
        CampaignAttachment.objects.create(
            campaign=campaign,
            file=ContentFile(plan, name=f"ke-hoach-thi-dua-{term.year}.txt"),
            original_name=f"ke-hoach-thi-dua-{term.year}.txt",
            sha256=hashlib.sha256(plan).hexdigest(),
            size=len(plan),
            uploaded_by=by,
        )


def _pledge(term, *, by, unsigned):
    if Pledge.objects.filter(term=term).exists():
        return
    year = term.year
    pledge = Pledge.objects.create(
        term=term,
        version=1,
        title=f"Giao ước thi đua năm {year}",
        slogan=SLOGAN,
        legal_bases="\n".join(
            [
                "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
                DECREE.get(year, DECREE[2026]),
                f"Căn cứ Quy chế hoạt động của {term.bloc.name} năm {year}.",
            ]
        ),
        created_by=by,
    )
    Commitment.objects.bulk_create(
        Commitment(pledge=pledge, order=i, text=text.format(year=year))
        for i, text in enumerate(COMMITMENTS, start=1)
    )
    # The story of the pledge ends before 1 March; seeded earlier in the year, it moves back.
    shift = shift_into_past(vietnam_time(year, 3, 1, 0, 0))
    opened_at = vietnam_time(year, 2, 24, 8, 30) - shift
    _event(pledge, by, "", Pledge.Status.DRAFT, vietnam_time(year, 2, 10, 15, 0) - shift)
    pledge.members = member_snapshot(term)
    pledge.content_hash = pledge.compute_hash()
    pledge.status = Pledge.Status.OPEN
    pledge.opened_at = opened_at
    pledge.save(update_fields=["members", "content_hash", "status", "opened_at"])
    _event(pledge, by, Pledge.Status.DRAFT, Pledge.Status.OPEN, opened_at)
    heads = {
        r.agency_id: r.user
        for r in AgencyRole.objects.filter(
            agency_id__in=pledge.member_ids, role=AgencyRole.Role.HEAD
        )
        .select_related("user")
        .order_by("-id")
    }
    signatures = []
    for i, member in enumerate(pledge.members):
        user = heads.get(member["id"])
        if user is None or member["abbreviation"] in unsigned:
            continue
        signatures.append(
            PledgeSignature(
                pledge=pledge,
                agency_id=member["id"],
                user=user,
                signer_name=user.get_full_name(),
                signer_title=user.job_title,
                signed_at=vietnam_time(year, 2, 24 + i // 4, 9 + (i % 4) * 2, (13 * i) % 60)
                - shift,
                content_hash=pledge.content_hash,
                ip_address=f"10.20.{year % 100}.{11 + i}",
                user_agent="Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/130.0",
            )
        )
    PledgeSignature.objects.bulk_create(signatures)
    if not unsigned and len(signatures) == len(pledge.members):
        pledge.status = Pledge.Status.SIGNED
        pledge.signed_at = max(s.signed_at for s in signatures)
        pledge.save(update_fields=["status", "signed_at"])
        _event(pledge, by, Pledge.Status.OPEN, Pledge.Status.SIGNED, pledge.signed_at)


def _event(pledge, by, from_status, to_status, at):
    event = PledgeEvent.objects.create(
        pledge=pledge, by=by, from_status=from_status, to_status=to_status
    )
    # ``at`` is stamped on creation; the demo back-dates it to the demo calendar.
    PledgeEvent.objects.filter(pk=event.pk).update(at=at)


def _titles(term, *, by):
    for membership in term.memberships.filter(left_on__isnull=True).select_related("agency"):
        for title in TITLES.get(membership.agency.abbreviation, ["excellent_collective"]):
            TitleRegistration.objects.get_or_create(
                term=term,
                agency=membership.agency,
                title=title,
                defaults={"registered_by": by},
            )
