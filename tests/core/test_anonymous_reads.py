"""Anonymous GETs of the API skip the session's middleware and get the same answers; anything
with credentials, any write and every page go the full way."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from core.anonymous_reads import AnonymousApiReads
from tests.core.wsgi import call, environ
from tests.stations.factories import StationFactory, manager_of

NEAREST = "/api/v1/stations/nearest/"
NEAREST_QUERY = "lat=22.54&lon=113.94&at=2026-12-02T12:00:00"


class Recording:
    """A WSGI app that only says it was called."""

    def __init__(self, name: str, calls: list[str]) -> None:
        self.name, self.calls = name, calls

    def __call__(self, environ, start_response):
        self.calls.append(self.name)
        start_response("204 No Content", [])
        return []


@pytest.fixture
def served(served):
    """The served application's anonymous-reads piece (config/wsgi.py)."""
    from config.wsgi import anonymous_reads

    return anonymous_reads


@pytest.mark.parametrize(
    ("path", "method", "extra", "lean"),
    [
        (NEAREST, "GET", {}, True),
        (NEAREST, "HEAD", {}, True),
        ("/api/v1/checkups/upcoming/", "GET", {"HTTP_COOKIE": "django_language=en"}, True),
        (NEAREST, "GET", {"HTTP_COOKIE": "yizhan_primary=1; csrftoken=x"}, True),
        (NEAREST, "GET", {"HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}=abc"}, False),
        (NEAREST, "GET", {"HTTP_AUTHORIZATION": "Token abc"}, False),
        ("/api/v1/checkups/events/1/bookings/", "POST", {}, False),
        ("/", "GET", {}, False),
        ("/api/docs/", "GET", {}, False),
    ],
)
def test_only_anonymous_api_reads_take_the_short_chain(path, method, extra, lean):
    calls: list[str] = []
    app = AnonymousApiReads(Recording("full", calls), Recording("lean", calls))
    call(app, environ(path, method, **extra))
    assert calls == ["lean" if lean else "full"]


def test_the_short_chain_has_no_csrf_check(served):
    view_layers = {
        handler: {type(method.__self__).__name__ for method in handler._view_middleware}
        for handler in (served.full, served.lean)
    }
    assert view_layers[served.full] == {"CsrfViewMiddleware"}
    assert view_layers[served.lean] == set()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "query", "status"),
    [
        (NEAREST, NEAREST_QUERY, "200 OK"),
        (NEAREST, "lat=north&lon=113.94", "400 Bad Request"),
        ("/api/v1/no-such-thing/", "", "404 Not Found"),
    ],
)
def test_an_anonymous_read_gets_the_same_answer_either_way(served, path, query, status):
    StationFactory(code="SZ-1")
    values = dict(QUERY_STRING=query, HTTP_ACCEPT_ENCODING="gzip", HTTP_ACCEPT_LANGUAGE="en")
    short = call(served, environ(path, **values))
    full = call(served.full, environ(path, **values))
    assert short[0] == status
    assert short == full
    assert short[1]["Content-Language"] == "en"


@pytest.mark.django_db
def test_an_anonymous_read_of_a_staff_endpoint_is_refused_not_broken(served):
    status, headers, _ = call(served, environ("/api/v1/stations/stale/"))
    assert status == "401 Unauthorized"
    assert headers["WWW-Authenticate"].startswith("Token")


@pytest.mark.django_db
def test_a_logged_in_manager_is_known_through_the_session(served):
    manager = manager_of(StationFactory(code="SZ-1"))
    client = Client()
    client.force_login(manager)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    cookie = f"{settings.SESSION_COOKIE_NAME}={session}"
    status, _, body = call(served, environ("/api/v1/stations/stale/", HTTP_COOKIE=cookie))
    assert status == "200 OK"
    assert b"SZ-1" in body
