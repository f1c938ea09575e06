import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections


@pytest.fixture
def served():
    """The production WSGI application, called as the server calls it (the test keeps its
    database connection, as Django's test client does)."""
    from config.wsgi import application

    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield application
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)
