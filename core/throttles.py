"""Rate limits. Counted per client address (the socket's, or the one our own proxies report:
``YIZHAN_TRUSTED_PROXIES``), logged in or not, in the cache (``CACHE_URL``); rates are the
REST_FRAMEWORK throttle rates of the settings."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from rest_framework.throttling import SimpleRateThrottle


class AddressThrottle(SimpleRateThrottle):
    """Requests of one ``scope`` per client address."""

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class CoveragePageThrottle(AddressThrottle):
    """Coverage maps per client address (``YIZHAN_COVERAGE_RATE``, 120 an hour)."""

    scope = "coverage"


def throttled(
    *throttle_classes: type[SimpleRateThrottle],
    methods: tuple[str, ...] = ("GET", "POST"),
    message: str = "",
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A plain Django view under DRF throttles: a request over any rate gets 429 with the
    seconds to wait (``Retry-After``)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method in methods:
                for throttle in (throttle_class() for throttle_class in throttle_classes):
                    if not throttle.allow_request(request, None):
                        wait = int(throttle.wait() or 60) + 1
                        text = message or _("Too many requests: try again in %(seconds)s seconds.")
                        response = HttpResponse(text % {"seconds": wait}, status=429)
                        response["Retry-After"] = str(wait)
                        return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
