"""Shared fixtures: the personas of every access test, on one small bloc-year."""

import datetime
import os

import pytest
from hypothesis import settings as hypothesis_settings

from tests import factories

# Timing is never asserted: a slow machine must not fail a property test on its deadline.
hypothesis_settings.register_profile("khoithidua", deadline=None, print_blob=True)
hypothesis_settings.load_profile("khoithidua")

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def require_services() -> bool:
    """In CI (REQUIRE_SERVICES=1) a missing service fails a test instead of skipping it."""
    return os.environ.get("REQUIRE_SERVICES") == "1"


@pytest.fixture(autouse=True)
def _site_language():
    """Give every test the site's language back: a request with an English cookie activates
    English in the thread, and the next test would otherwise read English messages."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def council(db):
    return factories.CouncilFactory()


@pytest.fixture
def bloc_world(db, council):
    """A bloc with 6 members over two years; 2025 led by A (deputy B), 2026 by B (deputy C).

    Returns a namespace with the bloc, both terms, the agencies and one user per persona.
    """
    return factories.build_bloc_world(
        council=council, members=6, years=(2025, 2026), start=datetime.date(2025, 1, 1)
    )


@pytest.fixture
def term(bloc_world):
    return bloc_world.term


@pytest.fixture
def personas(bloc_world):
    """Users by persona name, for the access matrices (anonymous is ``None``)."""
    return bloc_world.personas


pytest_plugins = ["tests.browser"]
