"""Factories with deterministic values, and the persona world every access test uses."""

import datetime
from types import SimpleNamespace

import factory
from django.contrib.auth.hashers import make_password

from blocs import services
from blocs.models import (
    Agency,
    AgencyRole,
    Bloc,
    BlocTerm,
    BoardOfficer,
    Council,
    Membership,
    RotationSlot,
    User,
)

PASSWORD = "mat-khau-thu-2026"
# Every persona of the access matrices (see build_bloc_world); "anonymous" is no user at all.
PERSONAS = (
    "anonymous",
    "outsider",
    "board",
    "secretariat",
    "secretariat_officer",
    "deputy",
    "member_head",
    "member_officer",
    "last_year_leader",
)
_PASSWORD_HASH = None


def password_hash():
    global _PASSWORD_HASH
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = make_password(PASSWORD)
    return _PASSWORD_HASH


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"nguoidung{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.vn")
    password = factory.LazyFunction(password_hash)


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council

    name = factory.Sequence(lambda n: f"Hội đồng Thi đua - Khen thưởng tỉnh Thử {n}")
    short_name = factory.Sequence(lambda n: f"HĐTĐKT TỈNH THỬ {n}")
    province = "Quảng Trị"
    document_profile = "state"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    council = factory.SubFactory(CouncilFactory)
    name = factory.Sequence(lambda n: f"Sở Thử nghiệm số {n}")
    abbreviation = factory.Sequence(lambda n: f"STN{n}")
    kind = Agency.Kind.STATE

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        obj = model_class(*args, **kwargs)
        obj.full_clean()
        obj.save()
        return obj


class BlocFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bloc

    council = factory.SubFactory(CouncilFactory)
    code = factory.Sequence(lambda n: f"khoi-thu-{n}")
    name = factory.Sequence(lambda n: f"Khối thi đua thử {n}")


class BlocTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BlocTerm

    bloc = factory.SubFactory(BlocFactory)
    year = 2026
    status = BlocTerm.Status.ACTIVE


def make_term(
    *, bloc, year, agencies, leader, deputy, status=BlocTerm.Status.ACTIVE, joined_on=None
):
    term = BlocTermFactory(bloc=bloc, year=year, status=status)
    Membership.objects.bulk_create(
        Membership(term=term, agency=a, joined_on=joined_on or datetime.date(year, 1, 1))
        for a in agencies
    )
    services.set_leadership(term=term, leader=leader, deputy=deputy)
    return term


def give_role(user, agency, role=AgencyRole.Role.HEAD, authority=""):
    return AgencyRole.objects.create(
        user=user, agency=agency, role=role, signing_authority=authority
    )


def build_bloc_world(*, council, members=6, years=(2025, 2026), start=None):
    """A bloc of ``members`` agencies: the last year led by agency B (deputy C), the year
    before by A (deputy B). Personas are users of the last year:

    board, secretariat (head of B), secretariat_officer (officer of B), deputy (head of C),
    member_head (head of D), member_officer (officer of D), last_year_leader (head of A),
    outsider (a user of another council's agency), anonymous (None).
    """
    bloc = BlocFactory(council=council)
    agencies = [
        AgencyFactory(
            council=council,
            name=f"Cơ quan {chr(65 + i)} thử",
            abbreviation=f"CQ{chr(65 + i)}{bloc.pk}",
        )
        for i in range(members)
    ]
    for position, agency in enumerate(agencies, start=1):
        RotationSlot.objects.create(bloc=bloc, agency=agency, position=position)
    a, b, c, d = agencies[:4]
    terms = []
    for i, year in enumerate(years):
        last = i == len(years) - 1
        terms.append(
            make_term(
                bloc=bloc,
                year=year,
                agencies=agencies,
                leader=b if last else a,
                deputy=c if last else b,
                status=BlocTerm.Status.ACTIVE if last else BlocTerm.Status.CLOSED,
            )
        )
    board = UserFactory(full_name="Cán bộ Ban TĐKT")
    BoardOfficer.objects.create(user=board, council=council)
    secretariat = UserFactory(full_name="Thủ trưởng B", job_title="Trưởng ban")
    give_role(secretariat, b)
    secretariat_officer = UserFactory(full_name="Cán bộ B")
    give_role(secretariat_officer, b, AgencyRole.Role.OFFICER)
    deputy = UserFactory(full_name="Thủ trưởng C")
    give_role(deputy, c)
    member_head = UserFactory(full_name="Thủ trưởng D", job_title="Giám đốc")
    give_role(member_head, d)
    member_officer = UserFactory(full_name="Cán bộ D")
    give_role(member_officer, d, AgencyRole.Role.OFFICER)
    last_year_leader = UserFactory(full_name="Thủ trưởng A")
    give_role(last_year_leader, a)
    other_council = CouncilFactory()
    outsider = UserFactory(full_name="Người ngoài")
    give_role(outsider, AgencyFactory(council=other_council))
    personas = {
        "board": board,
        "secretariat": secretariat,
        "secretariat_officer": secretariat_officer,
        "deputy": deputy,
        "member_head": member_head,
        "member_officer": member_officer,
        "last_year_leader": last_year_leader,
        "outsider": outsider,
        "anonymous": None,
    }
    return SimpleNamespace(
        council=council,
        bloc=bloc,
        agencies=agencies,
        terms=terms,
        term=terms[-1],
        previous_term=terms[0] if len(terms) > 1 else None,
        a=a,
        b=b,
        c=c,
        d=d,
        personas=personas,
        **personas,
    )
