"""Writes that touch several rows of the blocs app, one module per sub-domain."""

from blocs.services.agencies import *  # noqa: F401,F403
from blocs.services.leadership import *  # noqa: F401,F403
from blocs.services.members import *  # noqa: F401,F403
from blocs.services.terms import *  # noqa: F401,F403
