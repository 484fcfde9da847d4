"""Writes of criteria tables: drafts, rows, adoption and new versions."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.history import delete_with_history, record_by
from blocs.models import BlocTerm
from campaigns.models import CriteriaTable, Criterion
from campaigns.scoring import CriteriaTree
from campaigns.services import notifications
from campaigns.services.points import points_label


def criterion_label(criterion) -> str:
    return _("Tiêu chí %(code)s “%(title)s”") % {"code": criterion.code, "title": criterion.title}


def current_table(term) -> CriteriaTable | None:
    return CriteriaTable.objects.filter(term=term, status=CriteriaTable.Status.ADOPTED).first()


def _copy_rows(source: CriteriaTable, target: CriteriaTable, *, by) -> None:
    tree = CriteriaTree(source.criteria.all())
    mapping = {}
    for position, node in enumerate(tree.nodes, start=1):
        row = node.spec
        copy = Criterion(
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
        record_by(copy, by).save()
        mapping[row.id] = copy.pk


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
    record_by(table, by).save()
    if copy_from is not None:
        _copy_rows(copy_from, table, by=by)
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
    *,
    table: CriteriaTable,
    by,
    title: str,
    base_max,
    bonus_cap,
    penalty_cap,
    change_note: str = "",
) -> CriteriaTable:
    lock_draft_table(table)
    table.title, table.base_max, table.bonus_cap = title, base_max, bonus_cap
    table.penalty_cap, table.change_note = penalty_cap, change_note
    table.full_clean()
    record_by(table, by).save(
        update_fields=["title", "base_max", "bonus_cap", "penalty_cap", "change_note"]
    )
    return table


def _check_parent(table, parent, kind, criterion=None):
    if parent is None:
        return
    if parent.table_id != table.pk or parent.kind != Criterion.Kind.GROUP:
        raise ValidationError({"parent": _("Chỉ được xếp tiêu chí vào một nhóm của cùng bảng.")})
    if criterion is not None and (
        parent.pk == criterion.pk
        or criterion.pk in CriteriaTree(table.criteria.all()).ancestors(parent.pk)
    ):
        raise ValidationError({"parent": _("Một nhóm không thể nằm trong chính nó.")})


@transaction.atomic
def save_criterion(
    *,
    table: CriteriaTable,
    by,
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
    record_by(criterion, by)
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


def _top_down(rows, roots) -> list:
    """``roots`` and every row under them, each row before the rows under it."""
    children = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    ordered, stack = [], list(roots)
    while stack:
        row = stack.pop()
        ordered.append(row)
        stack.extend(children.get(row.pk, []))
    return ordered


def delete_rows(rows, *, by, root: Criterion | None = None) -> int:
    """Delete ``root`` and the rows under it (every row without ``root``), children first.

    Deleting a group would take its rows with it by cascade, and their history could not name
    ``by``; children first, each row is deleted on its own and its historical row names ``by``.
    """
    rows = list(rows)
    if root is None:
        ids = {row.pk for row in rows}
        roots = [row for row in rows if row.parent_id not in ids]
    else:
        roots = [row for row in rows if row.pk == root.pk]
    return delete_with_history(reversed(_top_down(rows, roots)), by=by)


@transaction.atomic
def delete_criterion(*, criterion: Criterion, by) -> None:
    """Remove a row (and the rows under it) from a draft table."""
    lock_draft_table(criterion.table)
    delete_rows(Criterion.objects.filter(table_id=criterion.table_id), by=by, root=criterion)


def adoption_problems(table: CriteriaTable, criteria=None) -> list[str]:
    """Why ``table`` cannot be adopted, in Vietnamese; empty when it can."""
    tree = CriteriaTree.for_table(table, table.criteria.all() if criteria is None else criteria)
    messages = []
    for problem, detail in tree.problems():
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
        record_by(previous, by).save(update_fields=["status"])
        if table.supersedes_id != previous.pk:
            table.supersedes = previous
    table.status = CriteriaTable.Status.ADOPTED
    table.adopted_at = timezone.now()
    table.adopted_by = by
    record_by(table, by).save(update_fields=["status", "adopted_at", "adopted_by", "supersedes"])
    if previous is not None:
        _notify_new_version(table)
    return table


def _notify_new_version(table: CriteriaTable) -> None:
    notifications.criteria_changed(table=table)
