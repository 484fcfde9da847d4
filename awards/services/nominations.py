"""The nomination list per award: prefilled from the elected candidates, checked, confirmed.

A list is refused with the rule it breaks and its numbers ("Bằng khen …: tối đa 20% của 12
thành viên = 2 đơn vị; danh sách có 3."). An agency under an eligibility hold on the meeting's day
is never nominated (Nghị định 152/2025/NĐ-CP, Điều 4); an award with a prerequisite only takes
agencies on that award's list (the Government flag: Luật Thi đua, khen thưởng 2022, Điều 25).
"""

from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from awards import rules as award_rules
from awards import selectors
from awards.models import (
    AwardRule,
    BallotCandidate,
    Dossier,
    Nomination,
    NominationList,
    ReviewMeeting,
)
from awards.services import notifications
from blocs.history import delete_with_history, record_by

ELECTED_OUTCOMES = (award_rules.ELECTED, award_rules.WOMEN_PREFERRED)


def term_meeting(term) -> ReviewMeeting | None:
    """The year-end meeting (else the half-year one) whose day the holds are judged on."""
    meetings = {m.period_kind: m for m in ReviewMeeting.objects.filter(term=term)}
    return meetings.get("annual") or meetings.get("semiannual")


def elected(term, award_type_id=None) -> dict:
    """The elected candidates of the term's closed rounds: {award id: {agency id: candidate}}.

    One query for every award; the later round wins for an agency elected twice.
    """
    rows = BallotCandidate.objects.filter(
        ballot__meeting__term=term, ballot__status="closed", outcome__in=ELECTED_OUTCOMES
    ).order_by("ballot__round", "position", "id")
    if award_type_id is not None:
        rows = rows.filter(ballot__award_type_id=award_type_id)
    found: dict = {}
    for c in rows.select_related("ballot"):
        found.setdefault(c.ballot.award_type_id, {})[c.agency_id] = c
    return found


def build_list(term, award_type) -> list[int]:
    """The agencies of the award's list: the saved list, else the elected candidates."""
    saved = NominationList.objects.filter(term=term, award_type=award_type).first()
    if saved is not None:
        return list(
            saved.nominations.order_by("position", "id").values_list("agency_id", flat=True)
        )
    return list(elected(term, award_type.pk).get(award_type.pk, {}))


def _rule(term, award_type) -> AwardRule:
    try:
        return AwardRule.objects.select_related("award_type", "requires").get(
            term=term, award_type=award_type
        )
    except AwardRule.DoesNotExist:
        raise ValidationError(
            _("Năm nay không có quy định cho %(award)s.") % {"award": award_type.name}
        ) from None


def quota_text(rule: AwardRule, members: int) -> str:
    """The quota as the rule says it: "tối đa 20% của 12 thành viên = 2 đơn vị"."""
    quota = rule.quota(members)
    if rule.max_share is not None and (rule.max_count is None or quota < rule.max_count):
        return _("tối đa %(share)s của %(members)s thành viên = %(quota)s đơn vị") % {
            "share": award_rules.share_label(rule.max_share),
            "members": members,
            "quota": quota,
        }
    if rule.max_count is not None:
        return _("tối đa %(quota)s đơn vị") % {"quota": quota}
    return _("không giới hạn (tối đa %(quota)s thành viên)") % {"quota": quota}


class ListFacts:
    """What the lists of a term are checked against, each part read once when first asked, so
    that a page checking every award's list reads them once for all (the dossier)."""

    def __init__(self, term, agency_ids, **known):
        """``known``: facts the page has read already (``names``, ``meeting``, ``nominees``)."""
        self.term = term
        self.agency_ids = set(agency_ids)
        for name, value in known.items():
            if not isinstance(getattr(type(self), name, None), cached_property):
                raise TypeError(f"ListFacts has no fact {name!r}")
            self.__dict__[name] = value

    @cached_property
    def rules(self) -> dict:
        """The year's rule of each award, read with the number of current members the quotas
        are taken of (``members`` then needs no query of its own)."""
        rules = list(
            AwardRule.objects.filter(term=self.term)
            .select_related("award_type", "requires")
            .annotate(term_members=selectors.member_count(OuterRef("term")))
        )
        if rules and "members" not in self.__dict__:
            self.__dict__["members"] = rules[0].term_members or 0
        return {r.award_type_id: r for r in rules}

    def rule(self, award_type) -> AwardRule:
        rule = self.rules.get(award_type.pk)
        if rule is None:
            raise ValidationError(
                _("Năm nay không có quy định cho %(award)s.") % {"award": award_type.name}
            )
        return rule

    @cached_property
    def members(self) -> int:
        return len(selectors.member_ids(self.term))

    @cached_property
    def elected(self) -> dict:
        return elected(self.term)

    @cached_property
    def meeting(self):
        return term_meeting(self.term)

    @cached_property
    def holds(self) -> dict:
        return selectors.holds_on(self.agency_ids, selectors.eligibility_day(self.meeting))

    @cached_property
    def nominees(self) -> dict:
        """The agencies on each award's list of the term (confirmed or not)."""
        found: dict = {}
        for award_type_id, agency_id in Nomination.objects.filter(
            nomination_list__term=self.term
        ).values_list("nomination_list__award_type_id", "agency_id"):
            found.setdefault(award_type_id, set()).add(agency_id)
        return found

    @cached_property
    def names(self) -> dict:
        return selectors.agency_names(self.agency_ids)


def list_problems(term, award_type, agency_ids, *, rule=None, facts=None) -> list[str]:
    """Every rule ``agency_ids`` breaks as a nomination list of the award, with its numbers;
    ``facts`` (read for these agencies and more) when several lists of the term are checked."""
    facts = facts or ListFacts(term, agency_ids)
    rule = rule or facts.rule(award_type)
    members = facts.members
    chosen = facts.elected.get(award_type.pk, {})
    holds = facts.holds
    eligible = [i for i in chosen if i not in holds]
    required = None
    if rule.requires_id:
        required = facts.nominees.get(rule.requires_id, set())
    problems = award_rules.check_nominations(
        agency_ids,
        quota_count=rule.quota(members),
        eligible_ids=eligible,
        required_ids=required,
    )
    names = facts.names
    award = award_type.name
    messages = []
    for p in problems:
        if p.code == "over_quota":
            messages.append(
                _("%(award)s: %(quota)s; danh sách có %(count)s.")
                % {"award": award, "quota": quota_text(rule, members), "count": p.params["count"]}
            )
        elif p.code == "duplicate":
            messages.append(_("%(award)s: danh sách có đơn vị trùng nhau.") % {"award": award})
        elif p.code == "prerequisite":
            messages.append(
                _("%(award)s: chỉ xét đơn vị đã được đề nghị %(required)s; %(agencies)s thì chưa.")
                % {
                    "award": award,
                    "required": rule.requires.name,
                    "agencies": ", ".join(names.get(i, str(i)) for i in p.params["ids"]),
                }
            )
        elif p.code == "not_eligible":
            for i in p.params["ids"]:
                if i in holds:
                    messages.append(
                        _("%(award)s: %(agency)s chưa xét: %(hold)s")
                        % {"award": award, "agency": names.get(i, i), "hold": holds[i].summary}
                    )
                else:
                    messages.append(
                        _("%(award)s: %(agency)s không trúng cử.")
                        % {"award": award, "agency": names.get(i, i)}
                    )
    return messages


def _refuse_if_closed(term) -> None:
    if term.is_closed:
        raise ValidationError(_("Năm thi đua đã đóng: không sửa danh sách đề nghị được."))
    if Dossier.freezes(term):
        raise ValidationError(
            _(
                "Hồ sơ khen thưởng đã gửi Ban: không sửa danh sách đề nghị được. Nếu cần sửa, "
                "khối rút hồ sơ (trước khi Ban tiếp nhận) hoặc chờ Ban trả lại."
            )
        )


@transaction.atomic
def save_nominations(*, term, award_type, agency_ids, by) -> NominationList:
    """Save the award's list as a draft; refused with every rule it breaks."""
    _refuse_if_closed(term)
    agency_ids = [int(i) for i in agency_ids]
    problems = list_problems(term, award_type, agency_ids)
    if problems:
        raise ValidationError(problems)
    nomination_list = (
        NominationList.objects.select_for_update().filter(term=term, award_type=award_type).first()
    )
    if nomination_list is None:
        nomination_list = NominationList(term=term, award_type=award_type)
        nomination_list.full_clean()
        record_by(nomination_list, by).save()
    elif nomination_list.is_confirmed:
        raise ValidationError(_("Danh sách đã chốt: hãy mở lại trước khi sửa."))
    chosen = elected(term, award_type.pk).get(award_type.pk, {})
    existing = {n.agency_id: n for n in nomination_list.nominations.all()}
    gone = [n for a, n in existing.items() if a not in agency_ids]
    if gone:
        delete_with_history(gone, by=by)
    for position, agency_id in enumerate(agency_ids, start=1):
        n = existing.get(agency_id) or Nomination(
            nomination_list=nomination_list, agency_id=agency_id
        )
        candidate = chosen.get(agency_id)
        n.position = position
        n.ballot = candidate.ballot if candidate else None
        n.votes = candidate.votes if candidate else None
        n.full_clean()
        record_by(n, by).save()
    return nomination_list


@transaction.atomic
def confirm_nominations(*, term, award_type, by, agency_ids=None) -> NominationList:
    """Confirm the award's list (saving ``agency_ids`` first when given) and tell the members."""
    if agency_ids is None:
        agency_ids = build_list(term, award_type)
    nomination_list = save_nominations(
        term=term, award_type=award_type, agency_ids=agency_ids, by=by
    )
    nomination_list.status = NominationList.Status.CONFIRMED
    nomination_list.confirmed_at = timezone.now()
    nomination_list.confirmed_by = by
    nomination_list.full_clean()
    record_by(nomination_list, by).save()
    notifications.nominations_confirmed(
        nomination_list=nomination_list, agency_ids=agency_ids, by=by
    )
    return nomination_list


@transaction.atomic
def reopen_nominations(*, term, award_type, by) -> NominationList:
    """Make a confirmed list a draft again, while the year is not closed."""
    _refuse_if_closed(term)
    nomination_list = (
        NominationList.objects.select_for_update().filter(term=term, award_type=award_type).first()
    )
    if nomination_list is None:
        # A reopen posted for an award whose list was never saved (a stale page, a script).
        raise ValidationError(_("Danh sách này chưa được lập: không có gì để mở lại."))
    nomination_list.status = NominationList.Status.DRAFT
    nomination_list.confirmed_at = None
    nomination_list.confirmed_by = None
    nomination_list.full_clean()
    record_by(nomination_list, by).save()
    return nomination_list


def lists_for(term, *, confirmed_only=False) -> list[dict]:
    """Every award of the year with its list, quota text and elected agencies (constant queries).

    Returns one dict per award rule: rule, list (or None), agency ids on the list, elected
    candidates by agency id.
    """
    rules = list(AwardRule.objects.filter(term=term).select_related("award_type", "requires"))
    members = len(selectors.member_ids(term))
    lists = {
        nl.award_type_id: nl
        for nl in NominationList.objects.filter(term=term).select_related("confirmed_by")
    }
    on_list: dict = {}
    for award_id, agency_id in (
        Nomination.objects.filter(nomination_list__term=term)
        .order_by("position", "id")
        .values_list("nomination_list__award_type_id", "agency_id")
    ):
        on_list.setdefault(award_id, []).append(agency_id)
    chosen = elected(term)
    names = selectors.agency_names(
        {a for ids in on_list.values() for a in ids} | {a for c in chosen.values() for a in c}
    )
    result = []
    for rule in rules:
        nl = lists.get(rule.award_type_id)
        if confirmed_only and (nl is None or not nl.is_confirmed):
            nl_ids = None
        else:
            nl_ids = on_list.get(rule.award_type_id, []) if nl else None
        picks = chosen.get(rule.award_type_id, {})
        result.append(
            {
                "rule": rule,
                "award": rule.award_type,
                "list": nl,
                "agency_ids": nl_ids,
                "prefill": nl_ids if nl_ids is not None else list(picks),
                "elected": picks,
                "quota": quota_text(rule, members),
                "names": names,
            }
        )
    return result


__all__ = [
    "build_list",
    "confirm_nominations",
    "elected",
    "ListFacts",
    "list_problems",
    "lists_for",
    "quota_text",
    "reopen_nominations",
    "save_nominations",
]
