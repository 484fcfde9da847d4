"""The award catalogue of a council and the year's award rules: defaults, carry-over, edits.

The defaults are DESIGN.md's ("Rules as data"): quorum 2/3 of the members (the term's own
quorum); the leading unit needs more than 50 % of the votes of the members present; the
provincial flag goes to one agency per bloc; the Government flag to at most one, and only to the
bloc's flag nominee (Luật Thi đua, khen thưởng 2022, Điều 25); Bằng khen to at most 20 % of the
members, rounded down, at least one.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from awards.models import AwardRule, AwardType, ReviewMeeting
from blocs.history import delete_with_history, record_by
from blocs.models import Agency, BlocTerm, Council

GOV_FLAG = "co-chinh-phu"
PROVINCE_FLAG = "co-ubnd-tinh"
PARTY_FLAG = "co-tinh-uy"
PROVINCE_MERIT = "bang-khen-ubnd-tinh"
EXCELLENT_COLLECTIVE = "tap-the-ldxs"

# Luật Thi đua, khen thưởng số 06/2022/QH15 and Nghị định 152/2025/NĐ-CP (from 1/7/2025).
LAW = "Luật Thi đua, khen thưởng số 06/2022/QH15"
DECREE = "Nghị định số 152/2025/NĐ-CP"

DEFAULT_TYPES = [
    {
        "code": GOV_FLAG,
        "name": "Cờ thi đua của Chính phủ",
        "level": AwardType.Level.NATIONAL,
        "kind": AwardType.Kind.FLAG,
        "issuer": "Thủ tướng Chính phủ",
        "order": 10,
    },
    {
        "code": PROVINCE_FLAG,
        "name": "Cờ thi đua của Ủy ban nhân dân tỉnh",
        "level": AwardType.Level.PROVINCIAL,
        "kind": AwardType.Kind.FLAG,
        "issuer": "Chủ tịch Ủy ban nhân dân tỉnh",
        "order": 20,
    },
    {
        "code": PARTY_FLAG,
        "name": "Cờ thi đua của Tỉnh ủy",
        "level": AwardType.Level.PROVINCIAL,
        "kind": AwardType.Kind.FLAG,
        "issuer": "Ban Thường vụ Tỉnh ủy",
        "order": 25,
    },
    {
        "code": PROVINCE_MERIT,
        "name": "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
        "level": AwardType.Level.PROVINCIAL,
        "kind": AwardType.Kind.MERIT,
        "issuer": "Chủ tịch Ủy ban nhân dân tỉnh",
        "order": 30,
    },
    {
        "code": EXCELLENT_COLLECTIVE,
        "name": "Tập thể lao động xuất sắc",
        "level": AwardType.Level.PROVINCIAL,
        "kind": AwardType.Kind.TITLE,
        "issuer": "Chủ tịch Ủy ban nhân dân tỉnh",
        "order": 40,
    },
]

# The default rule of each award of the catalogue; an award not named here (a council's own)
# has no quota and needs more than half the votes of the members present.
DEFAULT_RULES = {
    GOV_FLAG: {
        "max_count": 1,
        "requires": "flag",
        "min_band": "xuat_sac",
        "legal_source": f"{LAW}, Điều 25; {DECREE}",
    },
    PROVINCE_FLAG: {
        "max_count": 1,
        "leading": True,
        "min_band": "xuat_sac",
        "legal_source": f"{LAW}, Điều 26; {DECREE}",
    },
    PARTY_FLAG: {
        "max_count": 1,
        "leading": True,
        "min_band": "xuat_sac",
        "legal_source": "Quy định của Ban Thường vụ Tỉnh ủy về công tác thi đua, khen thưởng",
    },
    PROVINCE_MERIT: {
        "max_share": Decimal("0.2"),
        "min_band": "tot",
        "legal_source": f"{LAW}, Điều 72; {DECREE}",
    },
    EXCELLENT_COLLECTIVE: {
        "min_band": "xuat_sac",
        "legal_source": f"{LAW}, Điều 28; {DECREE}",
    },
}

RULE_FIELDS = [
    "max_count",
    "max_share",
    "min_vote_share",
    "vote_strict",
    "vote_base",
    "quorum",
    "requires_id",
    "leading",
    "min_band",
    "legal_source",
]


def award_types(*, council_id: int) -> list[AwardType]:
    """The council's catalogue as it reads, saving nothing: its awards, and the default awards it
    lacks as unsaved rows (``ensure_award_types`` saves them). In award order."""
    have = {t.code: t for t in AwardType.objects.filter(council_id=council_id)}
    for spec in DEFAULT_TYPES:
        if spec["code"] not in have:
            have[spec["code"]] = AwardType(council_id=council_id, **spec)
    return sorted(have.values(), key=lambda t: (t.order, t.code))


@transaction.atomic
def ensure_award_types(*, council: Council) -> list[AwardType]:
    """The council's catalogue, with the default awards added where missing."""
    types = award_types(council_id=council.pk)
    for award in types:
        if award.pk is None:
            award.full_clean()
            award.save()
    return types


# Which provincial flag leads a bloc: the Party committee's for a bloc led by a Party agency.
def _flag_code(term: BlocTerm) -> str:
    leader = term.leader
    return PARTY_FLAG if leader is not None and leader.kind == Agency.Kind.PARTY else PROVINCE_FLAG


def default_rules(term: BlocTerm, types) -> list[AwardRule]:
    """The default rules of a term that has none, unsaved."""
    by_code = {t.code: t for t in types}
    flag = _flag_code(term)
    skip = {PARTY_FLAG, PROVINCE_FLAG} - {flag}
    result = []
    for award in types:
        if not award.active or award.code in skip:
            continue
        spec = dict(DEFAULT_RULES.get(award.code, {}))
        requires = spec.pop("requires", None)
        rule = AwardRule(term=term, award_type=award, **spec)
        if requires == "flag" and flag in by_code:
            rule.requires = by_code[flag]
        result.append(rule)
    return result


def effective_rules(term: BlocTerm) -> list[AwardRule]:
    """The rules ``term`` votes under: its own, else its bloc's latest earlier year's (copied,
    unsaved), else the defaults (unsaved). In award order."""
    own = list(AwardRule.objects.filter(term=term).select_related("award_type", "requires"))
    if own:
        return _ordered(own)
    earlier = (
        AwardRule.objects.filter(term__bloc_id=term.bloc_id, term__year__lt=term.year)
        .order_by("-term__year")
        .values_list("term_id", flat=True)
        .first()
    )
    if earlier is not None:
        copies = []
        for rule in AwardRule.objects.filter(term_id=earlier).select_related(
            "award_type", "requires"
        ):
            if not rule.award_type.active:
                continue
            copy = AwardRule(term=term, award_type=rule.award_type, requires=rule.requires)
            for name in RULE_FIELDS:
                setattr(copy, name, getattr(rule, name))
            # Where it comes from, so that ``rules_origin`` need not ask again.
            copy.inherited = True
            copies.append(copy)
        return _ordered(copies)
    return _ordered(default_rules(term, award_types(council_id=term.bloc.council_id)))


def _ordered(rows):
    return sorted(rows, key=lambda r: (r.award_type.order, r.award_type.code, r.award_type_id))


@transaction.atomic
def materialise_rules(*, term: BlocTerm, by=None) -> list[AwardRule]:
    """Save the rules ``term`` votes under as its own rows (before an edit or the meeting)."""
    if not AwardRule.objects.filter(term=term).exists():
        ensure_award_types(council=term.bloc.council)
        for rule in effective_rules(term):
            rule.changed_by = by
            rule.full_clean()
            record_by(rule, by).save()
    return effective_rules(term)


def is_frozen(term: BlocTerm) -> bool:
    """Whether the year's award rules can no longer change: the year-end meeting has opened its
    voting."""
    return (
        ReviewMeeting.objects.filter(term=term)
        .exclude(status=ReviewMeeting.Status.PLANNED)
        .exists()
    )


def refuse_if_frozen(term: BlocTerm) -> None:
    """The year's award rules freeze when the year-end meeting opens its voting."""
    if is_frozen(term):
        raise ValidationError(
            _("Hội nghị đã mở bỏ phiếu: quy định khen thưởng của năm không sửa được nữa.")
        )


# The fields of a rule the secretariat or the board may change on the award rules page.
EDITABLE_FIELDS = {
    "max_count",
    "max_share",
    "min_vote_share",
    "vote_strict",
    "vote_base",
    "quorum",
    "requires",
    "leading",
    "min_band",
    "legal_source",
}


def rules_origin(term: BlocTerm, rules) -> str:
    """Where the rules ``term`` votes under come from: "own", "inherited" (an earlier year's)
    or "default"."""
    if any(rule.pk for rule in rules):
        return "own"
    if (
        any(getattr(rule, "inherited", False) for rule in rules)
        or AwardRule.objects.filter(term__bloc_id=term.bloc_id, term__year__lt=term.year).exists()
    ):
        return "inherited"
    return "default"


def _same_council(term: BlocTerm, award_type: AwardType) -> None:
    if award_type.council_id != term.bloc.council_id:
        raise ValidationError(
            {"award_type": _("Hình thức khen thưởng này không thuộc hội đồng của khối.")}
        )


@transaction.atomic
def save_award_rule(
    *, term: BlocTerm, award_type: AwardType, by, active: bool = True, **fields
) -> AwardRule | None:
    """Change one award's rule for the year, or leave the award out of it (``active=False``).

    The year's rules are first saved as its own (a year voting under last year's or the
    defaults gets its own copy), so that the audit trail shows each change on its own.
    """
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"Not a rule field: {sorted(unknown)}")
    refuse_if_frozen(term)
    _same_council(term, award_type)
    requires = fields.get("requires")
    if requires is not None:
        _same_council(term, requires)
    materialise_rules(term=term, by=by)
    rule = AwardRule.objects.filter(term=term, award_type=award_type).first()
    if not active:
        if rule is not None:
            delete_with_history([rule], by=by)
        return None
    if rule is None:
        rule = AwardRule(term=term, award_type=award_type)
    for name, value in fields.items():
        setattr(rule, name, value)
    if rule.leading:
        other = (
            AwardRule.objects.filter(term=term, leading=True)
            .exclude(award_type=award_type)
            .select_related("award_type")
            .first()
        )
        if other is not None:
            # One award a year elects the leading unit: its votes break ranking ties.
            raise ValidationError(
                {
                    "leading": _(
                        "Năm nay đã bình chọn đơn vị dẫn đầu cùng với “%(award)s”: hãy bỏ chọn"
                        " ở hình thức đó trước."
                    )
                    % {"award": other.award_type.name}
                }
            )
    rule.changed_by = by
    rule.full_clean()
    record_by(rule, by).save()
    return rule


@transaction.atomic
def add_award_type(
    *,
    term: BlocTerm,
    by,
    code: str,
    name: str,
    level: str,
    kind: str,
    issuer: str = "",
    order: int = 0,
) -> AwardType:
    """Add a council's own award to its catalogue and to ``term``'s rules.

    Its rule is the default of an award the law sets no quota for: no quota, more than half the
    votes of the members present.
    """
    refuse_if_frozen(term)
    materialise_rules(term=term, by=by)
    award = AwardType(
        council=term.bloc.council,
        code=code,
        name=name,
        level=level,
        kind=kind,
        issuer=issuer,
        order=order,
    )
    award.full_clean()
    record_by(award, by).save()
    rule = AwardRule(term=term, award_type=award, changed_by=by)
    rule.full_clean()
    record_by(rule, by).save()
    return award
