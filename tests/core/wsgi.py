"""Calling a WSGI application as the server does, for the tests of yizhan's WSGI wrappers."""

from __future__ import annotations

from collections.abc import Callable
from wsgiref.util import setup_testing_defaults


def environ(path: str, method: str = "GET", **extra: str) -> dict:
    """A request's WSGI environ; ``extra``: CGI variables (QUERY_STRING, HTTP_COOKIE…)."""
    values = {"PATH_INFO": path, "REQUEST_METHOD": method, **extra}
    setup_testing_defaults(values)
    return values


def call(app: Callable, values: dict) -> tuple[str, dict[str, str], bytes]:
    """Status, headers and body of the answer, its iterable closed as a server closes it."""
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer.update(status=status, headers=dict(headers))

    body = app(values, start_response)
    try:
        return answer["status"], answer["headers"], b"".join(body)
    finally:
        getattr(body, "close", lambda: None)()
