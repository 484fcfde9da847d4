"""Demo data for the blocs app: a province's council, two blocs, three years, every persona."""

import datetime
import functools
import unicodedata

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from blocs import services
from blocs.models import (
    Agency,
    AgencyRole,
    Bloc,
    BlocTerm,
    BoardOfficer,
    Council,
    LeadershipChange,
    Membership,
    RotationSlot,
    User,
)

DEMO_PASSWORD = "khoithidua2026"
FIRST_YEAR = 2024
CURRENT_YEAR = 2026


# The decree detailing the law changed on 01/7/2025 (DESIGN.md "Rules as data"): Nghị định
# 98/2023/NĐ-CP applied until 30/6/2025, Nghị định 152/2025/NĐ-CP after it.
def legal_bases(year: int) -> str:
    decree = (
        "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi "
        "tiết thi hành một số điều của Luật Thi đua, khen thưởng;"
        if year <= 2025
        else "Căn cứ Nghị định số 152/2025/NĐ-CP của Chính phủ quy định chi tiết một số điều "
        "của Luật Thi đua, khen thưởng;"
    )
    return "\n".join(
        [
            "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
            decree,
            f"Căn cứ Quy chế hoạt động của Khối thi đua năm {year}.",
        ]
    )


PARTY_AGENCIES = [
    ("Văn phòng Tỉnh ủy", "VPTU"),
    ("Ban Tổ chức Tỉnh ủy", "BTCTU"),
    ("Ủy ban Kiểm tra Tỉnh ủy", "UBKTTU"),
    ("Ban Tuyên giáo Tỉnh ủy", "BTGTU"),
    ("Ban Dân vận Tỉnh ủy", "BDVTU"),
    ("Ban Nội chính Tỉnh ủy", "BNCTU"),
    ("Báo Quảng Trị", "BQT"),
    ("Trường Chính trị Lê Duẩn", "TCTLD"),
    ("Đảng ủy các cơ quan Đảng tỉnh", "DUCCQD"),
    ("Ban Bảo vệ, chăm sóc sức khỏe cán bộ tỉnh", "BBVSKCB"),
]
# Joined in 2025, when Ban Tuyên giáo and Ban Dân vận merged (the 2025 reorganisation).
PARTY_MERGED = ("Ban Tuyên giáo và Dân vận Tỉnh ủy", "BTGDVTU")
PARTY_JOINING_2025 = ("Nhà xuất bản Quảng Trị", "NXBQT")

STATE_AGENCIES = [
    ("Văn phòng Ủy ban nhân dân tỉnh", "VPUBND"),
    ("Sở Nội vụ", "SNV"),
    ("Sở Tài chính", "STC"),
    ("Sở Kế hoạch và Đầu tư", "SKHDT"),
    ("Thanh tra tỉnh", "TTT"),
    ("Sở Tư pháp", "STP"),
    ("Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh", "VPDDBQH"),
]

SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Phan",
    "Huỳnh",
    "Trương",
]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thanh", "Quốc", "Thị Thu", "Hữu", "Ngọc", "Xuân"]
GIVEN = [
    "Hùng",
    "Lan",
    "Dũng",
    "Hà",
    "Sơn",
    "Hương",
    "Tuấn",
    "Mai",
    "Thắng",
    "Yến",
    "Quang",
    "Trang",
    "Long",
    "Nhung",
    "Phúc",
    "Hạnh",
    "Cường",
    "Thảo",
    "Bình",
    "Oanh",
]


def ascii_slug(text: str) -> str:
    text = text.replace("Đ", "D").replace("đ", "d")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in text.lower() if ch.isalnum())


def person_name(seed: int) -> str:
    return (
        f"{SURNAMES[seed % len(SURNAMES)]} {MIDDLE[(seed // 3) % len(MIDDLE)]} "
        f"{GIVEN[(seed * 7) % len(GIVEN)]}"
    )


@functools.cache
def _demo_password_hash() -> str:
    # Hashing once keeps seeding fast: every demo user shares the documented password.
    return make_password(DEMO_PASSWORD)


def ensure_user(username, *, full_name, job_title="", email=None, superuser=False) -> User:
    user, _created = User.objects.get_or_create(
        username=username,
        defaults={
            "full_name": full_name,
            "job_title": job_title,
            "email": email or f"{username}@example.vn",
            "is_staff": superuser,
            "is_superuser": superuser,
            "password": _demo_password_hash(),
        },
    )
    return user


def ensure_agency(council, name, abbreviation, kind, parent_body="") -> Agency:
    agency = Agency.objects.filter(council=council, abbreviation=abbreviation).first()
    if agency is None:
        agency = Agency(
            council=council,
            name=name,
            abbreviation=abbreviation,
            kind=kind,
            parent_body=parent_body,
        )
        agency.full_clean()
        agency.save()
    return agency


def ensure_staff(agency: Agency, seed: int):
    """A head and an emulation officer for the agency (logins <abbr>.truong / <abbr>.canbo)."""
    slug = ascii_slug(agency.abbreviation)
    head_title = (
        "Chánh Văn phòng"
        if agency.name.startswith("Văn phòng")
        else (
            "Giám đốc"
            if agency.name.startswith("Sở")
            else "Trưởng ban"
            if agency.name.startswith("Ban")
            else "Thủ trưởng"
        )
    )
    head = ensure_user(f"{slug}.truong", full_name=person_name(seed), job_title=head_title)
    officer = ensure_user(
        f"{slug}.canbo", full_name=person_name(seed + 11), job_title="Chuyên viên phụ trách thi đua"
    )
    AgencyRole.objects.get_or_create(
        user=head, agency=agency, defaults={"role": AgencyRole.Role.HEAD}
    )
    AgencyRole.objects.get_or_create(
        user=officer, agency=agency, defaults={"role": AgencyRole.Role.OFFICER}
    )
    return head, officer


def create_first_term(bloc, agencies, *, year, leader, deputy, by):
    term = BlocTerm(
        bloc=bloc,
        year=year,
        status=BlocTerm.Status.ACTIVE,
        legal_bases=legal_bases(year),
        opened_by=by,
    )
    term.full_clean()
    term.save()
    for position, agency in enumerate(agencies, start=1):
        RotationSlot.objects.get_or_create(
            bloc=bloc, agency=agency, defaults={"position": position}
        )
        Membership.objects.create(term=term, agency=agency, joined_on=datetime.date(year, 1, 1))
    services.set_leadership(term=term, leader=leader, deputy=deputy)
    return term


@transaction.atomic
def seed() -> dict:
    """Create (once) the demo council, blocs, terms and users; return the main objects."""
    council, _ = Council.objects.get_or_create(
        short_name="HĐTĐKT TỈNH QUẢNG TRỊ",
        defaults={
            "name": "Hội đồng Thi đua - Khen thưởng tỉnh Quảng Trị",
            "province": "Quảng Trị",
            "document_profile": "state",
        },
    )
    admin = ensure_user("admin", full_name="Quản trị hệ thống", superuser=True)
    board = ensure_user(
        "bantdkt",
        full_name="Hoàng Thị Thu Hà",
        job_title="Phó Trưởng ban Thi đua - Khen thưởng tỉnh",
    )
    BoardOfficer.objects.get_or_create(user=board, council=council)
    ensure_user("khach", full_name="Khách tham quan")

    party = [
        ensure_agency(council, n, a, Agency.Kind.PARTY, "Tỉnh ủy Quảng Trị")
        for n, a in PARTY_AGENCIES
    ]
    state = [
        ensure_agency(council, n, a, Agency.Kind.STATE, "Ủy ban nhân dân tỉnh Quảng Trị")
        for n, a in STATE_AGENCIES
    ]
    merged = ensure_agency(council, *PARTY_MERGED, Agency.Kind.PARTY, "Tỉnh ủy Quảng Trị")
    joining = ensure_agency(council, *PARTY_JOINING_2025, Agency.Kind.PARTY, "Tỉnh ủy Quảng Trị")
    for i, agency in enumerate(party + state + [merged, joining]):
        ensure_staff(agency, i * 5 + 1)

    party_bloc, created_party = Bloc.objects.get_or_create(
        code="khoi-dang",
        defaults={
            "council": council,
            "name": "Khối thi đua các cơ quan Đảng tỉnh",
            "established_by": "Quyết định số 125-QĐ/TU ngày 12/01/2021 của Ban Thường vụ Tỉnh ủy",
            "doc_abbreviation": "KTĐCQĐ",
        },
    )
    state_bloc, created_state = Bloc.objects.get_or_create(
        code="khoi-tong-hop",
        defaults={
            "council": council,
            "name": "Khối thi đua các cơ quan tổng hợp",
            "established_by": "Quyết định số 2150/QĐ-UBND ngày 05/9/2022 của UBND tỉnh",
            "doc_abbreviation": "KTĐTH",
        },
    )
    seeded = []
    if not BlocTerm.objects.filter(bloc=party_bloc).exists():
        _seed_party_history(party_bloc, party, merged, joining, admin)
        seeded.append(party_bloc)
    if not BlocTerm.objects.filter(bloc=state_bloc).exists():
        _seed_state_history(state_bloc, state, admin)
        seeded.append(state_bloc)
    _date_history(*seeded)
    return {
        "council": council,
        "party_bloc": party_bloc,
        "state_bloc": state_bloc,
        "admin": admin,
        "board": board,
    }


def _seed_party_history(bloc, agencies, merged, joining, admin):
    by_abbr = {a.abbreviation: a for a in agencies}
    first = create_first_term(
        bloc, agencies, year=FIRST_YEAR, leader=by_abbr["VPTU"], deputy=by_abbr["BTCTU"], by=admin
    )
    # 2025 by rotation: the 2024 deputy leads, the next in the rotation is deputy.
    services.close_term(term=first, by=admin)
    second = services.open_next_term(bloc=bloc, by=admin)
    services.activate_term(term=second, by=admin)
    services.merge_agencies(
        source=by_abbr["BTGTU"], target=merged, merged_on=datetime.date(2025, 3, 1), by=admin
    )
    services.merge_agencies(
        source=by_abbr["BDVTU"], target=merged, merged_on=datetime.date(2025, 3, 1), by=admin
    )
    services.add_member(term=second, agency=joining, joined_on=datetime.date(2025, 3, 1))
    # The 2025 year-end meeting elected the 2026 lead, overriding the rotation.
    services.record_election(
        term=second,
        by=admin,
        held_on=datetime.date(2025, 12, 26),
        leader=by_abbr["BNCTU"],
        deputy=by_abbr["BQT"],
        voters=10,
        leader_votes=9,
        deputy_votes=8,
        minutes_number="07/BB-KTĐ",
        minutes_date=datetime.date(2025, 12, 26),
    )
    services.close_term(term=second, by=admin)
    third = services.open_next_term(bloc=bloc, by=admin)
    services.activate_term(term=third, by=admin)
    _set_legal_bases(second, third)


def _date_history(*blocs):
    """Date the seeded lead changes when they would have happened, not when seeding ran."""
    for change in LeadershipChange.objects.filter(term__bloc__in=blocs).select_related("term"):
        if change.source == LeadershipChange.Source.MERGER:
            day = datetime.date(2025, 3, 1)
        else:
            day = datetime.date(change.term.year - 1, 12, 29)
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
        # Never after now: seeded before the end of December, the change happened as it ran.
        moment = min(moment, timezone.now())
        LeadershipChange.objects.filter(pk=change.pk).update(changed_at=moment)


def _set_legal_bases(*terms):
    """Opening a year copies last year's bases; give each year the ones in force then."""
    for term in terms:
        BlocTerm.objects.filter(pk=term.pk).update(legal_bases=legal_bases(term.year))


def _seed_state_history(bloc, agencies, admin):
    by_abbr = {a.abbreviation: a for a in agencies}
    first = create_first_term(
        bloc, agencies, year=FIRST_YEAR, leader=by_abbr["SNV"], deputy=by_abbr["STC"], by=admin
    )
    services.close_term(term=first, by=admin)
    second = services.open_next_term(bloc=bloc, by=admin)
    services.activate_term(term=second, by=admin)
    # Sở Kế hoạch và Đầu tư merged into Sở Tài chính on 01/3/2025.
    services.merge_agencies(
        source=by_abbr["SKHDT"],
        target=by_abbr["STC"],
        merged_on=datetime.date(2025, 3, 1),
        by=admin,
    )
    services.close_term(term=second, by=admin)
    third = services.open_next_term(bloc=bloc, by=admin)
    services.activate_term(term=third, by=admin)
    _set_legal_bases(second, third)


# Blocs written per transaction by ``seed_scale``: each batch costs the same few queries.
SCALE_BATCH = 100


def scale_code(n: int) -> str:
    return f"khoi-mo-rong-{n:03d}"


def seed_scale(objects: dict, count: int) -> list[Bloc]:
    """Add ``count`` more blocs of 12 agencies (idempotent by bloc code) for benchmarks.

    Each bloc has a 2026 term of its 12 agencies, the first leading and the second deputy, as
    ``create_first_term`` makes it, written in bulk with the audit trail that per-row saves
    would leave: a fixed number of queries for each ``SCALE_BATCH`` blocs.
    """
    for start in range(1, count + 1, SCALE_BATCH):
        numbers = range(start, min(start + SCALE_BATCH, count + 1))
        with transaction.atomic():
            _scale_blocs(objects["council"], objects["admin"], numbers)
    order = {scale_code(n): n for n in range(1, count + 1)}
    return sorted(Bloc.objects.filter(code__in=order), key=lambda b: order[b.code])


def _scale_blocs(council, admin, numbers):
    found = {b.code: b for b in Bloc.objects.filter(code__in=[scale_code(n) for n in numbers])}
    new = [
        Bloc(
            council=council,
            code=scale_code(n),
            name=f"Khối thi đua mở rộng số {n}",
            doc_abbreviation=f"KTĐ{n}",
        )
        for n in numbers
        if scale_code(n) not in found
    ]
    for bloc in bulk_create_with_history(new, Bloc):
        found[bloc.code] = bloc
    with_terms = set(
        BlocTerm.objects.filter(bloc__in=found.values()).values_list("bloc_id", flat=True)
    )
    todo = [(n, found[scale_code(n)]) for n in numbers if found[scale_code(n)].pk not in with_terms]
    if not todo:
        return
    agencies = _scale_agencies(council, [n for n, _bloc in todo])
    terms = bulk_create_with_history(
        [
            BlocTerm(
                bloc=bloc,
                year=CURRENT_YEAR,
                status=BlocTerm.Status.ACTIVE,
                legal_bases=legal_bases(CURRENT_YEAR),
                opened_by=admin,
            )
            for _n, bloc in todo
        ],
        BlocTerm,
    )
    slotted = set(
        RotationSlot.objects.filter(bloc__in=[b for _n, b in todo]).values_list(
            "bloc_id", "agency_id"
        )
    )
    bulk_create_with_history(
        [
            RotationSlot(bloc=bloc, agency=agency, position=position)
            for n, bloc in todo
            for position, agency in enumerate(agencies[n], start=1)
            if (bloc.pk, agency.pk) not in slotted
        ],
        RotationSlot,
    )
    _scale_memberships([(term, agencies[n]) for term, (n, _bloc) in zip(terms, todo, strict=True)])


def _scale_agencies(council, numbers) -> dict:
    """The 12 agencies of each bloc number, as ``ensure_agency`` finds or makes them."""
    wanted = {
        n: [(f"Sở Ngành {n}-{i:02d}", f"S{n}N{i:02d}") for i in range(1, 13)] for n in numbers
    }
    found = {}
    for agency in Agency.objects.filter(
        council=council, abbreviation__in=[a for pairs in wanted.values() for _name, a in pairs]
    ):  # in the model's order, as ``ensure_agency`` takes the first
        found.setdefault(agency.abbreviation, agency)
    new = []
    for pairs in wanted.values():
        for name, abbreviation in pairs:
            if abbreviation not in found:
                agency = Agency(
                    council=council, name=name, abbreviation=abbreviation, kind=Agency.Kind.STATE
                )
                agency.clean()  # the derived fields (sort and search keys) a save form fills
                found[abbreviation] = agency
                new.append(agency)
    bulk_create_with_history(new, Agency)
    return {n: [found[a] for _name, a in pairs] for n, pairs in wanted.items()}


def _scale_memberships(terms_agencies):
    """Members of each new term, the first two leading, with the trail that joining then
    ``services.set_leadership`` leave: each membership created as a member, the two leads
    changed, and the change of lead."""
    memberships, leads, changes = [], [], []
    for term, agencies in terms_agencies:
        for agency in agencies:
            memberships.append(
                Membership(term=term, agency=agency, joined_on=datetime.date(term.year, 1, 1))
            )
        leads += memberships[-len(agencies) : -len(agencies) + 2]
        changes.append(
            LeadershipChange(
                term=term,
                source=LeadershipChange.Source.MANUAL,
                new_leader=agencies[0],
                new_deputy=agencies[1],
            )
        )
    bulk_create_with_history(memberships, Membership)
    for membership, role in zip(
        leads, [Membership.Role.LEADER, Membership.Role.DEPUTY] * len(terms_agencies), strict=True
    ):
        membership.role = role
    Membership.objects.bulk_update(leads, ["role"])
    Membership.history.bulk_history_create(leads, update=True)
    LeadershipChange.objects.bulk_create(changes)
