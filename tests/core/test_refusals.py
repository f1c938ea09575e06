"""A client that keeps asking after a 429 is refused again before Django, until its wait is over."""

from __future__ import annotations

import pytest

from core import refusals
from core.refusals import RefusalMemo
from tests.core import wsgi
from tests.core.wsgi import call


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Limited:
    """A WSGI app that refuses its first request to each path (``Retry-After: 60``)."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, environ, start_response):
        self.calls.append(environ["PATH_INFO"])
        if self.calls.count(environ["PATH_INFO"]) == 1:
            headers = [
                ("Content-Type", "application/json"),
                ("Retry-After", "60"),
                ("Set-Cookie", "csrftoken=abc"),
            ]
            start_response("429 Too Many Requests", headers)
            return [b'{"errors": ', b'{"detail": ["slow down"]}}']
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]


def environ(path: str = "/coverage/", address: str = "203.0.113.5", **extra) -> dict:
    return wsgi.environ(path, REMOTE_ADDR=address, **extra)


def test_a_refused_client_is_refused_again_without_reaching_the_application():
    inner, clock = Limited(), Clock()
    app = RefusalMemo(inner, clock=clock)
    first = call(app, environ())
    clock.now += 20
    status, headers, body = call(app, environ(QUERY_STRING="city=x"))
    assert inner.calls == ["/coverage/"]
    assert status == first[0] == "429 Too Many Requests"
    assert body == first[2] == b'{"errors": {"detail": ["slow down"]}}'
    assert headers["Retry-After"] == "41"  # counted down from 60
    assert headers["Content-Type"] == "application/json"
    assert "Set-Cookie" not in headers


def test_others_and_other_paths_still_reach_the_application_and_the_wait_ends():
    inner, clock = Limited(), Clock()
    app = RefusalMemo(inner, clock=clock)
    call(app, environ())
    assert call(app, environ(address="198.51.100.7"))[0] == "200 OK"
    assert call(app, environ(REQUEST_METHOD="HEAD"))[0] == "200 OK"
    call(app, environ("/api/v1/stations/export.geojson"))
    assert len(inner.calls) == 4
    clock.now += 60
    assert call(app, environ())[0] == "200 OK"
    assert len(inner.calls) == 5 and not app.refusals.get(("203.0.113.5", "GET", "/coverage/"))


def test_the_address_is_the_one_the_throttles_count(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    inner = Limited()
    app = RefusalMemo(inner, clock=Clock())
    via_proxy = {"HTTP_X_FORWARDED_FOR": "203.0.113.9", "address": "127.0.0.1"}
    call(app, environ(**via_proxy))
    assert call(app, environ(**via_proxy))[0].startswith("429")
    other = {"HTTP_X_FORWARDED_FOR": "203.0.113.10", "address": "127.0.0.1"}
    assert call(app, environ(**other))[0] == "200 OK"


def test_memory_is_bounded(monkeypatch):
    monkeypatch.setattr(refusals, "MAX_REMEMBERED", 3)
    inner, clock = Limited(), Clock()
    app = RefusalMemo(inner, clock=clock)
    for number in range(5):
        call(app, environ(f"/p{number}/"))
    assert len(app.refusals) == 3
    clock.now += 61  # all expired: dropped to make room
    call(app, environ("/p9/"))
    assert list(app.refusals) == [("203.0.113.5", "GET", "/p9/")]


@pytest.mark.django_db
def test_the_served_application_repeats_the_coverage_pages_429(served, settings):
    from config.wsgi import refusal_memo
    from core.throttles import CoveragePageThrottle

    settings.ALLOWED_HOSTS = ["*"]
    refusal_memo.refusals.clear()
    limit = CoveragePageThrottle().num_requests
    codes = [call(served, environ())[0][:3] for _ in range(limit + 1)]
    assert codes[limit] == "429" and set(codes[:limit]) == {"200"}
    assert ("203.0.113.5", "GET", "/coverage/") in refusal_memo.refusals
    status, headers, body = call(served, environ())
    assert status.startswith("429") and int(headers["Retry-After"]) > 0
    assert "Too many requests" in body.decode() or "请求过多" in body.decode()
