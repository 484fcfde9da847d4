"""The rotation of the bloc's lead, as a pure rule over agency ids."""


def _next_in_rotation(rotation, after, eligible, exclude=()):
    """Return the first eligible agency following ``after`` in the circular rotation."""
    if not rotation:
        return None
    start = rotation.index(after) + 1 if after in rotation else 0
    for step in range(len(rotation)):
        candidate = rotation[(start + step) % len(rotation)]
        if candidate in eligible and candidate not in exclude:
            return candidate
    return None


def propose_leadership(*, rotation, members, leader, deputy, election=None):
    """Propose next year's (leader, deputy) and say where the proposal comes from.

    ``election`` is the (leader, deputy) pair voted at this year's year-end meeting; it wins
    whenever both are still members. Otherwise this year's deputy leads and the next member in
    the rotation after the new leader becomes deputy.
    Returns ``(leader, deputy, source)`` with source ``"election"`` or ``"rotation"``.
    """
    members = set(members)
    if election and election[0] in members and election[1] in members:
        return election[0], election[1], "election"
    order = list(rotation) + sorted(m for m in members if m not in rotation)
    if deputy in members:
        new_leader = deputy
    else:
        new_leader = _next_in_rotation(order, leader, members, exclude={leader})
        if new_leader is None:
            new_leader = leader if leader in members else None
    new_deputy = _next_in_rotation(order, new_leader, members, exclude={new_leader})
    return new_leader, new_deputy, "rotation"
