"""Refusing a flood for the price of a socket.

A rate-limited client that keeps asking is refused through the whole stack each time (session,
locale, URL resolution, throttle, error rendering): about 0.5 ms of a sync worker per refusal,
so two clients looping on a refused URL took half of the server from everyone else. This WSGI
wrapper remembers each 429 answered with ``Retry-After`` for that client, method and path, and
answers the same refusal again, before Django, until the wait is over. The rate limits
themselves stay where they are (DRF throttles and ``core.throttles``); this only makes
repeating their answer cheap.

Memory per worker process: at most ``MAX_REMEMBERED`` refusals; beyond that, expired ones are
dropped and new ones are not remembered (they are still refused, the slow way)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import SimpleNamespace

from django.http.request import HttpHeaders
from rest_framework.throttling import BaseThrottle

MAX_REMEMBERED = 10_000
# Headers of the first refusal that are not repeated: the wait is counted down; cookies belong
# to the answer they came with.
PER_ANSWER = {"retry-after", "set-cookie"}

WsgiApp = Callable[[dict, Callable], Iterable[bytes]]
RefusalKey = tuple[str, str, str]


@dataclass(frozen=True)
class Refusal:
    until: float
    status: str
    headers: list[tuple[str, str]]
    body: bytes


def client_address(environ: dict) -> str:
    """The client address as the throttles count it (``YIZHAN_TRUSTED_PROXIES`` included)."""
    return BaseThrottle().get_ident(SimpleNamespace(META=environ, headers=HttpHeaders(environ)))


def refusal_key(environ: dict) -> RefusalKey:
    return (client_address(environ), environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""))


class RefusalMemo:
    """WSGI middleware: repeat a remembered 429 until its ``Retry-After`` has passed."""

    def __init__(self, application: WsgiApp, clock: Callable[[], float] = time.monotonic) -> None:
        self.application = application
        self.clock = clock
        self.refusals: dict[RefusalKey, Refusal] = {}

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if self.refusals:  # most of the time there is none: nothing to look up
            key = refusal_key(environ)
            refusal = self.refusals.get(key)
            if refusal is not None:
                left = refusal.until - self.clock()
                if left > 0:
                    headers = [*refusal.headers, ("Retry-After", str(int(left) + 1))]
                    start_response(refusal.status, headers)
                    return [refusal.body]
                del self.refusals[key]

        answer: dict[str, object] = {}

        def remember_start(status: str, headers: list[tuple[str, str]], exc_info=None):
            answer.update(status=status, headers=headers)
            return start_response(status, headers, exc_info)

        body = self.application(environ, remember_start)
        if not str(answer.get("status", "")).startswith("429"):
            return body
        return [self._remember(refusal_key(environ), answer["status"], answer["headers"], body)]

    def _remember(
        self, key: RefusalKey, status: str, headers: list[tuple[str, str]], body: Iterable[bytes]
    ) -> bytes:
        try:
            content = b"".join(body)
        finally:
            getattr(body, "close", lambda: None)()
        wait = dict((name.lower(), value) for name, value in headers).get("retry-after", "")
        if wait.isdigit() and self._room():
            kept = [(name, value) for name, value in headers if name.lower() not in PER_ANSWER]
            self.refusals[key] = Refusal(self.clock() + int(wait), status, kept, content)
        return content

    def _room(self) -> bool:
        if len(self.refusals) < MAX_REMEMBERED:
            return True
        now = self.clock()
        for key in [key for key, refusal in self.refusals.items() if refusal.until <= now]:
            del self.refusals[key]
        return len(self.refusals) < MAX_REMEMBERED
