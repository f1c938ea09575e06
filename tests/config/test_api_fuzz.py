"""Schemathesis against the served OpenAPI schema, for every operation, anonymously and with a
token of each role, with valid and invalid data: no server error, and every response true to
the schema (status codes, content types, bodies). A stateful phase then chains calls through
the links schemathesis infers from the schema (create a van, read it, change it, delete it;
create an event, book it, cancel the booking…), so requests reach real rows, not only 404s.

One check is left out: ``positive_data_acceptance`` expects every schema-valid request to
succeed, but codes from the catalogues (amenities, check-up kinds, occupations, cities) are
data, not enums in the schema; an unknown one is rightly a 400 naming it."""

import gzip

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from hypothesis.errors import FlakyStrategyDefinition
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import positive_data_acceptance

from services.benefits.services import benefit_schemes_load
from tests.services.factories import CheckupEventFactory, VanFactory
from tests.stations.factories import StationFactory, UserFactory, manager_of


def as_clients_see_it(application):
    """The WSGI application with gzip undone, as an HTTP client undoes it (schemathesis's WSGI
    transport asks for gzip, as requests does, but hands the checks the bytes as sent)."""

    def decoded(environ, start_response):
        answer = {}

        def keep(status, headers, exc_info=None):
            answer.update(status=status, headers=headers)

        result = application(environ, keep)
        try:
            body = b"".join(result)
        finally:
            getattr(result, "close", lambda: None)()
        headers = answer["headers"]
        if ("Content-Encoding", "gzip") in headers:
            body = gzip.decompress(body)
            headers = [
                (name, str(len(body)) if name == "Content-Length" else value)
                for name, value in headers
                if name != "Content-Encoding"
            ]
        start_response(answer["status"], headers)
        return [body]

    return decoded


schema = schemathesis.openapi.from_wsgi("/api/schema/", as_clients_see_it(get_wsgi_application()))
# Valid and invalid data; no made-up extra parameters (unknown query parameters are ignored,
# as HTTP APIs commonly do).
schema.config.generation.update(
    modes=["positive", "negative"], max_examples=3, allow_extra_parameters=False
)
# What each role can reach beyond the public API (administrators: everything, briefly).
STATEFUL_SEQUENCES = 15
ROLE_PATHS = {
    "station_manager": r"^/api/v1/stations/",
    "organiser": r"^/api/v1/(organisers|planning|jobs)/",
}


@pytest.fixture(autouse=True)
def one_connection_per_test():
    """Schemathesis calls the WSGI application as a server would, and a server's request
    signals close a connection found inside a transaction: keep the test's (as Django's test
    client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def credentials(role):
    if role is None:
        return {}
    is_manager = role == "station_manager"
    user = manager_of(StationFactory()) if is_manager else UserFactory(roles=[role])
    token, _ = Token.objects.get_or_create(user=user)
    return {"Authorization": f"Token {token.key}"}


def every_operation_as(role, max_examples=3):
    operations = schema.include(path_regex=ROLE_PATHS[role]) if role in ROLE_PATHS else schema

    @operations.parametrize()
    @settings(deadline=None, suppress_health_check=list(HealthCheck), max_examples=max_examples)
    @pytest.mark.django_db
    def fuzz(case):
        case.call_and_validate(
            headers=credentials(role), excluded_checks=[positive_data_acceptance]
        )

    return fuzz


test_anonymous = every_operation_as(None)
test_station_manager = every_operation_as("station_manager")
test_organiser = every_operation_as("organiser")
test_administrator = every_operation_as("administrator", max_examples=1)


def schema_as(role):
    """The schema for call sequences: valid data only (the phase above sends invalid data to
    every operation; in a sequence, drawing an invalid value of a type other than the one a
    previous step drew makes Hypothesis refuse the run as inconsistent), with a token of
    ``role`` as configured, not generated, auth."""
    role_schema = schemathesis.openapi.from_wsgi(
        "/api/schema/", as_clients_see_it(get_wsgi_application())
    )
    role_schema.config.generation.update(modes=["positive"])
    if role is None:
        return role_schema
    authorization = credentials(role)["Authorization"]

    @role_schema.auth()
    class RoleToken:
        def get(self, case, context):
            return authorization

        def set(self, case, data, context):
            case.headers = {**(case.headers or {}), "Authorization": data}

    return role_schema


@pytest.mark.django_db
@pytest.mark.parametrize("role", [None, "organiser", "administrator"])
def test_call_sequences(role):
    """Chains of calls through the schema's links (tests/config/test_schema_links.py shows
    they lead to rows), starting from rows that exist: schemes, vans and upcoming events."""
    benefit_schemes_load()
    VanFactory.create_batch(2)
    CheckupEventFactory.create_batch(2)

    class Workflow(schema_as(role).as_state_machine()):
        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(
                response, excluded_checks=[positive_data_acceptance], transport_kwargs=kwargs
            )

    run_settings = settings(
        max_examples=STATEFUL_SEQUENCES,
        stateful_step_count=6,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.generate],
    )
    # Schemathesis draws a step's data from earlier answers, and Hypothesis now and then refuses
    # such a run as inconsistent (FlakyStrategyDefinition, about one run in eight here): that is
    # the tool's, not the API's, so the sequences are drawn afresh, up to three times. A failure
    # of the API (a check failing) is never retried.
    for attempt in range(3):
        try:
            Workflow.run(settings=run_settings)
            break
        except FlakyStrategyDefinition:
            if attempt == 2:
                raise
