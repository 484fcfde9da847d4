"""Schemathesis over the whole schema: no server error, and every answer as the schema says.

Run by plain pytest (so by ``make test``), against the app itself through WSGI, on the small
year of ``api_world`` under the bloc code and year the schema gives as examples. Once with the
token of an administrator, who sees every object, and once without any credentials. Few
examples per operation, derandomized, so the run stays short and the same every time.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import reverse
from hypothesis import HealthCheck, settings

pytestmark = pytest.mark.django_db

EXAMPLE_BLOC = "khoi-dang"
EXAMPLE_YEAR = 2026


@pytest.fixture
def example_world(api_world):
    """``api_world`` under the example bloc code, so that the examples phase finds real data."""
    bloc = api_world.term.bloc
    assert api_world.term.year == EXAMPLE_YEAR
    bloc.code = EXAMPLE_BLOC
    bloc.save(update_fields=["code"])
    return api_world


HANDLER = get_wsgi_application()


def app(environ, start_response):
    """The site's WSGI application, keeping the test's database connection open across requests.

    A WSGI server closes old connections when a request starts and when its response is closed;
    on PostgreSQL that would end the transaction the test's data lives in. Django's test client
    leaves them open in the same way.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = HANDLER(environ, start_response)
        body = b"".join(response)
        response.close()
        return [body]
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# Loaded when the module is collected: generating the schema reads no table.
schema = schemathesis.openapi.from_wsgi(reverse("api:schema"), app)

FUZZ = settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@schema.parametrize()
@FUZZ
def test_the_api_conforms_to_its_schema_for_a_reader(case, example_world, users, token_for):
    key = token_for(users["admin"])
    case.call_and_validate(headers={"Authorization": f"Token {key}"})


@schema.parametrize()
@FUZZ
def test_the_api_conforms_to_its_schema_for_an_anonymous_visitor(case, example_world):
    case.call_and_validate()
