"""Users, councils, agencies, blocs, terms, memberships and roles, one module per sub-domain."""

from blocs.models.notifications import *  # noqa: F401,F403
from blocs.models.organisations import *  # noqa: F401,F403
from blocs.models.people import *  # noqa: F401,F403
from blocs.models.terms import *  # noqa: F401,F403
