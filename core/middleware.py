"""What a request gets when the database cannot answer it.

- The database is unreachable (down, restarting, out of connections): 503 with ``Retry-After``,
  in the API's error shape under ``/api/`` and as a short page elsewhere. The log says so once
  per interval with the count of refused requests, instead of a traceback per request (a busy
  server wrote ≈39,000 lines a second). Recovery needs nothing: the next request reconnects.
- Two transactions waited for each other (deadlock) or could not be serialised: 409, "try
  again", never a 500. yizhan's writes lock in a fixed order, so this is a last resort.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

logger = logging.getLogger("yizhan.database")

RETRY_AFTER_SECONDS = 5
LOG_INTERVAL_SECONDS = 60.0
# SQLSTATE of a transaction that lost to another: serialization_failure, deadlock_detected.
CONFLICT_STATES = {"40001", "40P01"}


class _OutageLog:
    """One warning per interval, with how many requests were refused since the last one."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.lock = threading.Lock()
        self.last_logged = -float("inf")
        self.refused = 0

    def refused_request(self, error: Exception) -> None:
        with self.lock:
            self.refused += 1
            now = time.monotonic()
            if now - self.last_logged < self.interval:
                return
            count, self.refused, self.last_logged = self.refused, 0, now
        logger.warning(
            "Database unreachable; %d request(s) answered 503 since the last report: %s",
            count,
            str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__,
        )


outage_log = _OutageLog(LOG_INTERVAL_SECONDS)


# No template, no database, no static file: this page must render whatever is down.
PAGE = (
    '<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>驿站 yizhan</title></head>"
    '<body style="font-family:sans-serif;margin:2rem"><h1>驿站 yizhan</h1><p>{message}</p>'
    "</body></html>"
)


def _sqlstate(error: DatabaseError) -> str | None:
    return getattr(error.__cause__, "pgcode", None)


def _answer(request: HttpRequest, status: int, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"errors": {"detail": [message]}},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = HttpResponse(PAGE.format(language=get_language(), message=escape(message)))
        response.status_code = status
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response._has_been_logged = True  # said once per interval above, not once per request
    return response


class DatabaseFaultMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        if _sqlstate(exception) in CONFLICT_STATES:
            response = _answer(
                request, 409, _("Someone else changed this at the same moment: try again.")
            )
            response._has_been_logged = False
            return response
        if _sqlstate(exception) is not None:  # the server answered: a real error, not an outage
            return None
        outage_log.refused_request(exception)
        return _answer(
            request,
            503,
            _("The service is briefly unavailable. Please try again in a few seconds."),
        )
