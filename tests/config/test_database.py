"""The health check of persistent connections: no round trip, yet a connection the server has
ended is noticed before it is used."""

import logging
import socket
import time

import psycopg2
import pytest
from django.db import connection
from django.test import Client


def wait_until(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_connection_the_server_ended_is_unusable_and_replaced():
    connection.ensure_connection()
    assert connection.is_usable()
    pid = connection.connection.get_backend_pid()
    other = psycopg2.connect(**connection.get_connection_params())
    try:
        other.cursor().execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    assert wait_until(lambda: not connection.is_usable())
    connection.close_if_unusable_or_obsolete()  # what Django does between requests
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


class Silent:
    """A database connection that must not be asked anything (it has the socket only)."""

    def __init__(self, real):
        self.real = real
        self.closed = real.closed

    def fileno(self):
        return self.real.fileno()

    def cursor(self, *args, **kwargs):
        raise AssertionError("the health check asked the server")


@pytest.mark.django_db
def test_an_idle_open_connection_is_usable_without_asking_the_server():
    connection.ensure_connection()
    real = connection.connection
    connection.connection = Silent(real)
    try:
        assert connection.is_usable()
    finally:
        connection.connection = real


@pytest.fixture
def database_down():
    """The database unreachable for this process: its connection pointed at a port where
    nothing listens (then put back, and the next request reconnects by itself)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    real_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = closed_port

    def back_up() -> None:
        connection.settings_dict["PORT"] = real_port

    yield back_up
    back_up()
    connection.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_the_database_down_the_api_says_503_and_the_log_says_so_once(database_down, caplog):
    from core.middleware import outage_log

    outage_log.last_logged = -float("inf")
    caplog.set_level(logging.INFO)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(30):
        response = client.get("/api/v1/stations/nearest/", {"lat": 22.5, "lon": 114.0})
        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        assert response.json()["errors"]["detail"][0].startswith("The service is briefly")
    page = client.get("/stations/SZ-1/")
    assert page.status_code == 503 and page["Content-Type"].startswith("text/html")
    assert b"briefly unavailable" in page.content
    reports = [r for r in caplog.records if r.name == "yizhan.database"]
    assert len(reports) == 1 and "Database unreachable" in reports[0].getMessage()
    assert not [r for r in caplog.records if r.exc_info]  # no traceback per request
    assert not [r for r in caplog.records if r.name == "django.request"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_service_recovers_by_itself_when_the_database_is_back(database_down):
    client = Client()
    assert client.get("/api/v1/amenities/").status_code == 503
    database_down()  # the server is back
    started = time.monotonic()
    assert client.get("/api/v1/amenities/").status_code == 200
    assert time.monotonic() - started < 0.7
