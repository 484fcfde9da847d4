"""Who may do what: the one place that decides it (DESIGN.md "Users").

Rights on a term follow its memberships: users of the leader agency are its secretariat while the
term is not closed, users of the deputy agency co-review, member heads act for their agency,
member officers draft for it, board officers of the council read everything and review. Everybody
else gets a 404, so that the existence of a bloc is not disclosed to outsiders.

Bloc management on a term that is not closed:

- members, the year-end election, the rotation order, closing and activating the year: the
  secretariat only (``can_manage``);
- leader and deputy of a planning or active year, and the Excel import of members: the
  secretariat or the board (``can_set_leadership``, ``can_import_members``). The board sets up
  the blocs and reviews their work, so it may correct the lead (for example after a merger left
  a post vacant) and load the member list of a new bloc without waiting for a secretariat;
- opening the next year: the secretariat of the bloc's latest year, even once that year is closed
  (``can_open_next_year``), because the lead it holds passes on only when the next year opens.

Administrators (superusers) may do all of it. A closed year is read-only for everybody.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from blocs.models import AgencyRole, Bloc, BlocTerm, BoardOfficer, Membership


@dataclass(frozen=True)
class TermAccess:
    """What one user may do on one term, computed once per request."""

    term: BlocTerm
    is_admin: bool = False
    is_board: bool = False
    is_secretariat: bool = False
    is_deputy: bool = False
    member_agency_ids: frozenset = field(default_factory=frozenset)
    current_agency_ids: frozenset = field(default_factory=frozenset)
    head_agency_ids: frozenset = field(default_factory=frozenset)

    @property
    def can_read(self) -> bool:
        return self.is_admin or self.is_board or bool(self.member_agency_ids)

    @property
    def oversees(self) -> bool:
        """The year's secretariat, the board and administrators: they follow every member's
        work and read what is not issued yet (drafts, unsent reports, progress)."""
        return self.is_secretariat or self.is_board or self.is_admin

    @property
    def can_manage(self) -> bool:
        """Run the term: members, elections, pledge, criteria, cross-checks, agreed scores."""
        return not self.term.is_closed and (self.is_secretariat or self.is_admin)

    @property
    def can_set_leadership(self) -> bool:
        """Change the leader and deputy of a planning or active year."""
        return not self.term.is_closed and self.oversees

    @property
    def can_import_members(self) -> bool:
        """Load agencies and memberships from an Excel file."""
        return not self.term.is_closed and self.oversees

    @property
    def can_open_next_year(self) -> bool:
        """Open the following year; only from the bloc's latest year."""
        return (self.is_secretariat or self.is_admin) and self.is_latest

    @cached_property
    def is_latest(self) -> bool:
        """Whether no later year of the bloc exists (one query, only when asked)."""
        return not BlocTerm.objects.filter(
            bloc_id=self.term.bloc_id, year__gt=self.term.year
        ).exists()

    def note_years(self, years) -> None:
        """Take the bloc's years from a page that has read them, so ``is_latest`` reads none."""
        self.__dict__["is_latest"] = max(years) <= self.term.year

    @property
    def can_co_review(self) -> bool:
        return not self.term.is_closed and (self.is_secretariat or self.is_deputy or self.is_admin)

    @property
    def can_board_review(self) -> bool:
        """Board adjustments and decisions: never on a closed year, whose results stand."""
        return not self.term.is_closed and (self.is_board or self.is_admin)

    def can_draft_for(self, agency_id) -> bool:
        """Officers and heads prepare their own agency's work while it is a member."""
        return not self.term.is_closed and agency_id in self.current_agency_ids

    def can_act_for(self, agency_id) -> bool:
        """Heads (or those signing for them) submit and sign for their own agency."""
        return not self.term.is_closed and agency_id in self.head_agency_ids

    @property
    def own_agency_ids(self) -> frozenset:
        return self.current_agency_ids

    @property
    def role_label(self) -> str:
        if self.is_secretariat and self.term.is_closed:
            # A closed year is read-only: its leader no longer acts as the secretariat.
            return _("Đơn vị khối trưởng năm %(year)s") % {"year": self.term.year}
        if self.is_secretariat:
            return _("Thư ký khối (đơn vị khối trưởng)")
        if self.is_deputy:
            return _("Đơn vị khối phó")
        if self.head_agency_ids:
            return _("Thủ trưởng đơn vị thành viên")
        if self.member_agency_ids:
            return _("Cán bộ đơn vị thành viên")
        if self.is_board:
            return _("Ban Thi đua – Khen thưởng")
        if self.is_admin:
            return _("Quản trị hệ thống")
        return ""


def board_council_ids(request) -> frozenset:
    """The councils whose board the signed-in user belongs to, read once per request: the
    menu and every access check of the request ask it."""
    ids = getattr(request, "_board_council_ids", None)
    if ids is None:
        user = request.user
        ids = frozenset(
            BoardOfficer.objects.filter(user=user).values_list("council_id", flat=True)
            if user.is_authenticated
            else ()
        )
        request._board_council_ids = ids
        request._on_a_board = bool(ids)
    return ids


def on_a_board(request) -> bool:
    """Whether the signed-in user sits on any board (the menu's link to the board's pages),
    known without a query once the request's access check has asked."""
    known = getattr(request, "_on_a_board", None)
    if known is None:
        known = bool(board_council_ids(request))
    return known


def term_access(user, term: BlocTerm, *, request=None) -> TermAccess:
    """Compute the user's rights on ``term`` in at most two queries: one when the term was read
    with ``reader_on_board`` (``get_term_for_user``) or with ``request``, whose board councils
    are read once for the whole request."""
    if not user.is_authenticated:
        return TermAccess(term=term)
    is_board = getattr(term, "reader_on_board", None)
    if is_board is not None:
        pass
    elif request is not None:
        is_board = term.bloc.council_id in board_council_ids(request)
    else:
        is_board = BoardOfficer.objects.filter(user=user, council_id=term.bloc.council_id).exists()
    rows = Membership.objects.filter(term=term, agency__roles__user=user).values_list(
        "agency_id", "role", "left_on", "agency__roles__role", "agency__roles__signing_authority"
    )
    member, current, heads = set(), set(), set()
    is_secretariat = is_deputy = False
    today = timezone.localdate()
    for agency_id, membership_role, left_on, role, authority in rows:
        member.add(agency_id)
        # A departure recorded ahead of time takes effect on its date.
        if left_on is not None and left_on <= today:
            continue
        current.add(agency_id)
        if role == AgencyRole.Role.HEAD or authority:
            heads.add(agency_id)
        if membership_role == Membership.Role.LEADER:
            is_secretariat = True
        elif membership_role == Membership.Role.DEPUTY:
            is_deputy = True
    return TermAccess(
        term=term,
        is_admin=user.is_superuser,
        is_board=is_board,
        is_secretariat=is_secretariat,
        is_deputy=is_deputy,
        member_agency_ids=frozenset(member),
        current_agency_ids=frozenset(current),
        head_agency_ids=frozenset(heads),
    )


DENIED = {
    "can_manage": _lazy("Chỉ thư ký khối (đơn vị khối trưởng năm nay) được làm việc này."),
    "can_set_leadership": _lazy(
        "Chỉ thư ký khối hoặc Ban Thi đua – Khen thưởng được thay đổi khối trưởng, khối phó."
    ),
    "can_import_members": _lazy(
        "Chỉ thư ký khối hoặc Ban Thi đua – Khen thưởng được nhập danh sách thành viên."
    ),
    "can_open_next_year": _lazy("Chỉ thư ký khối của năm thi đua gần nhất được mở năm tiếp theo."),
}


def get_term_for_user(request, bloc_code, year, *, write: bool | str = False):
    """Load a term the user may read (404 otherwise); with ``write``, require a right (403).

    ``write=True`` requires ``can_manage``; a string names another right of ``TermAccess``
    (``"can_set_leadership"``, ``"can_import_members"``, ``"can_open_next_year"``).
    """
    terms = BlocTerm.objects.select_related("bloc__council")
    if request.user.is_authenticated:
        # Whether the reader is on this council's board, and on any board (the menu asks),
        # read with the term.
        officer = BoardOfficer.objects.filter(user=request.user)
        terms = terms.annotate(
            reader_on_board=Exists(officer.filter(council=OuterRef("bloc__council"))),
            reader_on_a_board=Exists(officer),
        )
    try:
        term = terms.get(bloc__code=bloc_code, year=year)
    except BlocTerm.DoesNotExist:
        raise Http404(_("Không tìm thấy năm thi đua này.")) from None
    if request.user.is_authenticated:
        request._on_a_board = term.reader_on_a_board
    access = term_access(request.user, term, request=request)
    if not access.can_read:
        raise Http404(_("Không tìm thấy năm thi đua này."))
    if write:
        right = "can_manage" if write is True else write
        if right not in DENIED:
            raise ValueError(f"Unknown right {right!r}")
        if not getattr(access, right):
            raise PermissionDenied(str(DENIED[right]))
    return term, access


def require(allowed: bool, message: str = "") -> None:
    """Refuse a write the reader may not make (403), after read access was established."""
    if not allowed:
        raise PermissionDenied(message or _("Bạn không có quyền thực hiện thao tác này."))


def get_bloc_for_user(request, bloc_code) -> Bloc:
    """Load a bloc the user may see, or 404."""
    try:
        return Bloc.objects.visible_to(request.user).select_related("council").get(code=bloc_code)
    except Bloc.DoesNotExist:
        raise Http404(_("Không tìm thấy khối thi đua này.")) from None


def board_councils(user):
    """The councils whose board the user belongs to (all of them for administrators)."""
    from blocs.models import Council

    if not user.is_authenticated:
        return Council.objects.none()
    if user.is_superuser:
        return Council.objects.all()
    return Council.objects.filter(board_officers__user=user)


def get_board_councils_for_user(request) -> list:
    """The councils of the user's board in Vietnamese order; a 404 for anyone outside every board."""
    from blocs.vnsort import vietnamese_sort_key

    councils = sorted(
        board_councils(request.user), key=lambda c: (vietnamese_sort_key(c.name), c.pk)
    )
    if not request.user.is_superuser:
        # These are the councils of the user's board rows: the menu need not ask again.
        request._board_council_ids = frozenset(c.pk for c in councils)
        request._on_a_board = bool(councils)
    if not councils:
        raise Http404(_("Trang này dành cho Ban Thi đua – Khen thưởng."))
    return councils


def get_board_council_for_user(request, council_id):
    """One council of the user's board (any for administrators); a 404 for anyone else."""
    council = board_councils(request.user).filter(pk=council_id).first()
    if council is None:
        raise Http404(_("Trang này dành cho Ban Thi đua – Khen thưởng."))
    return council


def get_notification_for_user(request, notification_id):
    """One of the user's own notifications; anybody else's is a 404."""
    from blocs.models import Notification

    try:
        return Notification.objects.get(pk=notification_id, user=request.user)
    except Notification.DoesNotExist:
        raise Http404(_("Không có thông báo này.")) from None
