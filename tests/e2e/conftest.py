"""Browser tests: Debian's Chromium driven by Playwright against Django's live server. Every
request that leaves the live server is aborted and recorded (map tiles are the user's browser's
business; anything else would be a CDN the page must not need)."""

import os
import threading
import time
from urllib.parse import urlsplit

import pytest
from django.db import connections
from playwright.sync_api import sync_playwright

from tests.conftest import demo_restore

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the tests make
# around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def share_serialized_rollback_data() -> None:
    """Playwright's sync API runs an event loop in the tests' thread, and from then on Django
    hands out new connection objects (asgiref keeps them per async context). The data that
    ``serialized_rollback`` restores after each transactional test (the catalogues seeded by
    migrations) was kept on the original objects: make it visible from the new ones too."""
    for connection in connections.all():
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents is not None:
            type(connection)._test_serialized_contents = contents


@pytest.fixture(scope="session")
def browser(django_db_setup):
    share_serialized_rollback_data()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class RequestsInFlight:
    """Counts the live server's request threads, so that a test ends only after the server has
    answered everything its pages asked (a request the browser gave up on keeps running on the
    server, and its locks would deadlock the flush between transactional tests)."""

    def __init__(self, server) -> None:
        self.count = 0
        self.changed = threading.Condition()
        handle = server.process_request_thread

        def counted(request, client_address):
            with self.changed:
                self.count += 1
            try:
                handle(request, client_address)
            finally:
                with self.changed:
                    self.count -= 1
                    self.changed.notify_all()

        server.process_request_thread = counted  # ThreadingMixIn looks it up per request

    def wait_until_idle(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        with self.changed:
            while self.count and time.monotonic() < deadline:
                self.changed.wait(deadline - time.monotonic())


@pytest.fixture(scope="session")
def requests_in_flight(live_server):
    return RequestsInFlight(live_server.thread.httpd)


@pytest.fixture
def demo(transactional_db, demo_snapshot):
    """The demo stations, committed so that the live server sees them."""
    demo_restore()


@pytest.fixture
def outside_requests():
    return []


@pytest.fixture
def open_page(browser, live_server, requests_in_flight, outside_requests):
    """``open_page(path, language=…, width=…, geolocation=…, init_script=…, service_workers=…)``:
    a fresh phone-sized page at ``path`` ("block" keeps the page's requests where ``route``
    sees them: a service worker's requests bypass it)."""
    contexts = []
    own_host = urlsplit(live_server.url).netloc

    def route(handled):
        if urlsplit(handled.request.url).netloc == own_host:
            handled.continue_()
        else:
            outside_requests.append(handled.request.url)
            handled.abort()

    def opened(
        path: str,
        *,
        language: str = "zh-CN",
        width: int = 360,
        geolocation=None,
        init_script: str | None = None,
        service_workers: str = "allow",
        bypass_csp: bool = False,
    ):
        context = browser.new_context(
            locale=language,
            extra_http_headers={"Accept-Language": language},
            viewport={"width": width, "height": 780},
            has_touch=True,
            geolocation=geolocation,
            permissions=["geolocation"] if geolocation else [],
            service_workers=service_workers,
            bypass_csp=bypass_csp,  # only to inject a test tool (axe) into the page
        )
        contexts.append(context)
        if init_script:  # runs in every page before the page's own scripts
            context.add_init_script(init_script)
        page = context.new_page()
        page.console_errors = []
        page.on("pageerror", lambda error: page.console_errors.append(str(error)))
        page.on(
            "console",
            lambda message: (
                message.type == "error"
                and "ERR_FAILED" not in message.text  # the tile requests the tests abort
                and page.console_errors.append(message.text)
            ),
        )
        page.route("**/*", route)
        page.goto(live_server.url + path)
        return page

    yield opened
    for context in contexts:
        context.close()
    requests_in_flight.wait_until_idle()
