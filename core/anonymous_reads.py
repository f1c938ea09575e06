"""Anonymous reads of the API through a shorter middleware chain.

Most requests are a worker's app or page asking what is near: GET under ``/api/v1/``, nobody
logged in. For them the session, CSRF, authentication and messages middleware
(``YIZHAN_SESSION_MIDDLEWARE``) change nothing: there is no session to load, a safe method
needs no CSRF check, the public API authenticates through DRF (``core.api``) and shows no
messages. Their layers still cost ≈7% of a nearest request's CPU (bench, 1M stations). This
WSGI app sends such requests through a Django handler built without those layers and every
other request (a write, a page, a session cookie, an ``Authorization`` header) through the
full one; the answers are the same (tests/core/test_anonymous_reads.py).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler

from core.refusals import WsgiApp

API_V1_PREFIX = "/api/v1/"  # not the docs and schema under /api/: pages, with the full chain


def handler_without(skipped: Collection[str]) -> WSGIHandler:
    """A Django WSGI handler whose middleware chain is ``MIDDLEWARE`` less ``skipped``.
    Django builds the chain from the setting when the handler is made, and only then."""
    full_chain = settings.MIDDLEWARE
    settings.MIDDLEWARE = [path for path in full_chain if path not in skipped]
    try:
        return WSGIHandler()
    finally:
        settings.MIDDLEWARE = full_chain


class AnonymousApiReads:
    def __init__(self, full: WsgiApp, lean: WsgiApp | None = None) -> None:
        self.full = full
        self.lean = lean or handler_without(settings.YIZHAN_SESSION_MIDDLEWARE)
        self.session_cookie = f"{settings.SESSION_COOKIE_NAME}="

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        handler = self.lean if self.is_anonymous_read(environ) else self.full
        return handler(environ, start_response)

    def is_anonymous_read(self, environ: dict) -> bool:
        """A GET or HEAD of the API with no credentials. Another cookie whose name ends like
        the session's sends the request the full way, which is always right."""
        return (
            environ.get("REQUEST_METHOD") in ("GET", "HEAD")
            and environ.get("PATH_INFO", "").startswith(API_V1_PREFIX)
            and "HTTP_AUTHORIZATION" not in environ
            and self.session_cookie not in environ.get("HTTP_COOKIE", "")
        )
