"""The provisional ranking of a period, the members' appeals against it, and its final state.

The secretariat publishes the agreed ranking as provisional with an appeal window (the term's
``ScoringRules.appeal_days``). Within it a member head appeals lines of its own card; the
secretariat upholds (the agreed points change through ``campaigns`` with the appeal cited in
the line's history, and the ranking, which reads agreed points, re-ranks) or rejects with a
reason. The ranking is final once the window has closed and every appeal is answered.

Once its ranking is published, a period is not reopened (``reopen_refusal``, which the awards
app registers with ``campaigns.services.agreement.reopen_period``): its points change only
through the appeals, and after the final ranking through the board's adjustment.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import Appeal, AppealLine, RankingPublication
from awards.services import notifications
from blocs.history import record_by
from campaigns.models import APPEAL_DAYS_MAX, Period, ScoreLine, rules_for
from campaigns.services.points import validate_points
from campaigns.services.review import amend_agreed_after_appeal


@transaction.atomic
def publish_ranking(*, period: Period, by, appeal_days=None, now=None) -> RankingPublication:
    """Publish an agreed period's ranking as provisional, open for appeals for ``appeal_days``."""
    period = Period.objects.select_for_update().select_related("term__bloc").get(pk=period.pk)
    if period.status != Period.Status.AGREED:
        raise ValidationError(_("Chỉ công bố kết quả của kỳ đã thống nhất điểm."))
    if RankingPublication.objects.filter(period=period).exists():
        raise ValidationError(_("Kết quả xếp hạng của kỳ này đã được công bố."))
    if appeal_days is None:
        appeal_days = rules_for(period.term).appeal_days
    if not 1 <= int(appeal_days) <= APPEAL_DAYS_MAX:
        raise ValidationError(
            {
                "appeal_days": _("Số ngày nhận kiến nghị phải từ 1 đến %(max)s.")
                % {"max": APPEAL_DAYS_MAX}
            }
        )
    now = now or timezone.now()
    publication = RankingPublication(
        period=period,
        published_at=now,
        published_by=by,
        appeal_days=int(appeal_days),
        closes_at=now + datetime.timedelta(days=int(appeal_days)),
    )
    publication.full_clean()
    record_by(publication, by).save()
    notifications.ranking_provisional(publication=publication, by=by)
    return publication


def _lock_publication(publication) -> RankingPublication:
    return (
        RankingPublication.objects.select_for_update(of=("self",))
        .select_related("period__term__bloc")
        .get(pk=publication.pk)
    )


@transaction.atomic
def submit_appeal(
    *, publication: RankingPublication, agency, lines, reason: str, evidence=None, by, now=None
) -> Appeal:
    """A member's appeal on lines of its own card: ``lines`` are (ScoreLine, points or None).

    The caller checks that ``by`` may act for ``agency`` (``awards.access.can_appeal_for``).
    """
    publication = _lock_publication(publication)
    period = publication.period
    if not publication.window_open(now):
        raise ValidationError(_("Đã hết thời hạn nhận kiến nghị về kết quả xếp hạng."))
    if period.status != Period.Status.AGREED:
        raise ValidationError(_("Kỳ chấm điểm đang được mở lại; chưa nhận kiến nghị."))
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Hãy nêu lý do kiến nghị.")
    lines = list(lines)
    if not lines:
        errors["lines"] = _("Hãy chọn ít nhất một dòng điểm để kiến nghị.")
    ids = [line.pk for line, _points in lines]
    own = {
        ln.pk: ln
        for ln in ScoreLine.objects.select_related("criterion").filter(
            pk__in=ids, scorecard__period=period, scorecard__agency=agency
        )
    }
    if len(set(ids)) != len(ids) or set(ids) - set(own):
        errors["lines"] = _("Chỉ được kiến nghị các dòng điểm trên phiếu của đơn vị mình.")
    step = rules_for(period.term).score_step
    requested = {}
    for line, points in lines:
        if points in (None, "") or line.pk not in own:
            continue
        try:
            requested[line.pk] = validate_points(
                points, criterion=own[line.pk].criterion, step=step
            )
        except ValidationError as error:
            errors["requested"] = error.messages
    if errors:
        raise ValidationError(errors)
    number = (publication.appeals.aggregate(n=Max("number"))["n"] or 0) + 1
    appeal = Appeal(
        publication=publication,
        agency=agency,
        number=number,
        reason=reason,
        submitted_by=by,
    )
    if evidence is not None:
        appeal.evidence = evidence
    appeal.full_clean(exclude=["evidence"])
    record_by(appeal, by).save()
    for line_id in ids:
        row = AppealLine(
            appeal=appeal,
            line=own[line_id],
            requested_points=requested.get(line_id),
            old_points=own[line_id].final_points,
        )
        row.full_clean()
        record_by(row, by).save()
    notifications.appeal_received(appeal=appeal, by=by)
    return appeal


@transaction.atomic
def answer_appeal(*, appeal: Appeal, upheld: bool, answer: str, new_points=None, by, now=None):
    """Uphold (with ``new_points``: line id → points) or reject a pending appeal, with an answer.

    Upholding changes the agreed points of each line through ``campaigns``, citing the appeal;
    a line left out of ``new_points`` takes the points the member asked for.
    """
    publication = _lock_publication(appeal.publication)
    appeal = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("agency")
        .get(pk=appeal.pk, publication=publication)
    )
    if appeal.is_answered:
        raise ValidationError(_("Kiến nghị này đã được trả lời."))
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Hãy nhập nội dung trả lời kiến nghị.")})
    new_points = new_points or {}
    rows = list(appeal.lines.select_related("line__criterion"))
    if upheld:
        reason = _("Chấp nhận kiến nghị số %(number)s của %(agency)s: %(answer)s") % {
            "number": appeal.number,
            "agency": appeal.agency.name,
            "answer": answer,
        }
        errors = []
        for row in rows:
            points = new_points.get(row.line_id)
            if points in (None, ""):
                points = row.requested_points
            if points is None:
                errors.append(
                    _("Hãy nhập điểm mới cho tiêu chí %(code)s.")
                    % {"code": row.line.criterion.code}
                )
                continue
            try:
                line = amend_agreed_after_appeal(line=row.line, points=points, reason=reason, by=by)
            except ValidationError as error:
                errors.extend(error.messages)
                continue
            row.new_points = line.agreed_points
            record_by(row, by).save(update_fields=["new_points"])
        if errors:
            raise ValidationError({"new_points": errors})
    appeal.status = Appeal.Status.UPHELD if upheld else Appeal.Status.REJECTED
    appeal.answer = answer
    appeal.answered_by = by
    appeal.answered_at = now or timezone.now()
    appeal.full_clean(exclude=["evidence"])
    record_by(appeal, by).save(update_fields=["status", "answer", "answered_by", "answered_at"])
    notifications.appeal_answered(appeal=appeal, by=by)
    finalize_if_due(publication=publication, by=by, now=now)
    return appeal


def finalize_problem(publication: RankingPublication, now=None, *, pending=None) -> str:
    """Why the ranking cannot be made final yet ("" when it can); ``pending`` tells whether an
    appeal is unanswered when the caller already knows, else it is read."""
    now = now or timezone.now()
    if now < publication.closes_at:
        return _("Chưa hết thời hạn nhận kiến nghị.")
    if pending is None:
        pending = publication.appeals.filter(status=Appeal.Status.PENDING).exists()
    if pending:
        return _("Còn kiến nghị chưa được trả lời.")
    return ""


@transaction.atomic
def finalize_if_due(*, publication: RankingPublication, by=None, now=None) -> bool:
    """Make the ranking final once its window has closed and every appeal is answered."""
    publication = _lock_publication(publication)
    if publication.is_final or finalize_problem(publication, now):
        return False
    publication.finalized_at = now or timezone.now()
    publication.finalized_by = by
    publication.full_clean()
    record_by(publication, by).save(update_fields=["finalized_at", "finalized_by"])
    notifications.ranking_final(publication=publication)
    return True


def finalize_due_rankings(*, now=None) -> int:
    """Make final every published ranking whose window has closed with no appeal pending."""
    now = now or timezone.now()
    done = 0
    for publication in RankingPublication.objects.filter(
        finalized_at__isnull=True, closes_at__lte=now
    ).order_by("pk"):
        done += finalize_if_due(publication=publication, now=now)
    return done


def reopen_refusal(period: Period) -> str:
    """Why an agreed period may not be reopened: its ranking is published (changes to it go
    through the appeals, or the board's adjustment), or "" when it is not."""
    publication = RankingPublication.objects.filter(period=period).first()
    if publication is None:
        return ""
    if publication.is_final:
        return _(
            "Không thể mở lại kỳ: kết quả xếp hạng đã được công bố chính thức. Điều chỉnh điểm"
            " sau khi công bố do Ban Thi đua – Khen thưởng thực hiện."
        )
    return _(
        "Không thể mở lại kỳ: kết quả xếp hạng đã được công bố tạm thời. Điểm chỉ thay đổi"
        " qua việc trả lời kiến nghị của đơn vị."
    )
