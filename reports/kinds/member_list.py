"""Danh sách đơn vị thành viên: the bloc's members in one year, with leader and deputy."""

from django.utils.translation import gettext_lazy as _

from blocs.models import AgencyRole, Membership
from reports.kinds.base import DocumentKind, register


def _title(term, params):
    return _("Danh sách đơn vị thành viên %(bloc)s năm %(year)s") % {
        "bloc": term.bloc.name,
        "year": term.year,
    }


def _context(document):
    term = document.term
    memberships = list(
        Membership.objects.filter(term=term)
        .select_related("agency")
        .prefetch_related("agency__name_changes")
        .order_by("agency__sort_key", "id")
    )
    heads = {
        r.agency_id: r.user
        for r in AgencyRole.objects.filter(
            agency__in=[m.agency_id for m in memberships], role=AgencyRole.Role.HEAD
        )
        .select_related("user")
        .order_by("id")
    }
    rows = []
    for m in memberships:
        rows.append(
            {
                "name": m.agency.name_on(document.issued_on),
                "abbreviation": m.agency.abbreviation,
                "kind": m.agency.get_kind_display(),
                "role": m.get_role_display() if m.role != Membership.Role.MEMBER else "",
                "head": heads.get(m.agency_id),
                "joined_on": m.joined_on,
                "left_on": m.left_on,
                "left_reason": m.left_reason,
            }
        )
    current = [r for r in rows if r["left_on"] is None]
    return {"rows": rows, "current_count": len(current)}


register(
    DocumentKind(
        slug="member_list",
        label=_("Danh sách đơn vị thành viên"),
        type_code="DS",
        template="reports/pdf/member_list.html",
        build_context=_context,
        title=_title,
    )
)
