"""Cross-check assignment rules as pure functions over agency ids: no ORM inside.

An agency never reviews itself; each agency is reviewed by at most one agency; no two agencies
review each other in the same period unless the bloc has fewer than 4 members (with 2 or 3
members a fair rotation cannot always avoid it). The leader and the deputy are members like any
other and may review.
"""

from django.utils.translation import gettext as _

RECIPROCAL_MIN_MEMBERS = 4


def check_assignment(member_ids, pairs, *, names=None) -> list[str]:
    """Return the Vietnamese messages of every rule ``pairs`` breaks (empty when valid).

    ``member_ids`` are the current members of the term; ``pairs`` are (reviewer, reviewed).
    """
    names = names or {}
    members = set(member_ids)

    def name(agency_id):
        return str(names.get(agency_id, agency_id))

    errors = []
    reviewed_seen = {}
    for reviewer, reviewed in pairs:
        if reviewer not in members or reviewed not in members:
            errors.append(_("Chỉ phân công giữa các đơn vị thành viên của khối."))
            continue
        if reviewer == reviewed:
            errors.append(
                _("%(agency)s không được tự chấm chéo chính mình.") % {"agency": name(reviewer)}
            )
            continue
        if reviewed in reviewed_seen:
            errors.append(
                _("%(agency)s đã được phân công cho %(other)s; mỗi đơn vị chỉ do một đơn vị chấm.")
                % {"agency": name(reviewed), "other": name(reviewed_seen[reviewed])}
            )
            continue
        reviewed_seen[reviewed] = reviewer
    if len(members) >= RECIPROCAL_MIN_MEMBERS:
        reported = set()
        for reviewed, reviewer in reviewed_seen.items():
            if reviewed_seen.get(reviewer) == reviewed and frozenset((reviewer, reviewed)) not in (
                reported
            ):
                reported.add(frozenset((reviewer, reviewed)))
                errors.append(
                    _(
                        "%(a)s và %(b)s không được chấm chéo lẫn nhau trong cùng một kỳ "
                        "(khối có từ %(min)s thành viên trở lên)."
                    )
                    % {"a": name(reviewer), "b": name(reviewed), "min": RECIPROCAL_MIN_MEMBERS}
                )
    return errors


def rotation(member_ids, *, shift=1) -> list[tuple]:
    """A balanced assignment: the i-th member reviews the (i + shift)-th, wrapping around.

    Every member reviews exactly one and is reviewed by exactly one. A shift is reciprocal only
    when twice the shift is a multiple of the member count, so a shift of 1 avoids reciprocity
    for any bloc of 3 or more members; a shift that would be reciprocal (or 0) is moved on.
    """
    ids = list(member_ids)
    n = len(ids)
    if n < 2:
        return []
    shift %= n
    if n >= RECIPROCAL_MIN_MEMBERS:
        while shift == 0 or (2 * shift) % n == 0:
            shift = (shift + 1) % n
    elif shift == 0:
        shift = 1
    return [(ids[i], ids[(i + shift) % n]) for i in range(n)]
