"""The product speaks Chinese first and English second: which of the two a reader gets."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation.trans_real import (
    get_supported_language_variant,
    parse_accept_lang_header,
)

API_PREFIX = "/api/"


def is_english(language: str | None = None) -> bool:
    """Whether ``language`` (by default the active one) is English; any other reads Chinese."""
    return (language or get_language() or "").startswith("en")


def language_from_header(accept_language: str) -> str:
    """The first supported language an ``Accept-Language`` header lists (by its qualities), or
    the default (Chinese)."""
    for code, _quality in parse_accept_lang_header(accept_language):
        if code == "*":
            break
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


class ApiLocaleMiddleware(LocaleMiddleware):
    """Pages: Django's choice (the language cookie that the page's switch sets, then
    ``Accept-Language``). The API: ``Accept-Language`` only, so that a shared cache (a CDN, a
    proxy) keeps one copy per language with ``Vary: Accept-Language`` and never needs to vary
    on ``Cookie``, which differs for every client. The pages' scripts send their language in
    ``Accept-Language`` (maps/static/maps/js/common.js)."""

    def process_request(self, request: HttpRequest) -> None:
        if not request.path.startswith(API_PREFIX):
            super().process_request(request)
            return
        translation.activate(language_from_header(request.headers.get("Accept-Language", "")))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        """The API's answers say their language and that it came from ``Accept-Language``;
        Django's own steps for language-prefixed page URLs (none under /api/) cost ≈5% of a
        nearest request's CPU."""
        if not request.path.startswith(API_PREFIX):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
