"""Error pages: under /api/ an error is JSON in the API's one shape, never an HTML page (a URL
that matches no route, such as /api/v1/checkups/abc/, is a 404 there too)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


def _api_error(status: int, message: str) -> JsonResponse:
    return JsonResponse(
        {"errors": {"detail": [message]}}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return _api_error(404, _("Not found."))
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return _api_error(500, _("Something went wrong on our side; it is logged."))
    return defaults.server_error(request)
