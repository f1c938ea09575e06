"""The health check of persistent connections: no round trip, yet a connection the server has
ended is noticed before it is used."""

import time

import psycopg2
import pytest
from django.db import connection


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
