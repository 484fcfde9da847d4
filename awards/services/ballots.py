"""The secret ballots of the review meeting: paper counts entered by the committee, online votes.

An online vote leaves two traces and no more: a receipt that the agency voted (ballot and agency,
nothing else) and the counts. ``cast_vote`` adds 1 or 0 to *every* candidate of the ballot in one
UPDATE, so that no row is touched only because it was chosen, stores neither the user nor the time
with the counts, and never writes the choice to a log or a message. The results show only once
the chair closes the round (``awards.access.sees_counts``).
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, OuterRef, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from awards import rules as award_rules
from awards import selectors
from awards.models import AwardRule, AwardType, Ballot, BallotCandidate, BallotReceipt
from awards.services import notifications
from campaigns.models import Period

# Why an agency of the ranking is not a candidate, as the ballot page says it.
LEFT_OUT_HELD = "held"
LEFT_OUT_BAND = "band"
LEFT_OUT_PREREQUISITE = "prerequisite"


def rule_for(meeting, award_type: AwardType) -> AwardRule:
    """The year's rule for the award, saved when the meeting opened its voting, read with the
    number of the year's current members its quota and vote base are taken of
    (``rule.term_members``, as ``member_count`` counts them)."""
    try:
        return (
            AwardRule.objects.select_related("award_type", "requires")
            .annotate(term_members=selectors.member_count(OuterRef("term")))
            .get(term_id=meeting.term_id, award_type=award_type)
        )
    except AwardRule.DoesNotExist:
        raise ValidationError(
            _("Năm nay không có quy định cho %(award)s: không mở bỏ phiếu được.")
            % {"award": award_type.name}
        ) from None


def member_count(term) -> int:
    return len(selectors.member_ids(term))


def meeting_period(meeting) -> Period | None:
    # The ranking reads the period's term for its scoring rules: load it with the period.
    # Its publication comes with it, for the ranking's state (one query for both).
    return (
        Period.objects.select_related("term", "publication")
        .filter(term_id=meeting.term_id, kind=meeting.period_kind)
        .first()
    )


def candidates_for(meeting, rule: AwardRule, *, members: int, state=None):
    """(ranked rows of the candidates in rank order, left-out reasons by agency, ranking state).

    Candidates come from the period's final ranking, eligible ones only, up to the quota.
    """
    period = state.period if state is not None else meeting_period(meeting)
    if period is None:
        raise ValidationError(_("Chưa có kỳ chấm điểm của hội nghị này."))
    if state is None:
        state = selectors.ranking_state(period, meeting=meeting)
    if not state.is_final:
        raise ValidationError(
            _("Kết quả xếp hạng chưa chính thức: chưa lập được danh sách bỏ phiếu.")
        )
    required = None
    if rule.requires_id:
        required = selectors.nominee_ids(meeting.term, rule.requires_id)
    bands = [b.code for b in state.data.rules.parsed_bands]
    ids, left_out = award_rules.candidate_list(
        state.ranked_members(),
        quota_count=rule.quota(members),
        bands_order=bands,
        min_band=rule.min_band,
        required_ids=required,
    )
    rows = {r.agency_id: r for r in state.rows}
    return [rows[i] for i in ids], left_out, state


def left_out_reasons(left_out: dict, state, rule: AwardRule) -> dict:
    """Why each left-out agency is not a candidate, as text, by agency id."""
    bands = {b.code: b.label for b in state.data.rules.parsed_bands}
    min_label = bands.get(rule.min_band, rule.min_band)
    reasons = {}
    for agency_id, why in left_out.items():
        if why == LEFT_OUT_HELD:
            reasons[agency_id] = state.holds[agency_id].summary
        elif why == LEFT_OUT_BAND:
            reasons[agency_id] = _("xếp loại dưới %(band)s") % {"band": min_label}
        else:
            reasons[agency_id] = _("chưa được đề nghị %(award)s") % {
                "award": rule.requires.name if rule.requires else ""
            }
    return reasons


def _refuse_unless_voting(meeting) -> None:
    if meeting.status != "voting":
        raise ValidationError(_("Hội nghị chưa mở bỏ phiếu (hoặc đã kết thúc)."))


@transaction.atomic
def open_ballot(
    *, meeting, award_type, mode, by, round=None, candidate_ids=None, seats=None
) -> Ballot:
    """Open a round of the secret ballot for one award at the meeting."""
    _refuse_unless_voting(meeting)
    if mode not in Ballot.Mode.values:
        raise ValidationError({"mode": _("Hình thức bỏ phiếu không hợp lệ.")})
    rule = rule_for(meeting, award_type)
    members = member_count(meeting.term)
    voters = len(selectors.present_agency_ids(meeting))
    round = round or 1
    if round == 1:
        if Ballot.objects.filter(meeting=meeting, award_type=award_type, round=1).exists():
            raise ValidationError(
                _("%(award)s đã có vòng 1 tại hội nghị này.") % {"award": award_type.name}
            )
        if rule.requires_id and not selectors.nominee_ids(meeting.term, rule.requires_id):
            raise ValidationError(
                _(
                    "%(award)s chỉ xét đơn vị đã được đề nghị %(required)s, mà danh sách đó"
                    " chưa có đơn vị nào: chưa đơn vị nào đủ điều kiện."
                )
                % {"award": award_type.name, "required": rule.requires.name}
            )
        rows, _left_out, _state = candidates_for(meeting, rule, members=members)
        candidates = [(r.agency_id, r.rank) for r in rows]
        seats = rule.quota(members)
    else:
        if not candidate_ids or not seats:
            raise ValidationError(_("Vòng bỏ phiếu lại phải có ứng viên và số suất."))
        if Ballot.objects.filter(meeting=meeting, award_type=award_type, round=round).exists():
            raise ValidationError(
                _("%(award)s đã có vòng %(round)s.") % {"award": award_type.name, "round": round}
            )
        ranks = dict(
            BallotCandidate.objects.filter(
                ballot__meeting=meeting, ballot__award_type=award_type, ballot__round=1
            ).values_list("agency_id", "rank")
        )
        candidates = [(i, ranks.get(i, 0)) for i in candidate_ids]
    if not candidates:
        raise ValidationError(
            _("Không có đơn vị nào đủ điều kiện ứng cử %(award)s.") % {"award": award_type.name}
        )
    if voters < 1:
        raise ValidationError(_("Chưa có đơn vị nào có mặt: không bỏ phiếu được."))
    # An award's rule may ask for more members present than the meeting's own quorum.
    if rule.quorum is not None and not award_rules.quorum_met(
        present=voters, members=members, quorum=rule.quorum
    ):
        raise ValidationError(
            _(
                "%(award)s cần ít nhất %(share)s thành viên có mặt (%(needed)s/%(members)s);"
                " hiện có %(present)s: chưa thể bỏ phiếu."
            )
            % {
                "award": award_type.name,
                "share": award_rules.share_label(rule.quorum),
                "needed": award_rules.quorum_needed(members=members, quorum=rule.quorum),
                "members": members,
                "present": voters,
            }
        )
    # A round never has more seats than candidates (an award without a quota would otherwise
    # offer every member's seat on a ballot of a few names).
    seats = min(seats, len(candidates))
    ballot = Ballot(
        meeting=meeting,
        award_type=award_type,
        round=round,
        mode=mode,
        seats=seats,
        voters=voters,
        opened_by=by,
    )
    if mode == Ballot.Mode.ONLINE:
        # Online: every present agency holds one ballot; nothing returned yet.
        ballot.issued, ballot.returned, ballot.valid, ballot.invalid = voters, 0, 0, 0
    ballot.full_clean()
    ballot.save()
    BallotCandidate.objects.bulk_create(
        BallotCandidate(ballot=ballot, agency_id=agency_id, position=i, rank=rank)
        for i, (agency_id, rank) in enumerate(candidates, start=1)
    )
    if mode == Ballot.Mode.ONLINE:
        notifications.ballot_opened(ballot=ballot, by=by)
    return ballot


@transaction.atomic
def record_paper_count(*, ballot, issued, returned, valid, invalid, votes: dict, by) -> Ballot:
    """Enter the committee's count of a paper round, then close it; refused with every reason."""
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    if ballot.mode != Ballot.Mode.PAPER:
        raise ValidationError(_("Đây là lượt bỏ phiếu trực tuyến: không nhập kết quả kiểm phiếu."))
    if ballot.is_closed:
        raise ValidationError(_("Lượt bỏ phiếu này đã kết thúc."))
    _refuse_unless_voting(ballot.meeting)
    candidates = list(ballot.candidates.select_related("agency"))
    names = {c.agency_id: c.agency.name for c in candidates}
    votes = {int(k): int(v) for k, v in votes.items()}
    if set(votes) != set(names):
        raise ValidationError(_("Phải nhập số phiếu của mọi ứng viên trên phiếu."))
    errors = award_rules.validate_counts(
        issued=issued,
        returned=returned,
        valid=valid,
        invalid=invalid,
        votes={names[i]: n for i, n in votes.items()},
        seats=ballot.seats,
        voters=ballot.voters,
    )
    if errors:
        raise ValidationError([str(e) for e in errors])
    ballot.issued, ballot.returned, ballot.valid, ballot.invalid = issued, returned, valid, invalid
    for c in candidates:
        c.votes = votes[c.agency_id]
    BallotCandidate.objects.bulk_update(candidates, ["votes"])
    ballot.full_clean()
    ballot.save()
    return _close(ballot, by=by)


ALREADY_VOTED = gettext_lazy("Đơn vị đã bỏ phiếu")


@transaction.atomic
def cast_vote(*, ballot, agency, choices, by) -> None:
    """One present agency's secret vote; an empty choice is a blank (invalid) ballot.

    Nothing here may link ``agency`` to ``choices``: the receipt holds the ballot and the agency,
    every candidate row gets the same UPDATE, and ``by`` is only checked, never stored.
    """
    ballot = Ballot.objects.select_for_update().select_related("meeting").get(pk=ballot.pk)
    if ballot.mode != Ballot.Mode.ONLINE:
        raise ValidationError(_("Lượt này bỏ phiếu giấy tại hội nghị."))
    if ballot.is_closed:
        raise ValidationError(_("Lượt bỏ phiếu này đã kết thúc."))
    _refuse_unless_voting(ballot.meeting)
    agency_id = getattr(agency, "pk", agency)
    if agency_id not in selectors.present_agency_ids(ballot.meeting):
        raise ValidationError(_("Đơn vị không có mặt tại hội nghị: không bỏ phiếu được."))
    chosen = set()
    for c in choices:
        try:
            chosen.add(int(c))
        except (TypeError, ValueError):
            raise ValidationError(_("Lựa chọn không hợp lệ.")) from None
    candidate_ids = set(ballot.candidates.values_list("agency_id", flat=True))
    if not chosen <= candidate_ids:
        raise ValidationError(_("Chỉ chọn đơn vị có tên trên phiếu."))
    if len(chosen) > ballot.seats:
        raise ValidationError(_("Chỉ chọn tối đa %(seats)s đơn vị.") % {"seats": ballot.seats})
    if BallotReceipt.objects.filter(ballot=ballot, agency_id=agency_id).exists():
        raise ValidationError(str(ALREADY_VOTED))
    try:
        with transaction.atomic():
            BallotReceipt.objects.create(ballot=ballot, agency_id=agency_id)
    except IntegrityError:
        raise ValidationError(str(ALREADY_VOTED)) from None
    # Every candidate row of the ballot is rewritten, chosen or not.
    BallotCandidate.objects.filter(ballot=ballot).update(
        votes=F("votes")
        + Case(
            When(agency_id__in=sorted(chosen), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )
    Ballot.objects.filter(pk=ballot.pk).update(
        returned=F("returned") + 1,
        valid=F("valid") + (1 if chosen else 0),
        invalid=F("invalid") + (0 if chosen else 1),
    )


def voted_among(ballot, agency_ids) -> set:
    """Which of these agencies hold a receipt for ``ballot``."""
    return set(
        BallotReceipt.objects.filter(ballot=ballot, agency_id__in=list(agency_ids)).values_list(
            "agency_id", flat=True
        )
    )


@transaction.atomic
def close_ballot(*, ballot, by) -> Ballot:
    """The chair closes an online round: the counts are decided and shown."""
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    if ballot.is_closed:
        raise ValidationError(_("Lượt bỏ phiếu này đã kết thúc."))
    if ballot.mode != Ballot.Mode.ONLINE:
        raise ValidationError(_("Lượt bỏ phiếu giấy kết thúc khi nhập kết quả kiểm phiếu."))
    return _close(ballot, by=by)


def _close(ballot: Ballot, *, by) -> Ballot:
    result = decide(ballot)
    candidates = list(ballot.candidates.all())
    for c in candidates:
        c.outcome = result.outcomes.get(c.agency_id, "")
    BallotCandidate.objects.bulk_update(candidates, ["outcome"])
    ballot.status = Ballot.Status.CLOSED
    ballot.closed_at = timezone.now()
    ballot.closed_by = by
    ballot.full_clean()
    ballot.save()
    notifications.ballot_results(ballot=ballot, elected_ids=result.elected, by=by)
    return ballot


def threshold(ballot: Ballot, rule: AwardRule | None = None, members: int | None = None) -> dict:
    """The vote base and the fewest votes that win, for the results table."""
    rule = rule or rule_for(ballot.meeting, ballot.award_type)
    if members is None:
        members = member_count(ballot.meeting.term)
    base = award_rules.vote_base(base=rule.vote_base, present=ballot.voters, members=members)
    return {
        "rule": rule,
        "base": base,
        "members": members,
        "share": award_rules.share_label(rule.min_vote_share),
        "strict": rule.vote_strict,
        "needed": award_rules.votes_needed(
            base_count=base, min_share=rule.min_vote_share, strict=rule.vote_strict
        ),
    }


def decide(ballot: Ballot, *, rule=None, members=None, candidates=None) -> award_rules.Outcome:
    """Decide a round from its stored counts (the same answer every time it is asked).

    ``candidates``: the round's candidates already read with their agencies (no query then).
    """
    t = threshold(ballot, rule, members)
    if candidates is None:
        rows = ballot.candidates.values_list("agency_id", "votes", "rank", "agency__women_share")
    else:
        rows = [(c.agency_id, c.votes, c.rank, c.agency.women_share) for c in candidates]
    return award_rules.decide(
        [award_rules.Candidate(agency_id=a, votes=v, rank=r, women_share=w) for a, v, r, w in rows],
        seats=ballot.seats,
        base_count=t["base"],
        min_share=t["rule"].min_vote_share,
        strict=t["rule"].vote_strict,
    )


def outcome(
    ballot: Ballot, *, rule=None, members=None, candidates=None
) -> award_rules.Outcome | None:
    """The Outcome of a closed round (with its second-round proposal); None while open."""
    if not ballot.is_closed:
        return None
    return decide(ballot, rule=rule, members=members, candidates=candidates)


@transaction.atomic
def open_second_round(*, ballot, mode, by) -> Ballot:
    """Open the round the closed ``ballot`` proposes: its tied or remaining candidates."""
    result = outcome(ballot)
    if result is None or not result.needs_second_round:
        raise ValidationError(_("Lượt này không cần bỏ phiếu lại."))
    if Ballot.objects.filter(
        meeting_id=ballot.meeting_id, award_type_id=ballot.award_type_id, round__gt=ballot.round
    ).exists():
        raise ValidationError(_("Đã mở vòng tiếp theo cho khen thưởng này."))
    return open_ballot(
        meeting=ballot.meeting,
        award_type=ballot.award_type,
        mode=mode,
        by=by,
        round=ballot.round + 1,
        candidate_ids=list(result.second_round),
        seats=result.second_round_seats,
    )
