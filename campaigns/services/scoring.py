"""Writes of the scoring part: criteria tables and their versions, periods, scorecards, evidence.

Every total is computed by ``campaigns.scoring`` (pure); this module only loads plain values
for it and records who changed what.
"""

import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from blocs.models import AgencyRole, BlocTerm, Membership
from campaigns import evidence as evidence_checks
from campaigns import scoring
from campaigns.models import (
    CriteriaTable,
    Criterion,
    DeadlineExtension,
    Evidence,
    Period,
    Scorecard,
    ScorecardEvent,
    ScoreLine,
    ScoreLineChange,
    format_deadline,
    rules_for,
)


def points_label(value) -> str:
    """Points as people write them: no trailing zeros, the language's decimal separator."""
    if value is None:
        return ""
    value = Decimal(value)
    text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return formats.number_format(Decimal(text), use_l10n=True)


def parse_points(text) -> Decimal | None:
    """Read points typed with a comma or a dot; blank is ``None``; raise ValueError otherwise."""
    text = (text or "").strip().replace(" ", "").replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except ArithmeticError:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


def history_value(value) -> str:
    """A value as written in the history: plain digits, no trailing zeros, "" for empty."""
    if value is None:
        return ""
    text = format(Decimal(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def criterion_label(criterion) -> str:
    return _("Tiêu chí %(code)s “%(title)s”") % {"code": criterion.code, "title": criterion.title}


# Criteria tables ---------------------------------------------------------------------------


def specs_of(criteria) -> list[scoring.CriterionSpec]:
    return [
        scoring.CriterionSpec(
            id=c.pk, parent_id=c.parent_id, kind=c.kind, max_points=c.max_points, code=c.code
        )
        for c in criteria
    ]


def tree_order(criteria) -> list[tuple[Criterion, int]]:
    """The rows depth-first in their order, each with its depth (0 for top-level rows)."""
    criteria = list(criteria)
    children = {}
    for c in sorted(criteria, key=lambda c: (c.order, c.pk)):
        children.setdefault(c.parent_id, []).append(c)
    known = {c.pk for c in criteria}
    out = []
    stack = [(c, 0) for c in reversed(children.get(None, []))]
    # Rows whose parent is missing from the list are shown at the top level rather than lost.
    stack += [
        (c, 0)
        for parent, rows in children.items()
        if parent is not None and parent not in known
        for c in reversed(rows)
    ]
    seen = set()
    while stack:
        node, depth = stack.pop()
        if node.pk in seen:
            continue
        seen.add(node.pk)
        out.append((node, depth))
        for child in reversed(children.get(node.pk, [])):
            stack.append((child, depth + 1))
    return out


def current_table(term) -> CriteriaTable | None:
    return CriteriaTable.objects.filter(term=term, status=CriteriaTable.Status.ADOPTED).first()


def _copy_rows(source: CriteriaTable, target: CriteriaTable) -> None:
    rows = tree_order(source.criteria.all())
    mapping = {}
    for position, (row, _depth) in enumerate(rows, start=1):
        copy = Criterion.objects.create(
            table=target,
            parent_id=mapping.get(row.parent_id),
            code=row.code,
            title=row.title,
            kind=row.kind,
            max_points=row.max_points,
            evidence_required=row.evidence_required,
            guidance=row.guidance,
            order=position * 10,
        )
        mapping[row.pk] = copy.pk


@transaction.atomic
def create_criteria_table(
    *, term: BlocTerm, by, copy_from: CriteriaTable | None = None, change_note: str = ""
) -> CriteriaTable:
    """Start a draft table for ``term``, empty or as a copy of ``copy_from``."""
    if CriteriaTable.objects.filter(term=term, status=CriteriaTable.Status.DRAFT).exists():
        raise ValidationError(_("Năm thi đua đã có một bảng tiêu chí đang dự thảo."))
    version = (CriteriaTable.objects.filter(term=term).aggregate(v=Max("version"))["v"] or 0) + 1
    adopted = current_table(term)
    table = CriteriaTable(
        term=term,
        version=version,
        title=(copy_from.title if copy_from else "")
        or _("Bảng tiêu chí chấm điểm thi đua năm %(year)s") % {"year": term.year},
        base_max=copy_from.base_max if copy_from else Decimal("100"),
        bonus_cap=copy_from.bonus_cap if copy_from else Decimal("10"),
        penalty_cap=copy_from.penalty_cap if copy_from else Decimal("10"),
        supersedes=adopted,
        change_note=change_note,
    )
    table.full_clean()
    table.save()
    if copy_from is not None:
        _copy_rows(copy_from, table)
    return table


def previous_year_table(term) -> CriteriaTable | None:
    """The table last in force in the bloc's previous year, to start this year from."""
    return (
        CriteriaTable.objects.filter(
            term__bloc_id=term.bloc_id,
            term__year=term.year - 1,
            status__in=[CriteriaTable.Status.ADOPTED, CriteriaTable.Status.SUPERSEDED],
        )
        .order_by("-version")
        .first()
    )


def copy_last_year_table(*, term: BlocTerm, by) -> CriteriaTable:
    source = previous_year_table(term)
    if source is None:
        raise ValidationError(_("Năm trước chưa có bảng tiêu chí đã thông qua để sao chép."))
    return create_criteria_table(term=term, by=by, copy_from=source)


def start_new_version(*, table: CriteriaTable, by, change_note: str = "") -> CriteriaTable:
    """A change after adoption: copy the adopted table into a new draft version."""
    if table.status != CriteriaTable.Status.ADOPTED:
        raise ValidationError(_("Chỉ tạo phiên bản mới từ bảng đang có hiệu lực."))
    return create_criteria_table(term=table.term, by=by, copy_from=table, change_note=change_note)


def _require_draft(table: CriteriaTable) -> None:
    if table.is_frozen:
        raise ValidationError(
            _("Bảng tiêu chí đã thông qua không được sửa; hãy tạo phiên bản mới.")
        )


def lock_draft_table(table: CriteriaTable) -> CriteriaTable:
    """Lock the table row and refuse if it is frozen (call inside a transaction).

    The caller's copy was read at the start of the request; the adoption may have committed
    since, so the check is made again on the locked row.
    """
    locked = CriteriaTable.objects.select_for_update().get(pk=table.pk)
    _require_draft(locked)
    return locked


@transaction.atomic
def update_table_settings(
    *, table: CriteriaTable, title: str, base_max, bonus_cap, penalty_cap, change_note: str = ""
) -> CriteriaTable:
    lock_draft_table(table)
    table.title, table.base_max, table.bonus_cap = title, base_max, bonus_cap
    table.penalty_cap, table.change_note = penalty_cap, change_note
    table.full_clean()
    table.save(update_fields=["title", "base_max", "bonus_cap", "penalty_cap", "change_note"])
    return table


def _check_parent(table, parent, kind, criterion=None):
    if parent is None:
        return
    if parent.table_id != table.pk or parent.kind != Criterion.Kind.GROUP:
        raise ValidationError({"parent": _("Chỉ được xếp tiêu chí vào một nhóm của cùng bảng.")})
    node = parent
    while criterion is not None and node is not None:
        if node.pk == criterion.pk:
            raise ValidationError({"parent": _("Một nhóm không thể nằm trong chính nó.")})
        node = node.parent


@transaction.atomic
def save_criterion(
    *,
    table: CriteriaTable,
    criterion: Criterion | None = None,
    parent: Criterion | None,
    code: str,
    title: str,
    kind: str,
    max_points,
    evidence_required: bool,
    guidance: str = "",
    order: int | None = None,
) -> Criterion:
    """Add a row to a draft table, or change one."""
    lock_draft_table(table)
    _check_parent(table, parent, kind, criterion)
    code = code.strip()
    if (
        Criterion.objects.filter(table=table, code=code)
        .exclude(pk=criterion.pk if criterion else None)
        .exists()
    ):
        raise ValidationError({"code": _("Mã “%(code)s” đã có trong bảng.") % {"code": code}})
    if criterion is not None and kind != Criterion.Kind.GROUP and criterion.children.exists():
        raise ValidationError({"kind": _("Nhóm đang có tiêu chí con nên không thể đổi loại.")})
    if criterion is None:
        criterion = Criterion(table=table)
        if order is None:
            order = (table.criteria.aggregate(m=Max("order"))["m"] or 0) + 10
    criterion.parent = parent
    criterion.code, criterion.title, criterion.kind = code, title.strip(), kind
    # A group's points are the sum of its leaves, never entered.
    criterion.max_points = Decimal("0") if kind == Criterion.Kind.GROUP else max_points
    criterion.evidence_required = evidence_required and kind != Criterion.Kind.GROUP
    criterion.guidance = guidance
    if order is not None:
        criterion.order = order
    criterion.full_clean()
    if criterion.pk:
        criterion.save(
            update_fields=[
                "parent",
                "code",
                "title",
                "kind",
                "max_points",
                "evidence_required",
                "guidance",
                "order",
            ]
        )
    else:
        criterion.save()
    return criterion


@transaction.atomic
def delete_criterion(*, criterion: Criterion) -> None:
    """Remove a row (and the rows under it) from a draft table."""
    lock_draft_table(criterion.table)
    criterion.delete()


def adoption_problems(table: CriteriaTable, criteria=None) -> list[str]:
    """Why ``table`` cannot be adopted, in Vietnamese; empty when it can."""
    criteria = list(table.criteria.all() if criteria is None else criteria)
    messages = []
    for problem, detail in scoring.table_problems(specs_of(criteria), base_max=table.base_max):
        if problem == "duplicate_code":
            messages.append(_("Mã tiêu chí “%(code)s” bị trùng.") % {"code": detail})
        elif problem == "empty_group":
            messages.append(_("Nhóm “%(code)s” chưa có tiêu chí nào.") % {"code": detail})
        elif problem == "no_scored":
            messages.append(_("Bảng chưa có tiêu chí chấm điểm nào."))
        elif problem == "base_sum":
            messages.append(
                _(
                    "Tổng điểm tối đa của các tiêu chí chấm điểm là %(sum)s, chưa bằng điểm "
                    "chuẩn %(max)s."
                )
                % {"sum": points_label(detail), "max": points_label(table.base_max)}
            )
    return messages


def member_recipients(term) -> list[str]:
    """E-mail addresses of every head and officer of the term's current members."""
    agencies = Membership.objects.filter(term=term, left_on__isnull=True).values("agency_id")
    emails = (
        AgencyRole.objects.filter(agency_id__in=agencies)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
        .distinct()
    )
    return sorted(set(emails))


@transaction.atomic
def adopt_criteria_table(*, table: CriteriaTable, by) -> CriteriaTable:
    """Freeze a draft table; a later version supersedes the earlier one and every member is told.

    Scorecards keep the version they were given under (``Scorecard.table``).
    """
    table = CriteriaTable.objects.select_for_update().select_related("term__bloc").get(pk=table.pk)
    _require_draft(table)
    problems = adoption_problems(table)
    if problems:
        raise ValidationError(problems)
    previous = current_table(table.term)
    if previous is not None:
        previous.status = CriteriaTable.Status.SUPERSEDED
        previous.save(update_fields=["status"])
        if table.supersedes_id != previous.pk:
            table.supersedes = previous
    table.status = CriteriaTable.Status.ADOPTED
    table.adopted_at = timezone.now()
    table.adopted_by = by
    table.save(update_fields=["status", "adopted_at", "adopted_by", "supersedes"])
    if previous is not None:
        _notify_new_version(table)
    return table


def _notify_new_version(table: CriteriaTable) -> None:
    term = table.term
    subject = _("[%(bloc)s] Bảng tiêu chí năm %(year)s: phiên bản %(v)s có hiệu lực") % {
        "bloc": term.bloc.name,
        "year": term.year,
        "v": table.version,
    }
    body = _(
        "Kính gửi các đơn vị thành viên,\n\n"
        "Bảng tiêu chí chấm điểm thi đua năm %(year)s của %(bloc)s đã được thông qua phiên bản "
        "%(v)s, thay thế phiên bản %(old)s.\n"
        "Nội dung thay đổi: %(note)s\n\n"
        "Các phiếu đã chấm theo phiên bản cũ vẫn giữ nguyên phiên bản đã áp dụng; phiếu mới "
        "được lập theo phiên bản %(v)s.\n"
    ) % {
        "year": term.year,
        "bloc": term.bloc.name,
        "v": table.version,
        "old": table.version - 1,
        "note": table.change_note or _("(không ghi)"),
    }
    recipients = member_recipients(term)
    messages = [(subject, body, None, [address]) for address in recipients]
    transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=False))


# Periods -------------------------------------------------------------------------------------


@transaction.atomic
def save_period(*, term: BlocTerm, kind: str, self_deadline, review_deadline, by) -> Period:
    """Open a period of ``term`` or change its deadlines."""
    period = Period.objects.filter(term=term, kind=kind).first() or Period(term=term, kind=kind)
    period.self_deadline, period.review_deadline = self_deadline, review_deadline
    if review_deadline < self_deadline:
        raise ValidationError({"review_deadline": _("Hạn chấm chéo phải sau hạn tự chấm.")})
    period.full_clean()
    if period.pk:
        period.save(update_fields=["self_deadline", "review_deadline"])
    else:
        period.save()
    return period


def refuse_if_agreed(period: Period) -> None:
    """Members' cards are closed once the period is agreed."""
    if period.status == Period.Status.AGREED:
        raise ValidationError(_("Kỳ chấm điểm đã thống nhất; không thể thay đổi nữa."))


def _lock_period(period_id) -> Period:
    """The period row, locked so that an agreement and a member's write never interleave."""
    period = Period.objects.select_for_update().get(pk=period_id)
    refuse_if_agreed(period)
    return period


@transaction.atomic
def extend_deadline(*, period: Period, agency, until, reason: str, by) -> DeadlineExtension:
    """Give one agency a later self-score deadline; each grant is kept as the log."""
    _lock_period(period.pk)
    if not Membership.objects.filter(term=period.term_id, agency=agency).exists():
        raise ValidationError({"agency": _("Đơn vị không thuộc khối trong năm này.")})
    if until <= period.self_deadline:
        raise ValidationError({"until": _("Hạn gia hạn phải sau hạn tự chấm chung.")})
    extension = DeadlineExtension(
        period=period, agency=agency, until=until, reason=reason.strip(), granted_by=by
    )
    extension.full_clean()
    extension.save()
    return extension


def effective_deadline(period: Period, agency_id):
    return period.deadline_for(DeadlineExtension.objects.filter(period=period, agency_id=agency_id))


# Scorecards ----------------------------------------------------------------------------------


def _existing_card(period, agency) -> Scorecard | None:
    return Scorecard.objects.filter(period=period, agency=agency).first()


@transaction.atomic
def open_scorecard(*, period: Period, agency, by=None) -> Scorecard:
    """The agency's scorecard in ``period``, created with one line per leaf of the table."""
    existing = _existing_card(period, agency)
    if existing is not None:
        return existing
    refuse_if_agreed(Period.objects.get(pk=period.pk))
    table = current_table(period.term)
    if table is None:
        raise ValidationError(_("Bảng tiêu chí của năm chưa được thông qua nên chưa thể chấm."))
    # Two clicks on "start" race to create the same card: the unique constraint decides, and
    # the loser returns the winner's card.
    try:
        with transaction.atomic():
            scorecard = Scorecard.objects.create(period=period, agency=agency, table=table)
            leaves = table.criteria.exclude(kind=Criterion.Kind.GROUP).values_list("pk", flat=True)
            ScoreLine.objects.bulk_create(
                ScoreLine(scorecard=scorecard, criterion_id=pk) for pk in leaves
            )
    except IntegrityError:
        return Scorecard.objects.get(period=period, agency=agency)
    return scorecard


@transaction.atomic
def save_self_scores(*, scorecard: Scorecard, by, entries: dict) -> int:
    """Store the member's points and notes; ``entries`` maps criterion id → (points, note).

    Returns the number of lines changed; each change is written to the line's history.
    """
    scorecard = (
        Scorecard.objects.select_for_update(of=("self",))
        .select_related("period")
        .get(pk=scorecard.pk)
    )
    refuse_if_agreed(scorecard.period)
    if not scorecard.is_editable:
        raise ValidationError(_("Phiếu đã nộp, không thể sửa."))
    lines = {
        line.criterion_id: line
        for line in ScoreLine.objects.filter(scorecard=scorecard).exclude(
            criterion__kind=Criterion.Kind.GROUP
        )
    }
    changes, changed = [], []
    for criterion_id, (points, note) in entries.items():
        line = lines.get(criterion_id)
        if line is None:
            continue
        note = (note or "").strip()
        if points is not None and points < 0:
            raise ValidationError(_("Điểm không được âm."))
        if line.self_points == points and line.self_note == note:
            continue
        if line.self_points != points:
            changes.append(
                ScoreLineChange(
                    line=line,
                    layer=ScoreLineChange.Layer.SELF,
                    old_value=history_value(line.self_points),
                    new_value=history_value(points),
                    note=note,
                    changed_by=by,
                )
            )
        elif line.self_note != note:
            value = history_value(points)
            changes.append(
                ScoreLineChange(
                    line=line,
                    layer=ScoreLineChange.Layer.SELF,
                    old_value=value,
                    new_value=value,
                    note=note,
                    changed_by=by,
                )
            )
        line.self_points, line.self_note = points, note
        changed.append(line)
    ScoreLine.objects.bulk_update(changed, ["self_points", "self_note"])
    ScoreLineChange.objects.bulk_create(changes)
    return len(changed)


@transaction.atomic
def attach_evidence(
    *, scorecard: Scorecard, criterion: Criterion, uploaded, by, replaces: Evidence | None = None
) -> Evidence:
    """Store a checked evidence file for a line; a replaced file stays in history."""
    refuse_if_agreed(Period.objects.get(pk=scorecard.period_id))
    if not scorecard.is_editable:
        raise ValidationError(_("Phiếu đã nộp, không thể thêm minh chứng."))
    if criterion.table_id != scorecard.table_id or criterion.kind == Criterion.Kind.GROUP:
        raise ValidationError(_("Tiêu chí không thuộc phiếu này."))
    checked = evidence_checks.check_upload(uploaded)
    evidence = Evidence(
        scorecard=scorecard,
        criterion=criterion,
        original_name=(uploaded.name or "")[-255:],
        sha256=checked.sha256,
        size=checked.size,
        content_type=checked.content_type,
        uploaded_by=by,
    )
    uploaded.seek(0)
    evidence.file.save(f"{uuid.uuid4().hex}.{checked.kind}", uploaded, save=False)
    evidence.save()
    if replaces is not None:
        if replaces.scorecard_id != scorecard.pk or not replaces.is_current:
            raise ValidationError(_("Minh chứng cần thay không còn hiệu lực."))
        replaces.replaced_by = evidence
        replaces.save(update_fields=["replaced_by"])
    return evidence


@transaction.atomic
def withdraw_evidence(*, evidence: Evidence, by) -> Evidence:
    """Take a file off a draft line; the file itself is kept for the record."""
    refuse_if_agreed(Period.objects.get(pk=evidence.scorecard.period_id))
    if not evidence.scorecard.is_editable:
        raise ValidationError(_("Phiếu đã nộp, không thể gỡ minh chứng."))
    if evidence.is_current:
        evidence.withdrawn_at = timezone.now()
        evidence.save(update_fields=["withdrawn_at"])
    return evidence


def submission_problems(
    *, scorecard: Scorecard, criteria, lines, evidence, deadline, now
) -> list[str]:
    """Why the card cannot be submitted, one message per line at fault (Vietnamese)."""
    step = rules_for(scorecard.period.term).score_step
    by_criterion = {line.criterion_id: line for line in lines}
    with_evidence = {e.criterion_id for e in evidence if e.is_current}
    problems = []
    if now > deadline:
        problems.append(
            _("Đã quá hạn tự chấm (%(deadline)s).") % {"deadline": format_deadline(deadline)}
        )
    for criterion, _depth in tree_order(criteria):
        if criterion.kind == Criterion.Kind.GROUP:
            continue
        line = by_criterion.get(criterion.pk)
        value = line.self_points if line else None
        label = criterion_label(criterion)
        if value is None and criterion.kind == Criterion.Kind.SCORED:
            problems.append(_("%(line)s: chưa nhập điểm.") % {"line": label})
            continue
        problem = scoring.line_problem(value, criterion.max_points, step)
        if problem == "range":
            problems.append(
                _("%(line)s: điểm %(value)s nằm ngoài khoảng 0 – %(max)s.")
                % {
                    "line": label,
                    "value": points_label(value),
                    "max": points_label(criterion.max_points),
                }
            )
        elif problem == "step":
            problems.append(
                _("%(line)s: điểm %(value)s không phải bội số của bước điểm %(step)s.")
                % {"line": label, "value": points_label(value), "step": points_label(step)}
            )
        if criterion.evidence_required and value and criterion.pk not in with_evidence:
            problems.append(_("%(line)s: thiếu minh chứng bắt buộc.") % {"line": label})
    return problems


@transaction.atomic
def submit_scorecard(*, scorecard: Scorecard, by, now=None) -> Scorecard:
    """Submit the self-score (the head only; checked by the caller's access rights)."""
    # The period first, as ``agree_period`` locks it before the cards: a card submitted while
    # the period is being agreed would otherwise enter the ranking without agreed points.
    _lock_period(scorecard.period_id)
    scorecard = (
        Scorecard.objects.select_for_update(of=("self",))
        .select_related("period__term")
        .get(pk=scorecard.pk)
    )
    if not scorecard.is_editable:
        raise ValidationError(_("Phiếu đã được nộp."))
    now = now or timezone.now()
    problems = submission_problems(
        scorecard=scorecard,
        criteria=scorecard.table.criteria.all(),
        lines=scorecard.lines.all(),
        evidence=scorecard.evidence.all(),
        deadline=effective_deadline(scorecard.period, scorecard.agency_id),
        now=now,
    )
    if problems:
        raise ValidationError(problems)
    scorecard.status = Scorecard.Status.SUBMITTED
    scorecard.submitted_at = now
    scorecard.submitted_by = by
    scorecard.save(update_fields=["status", "submitted_at", "submitted_by"])
    ScorecardEvent.objects.create(scorecard=scorecard, kind=ScorecardEvent.Kind.SUBMITTED, by=by)
    return scorecard


@transaction.atomic
def reopen_scorecard(*, scorecard: Scorecard, by, reason: str) -> Scorecard:
    """Give a submitted card back to the member as a draft (the secretariat, with a reason)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Phải ghi lý do mở lại phiếu.")})
    scorecard = Scorecard.objects.select_for_update().get(pk=scorecard.pk)
    if scorecard.status != Scorecard.Status.SUBMITTED:
        raise ValidationError(_("Chỉ mở lại được phiếu đã nộp và chưa chấm chéo."))
    scorecard.status = Scorecard.Status.DRAFT
    scorecard.save(update_fields=["status"])
    ScorecardEvent.objects.create(
        scorecard=scorecard, kind=ScorecardEvent.Kind.REOPENED, reason=reason, by=by
    )
    return scorecard


# Reading a scorecard -----------------------------------------------------------------------


@dataclass
class Row:
    criterion: Criterion
    depth: int
    line: ScoreLine | None = None
    evidence: list = field(default_factory=list)
    old_evidence: list = field(default_factory=list)
    group_sum: Decimal | None = None
    group_max: Decimal | None = None
    warning: str = ""
    typed_points: str | None = None
    typed_note: str | None = None
    ancestors: tuple = ()
    negative: bool = False

    @property
    def is_group(self):
        return self.criterion.kind == Criterion.Kind.GROUP


def scorecard_rows(scorecard: Scorecard, *, values=None):
    """Everything the scorecard page shows, in a fixed number of queries.

    ``values`` (criterion id → points) overrides the stored self points, for re-showing what a
    member typed after a validation error. Returns ``(rows, totals)``.
    """
    criteria = list(scorecard.table.criteria.all())
    lines = {line.criterion_id: line for line in scorecard.lines.all()}
    files = list(scorecard.evidence.select_related("uploaded_by").order_by("uploaded_at", "pk"))
    specs = specs_of(criteria)
    points = {cid: line.self_points for cid, line in lines.items()}
    if values:
        points.update(values)
    table = scorecard.table
    totals = scoring.compute_totals(
        specs,
        points,
        base_max=table.base_max,
        bonus_cap=table.bonus_cap,
        penalty_cap=table.penalty_cap,
    )
    maxima = group_maxima(specs)
    negatives = penalty_groups(specs)
    step = rules_for(scorecard.period.term).score_step
    parents = {c.pk: c.parent_id for c in criteria}
    rows = []
    for criterion, depth in tree_order(criteria):
        row = Row(
            criterion=criterion,
            depth=depth,
            line=lines.get(criterion.pk),
            ancestors=_ancestors_of(criterion, parents),
        )
        if row.is_group:
            row.group_sum = totals.group_sums.get(criterion.pk, Decimal("0"))
            row.group_max = maxima.get(criterion.pk)
            row.negative = criterion.pk in negatives
        else:
            row.evidence = [e for e in files if e.criterion_id == criterion.pk and e.is_current]
            row.old_evidence = [
                e for e in files if e.criterion_id == criterion.pk and not e.is_current
            ]
            problem = scoring.line_problem(points.get(criterion.pk), criterion.max_points, step)
            if problem == "range":
                row.warning = _("Ngoài khoảng 0 – %(max)s") % {
                    "max": points_label(criterion.max_points)
                }
            elif problem == "step":
                row.warning = _("Không phải bội số của %(step)s") % {"step": points_label(step)}
        rows.append(row)
    return rows, totals


def _ancestors_of(criterion, parents) -> tuple:
    out, node = [], criterion.parent_id
    while node is not None and node not in out:
        out.append(node)
        node = parents.get(node)
    return tuple(out)


def penalty_groups(specs) -> set:
    """Ids of the groups whose leaves are all penalties (shown with a minus sign)."""
    kinds = {}
    by_id = {s.id: s for s in specs}
    for s in specs:
        if s.kind == scoring.GROUP:
            continue
        parent, seen = s.parent_id, set()
        while parent is not None and parent in by_id and parent not in seen:
            seen.add(parent)
            kinds.setdefault(parent, set()).add(s.kind)
            parent = by_id[parent].parent_id
    return {gid for gid, found in kinds.items() if found == {scoring.PENALTY}}


def group_maxima(specs) -> dict:
    """The sum of the leaves' maxima under each group, by group id."""
    by_id = {s.id: s for s in specs}
    out = {s.id: Decimal("0") for s in specs if s.kind == scoring.GROUP}
    for s in specs:
        if s.kind == scoring.GROUP:
            continue
        parent, seen = s.parent_id, set()
        while parent is not None and parent in by_id and parent not in seen:
            seen.add(parent)
            if parent in out:
                out[parent] += Decimal(s.max_points)
            parent = by_id[parent].parent_id
    return out


def scorecard_totals(scorecard: Scorecard, layer: str = "self") -> scoring.Totals:
    """The totals of one card for one layer, through ``campaigns.scoring``."""
    criteria = list(scorecard.table.criteria.all())
    values = {
        line.criterion_id: (line.self_points if layer == "self" else line.final_points)
        for line in scorecard.lines.all()
    }
    table = scorecard.table
    return scoring.compute_totals(
        specs_of(criteria),
        values,
        base_max=table.base_max,
        bonus_cap=table.bonus_cap,
        penalty_cap=table.penalty_cap,
    )


def self_totals_for(cards) -> dict:
    """The self-score totals of many cards in two queries, by card id."""
    cards = list(cards)
    if not cards:
        return {}
    tables = {c.table_id: c.table for c in cards}
    specs = {}
    for criterion in Criterion.objects.filter(table_id__in=tables).order_by("order", "pk"):
        specs.setdefault(criterion.table_id, []).append(
            scoring.CriterionSpec(
                id=criterion.pk,
                parent_id=criterion.parent_id,
                kind=criterion.kind,
                max_points=criterion.max_points,
                code=criterion.code,
            )
        )
    values = {}
    for card_id, criterion_id, points in ScoreLine.objects.filter(
        scorecard__in=[c.pk for c in cards]
    ).values_list("scorecard_id", "criterion_id", "self_points"):
        values.setdefault(card_id, {})[criterion_id] = points
    out = {}
    for card in cards:
        table = tables[card.table_id]
        out[card.pk] = scoring.compute_totals(
            specs.get(card.table_id, []),
            values.get(card.pk, {}),
            base_max=table.base_max,
            bonus_cap=table.bonus_cap,
            penalty_cap=table.penalty_cap,
        )
    return out
