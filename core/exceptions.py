"""Every API error has one shape: {"errors": {field: [messages]}} (field "detail" when the error
is about the request as a whole), in the language the client asked for."""

from typing import Any

from django.core.exceptions import ValidationError as ModelValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler


class Refused(Exception):
    """A write that a business rule refuses (an event is full, a van is elsewhere…). Raised by
    service functions, which know nothing of HTTP but the status that fits (409 by default);
    the API answers it in the one error shape."""

    def __init__(self, message: str, *, status: int = 409) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.extra: dict[str, Any] = {}
        """More top-level members of the error body (e.g. the current version)."""
        self.headers: dict[str, str] = {}


def _flatten(detail: Any, path: str, out: dict[str, list[str]]) -> None:
    """Nested serializer errors become one entry per field, named by its path
    (``opening_hours.weekly[1].closes``); a serializer's own errors are its path's."""
    if isinstance(detail, dict):
        for field, value in detail.items():
            if isinstance(field, int):
                # An item of a list: a nested object's fields are named by index; a plain
                # value's messages are the list's own (``?kind=`` repeated).
                name = f"{path}[{field}]" if isinstance(value, dict) else path
            elif field in ("non_field_errors", "__all__"):
                name = path
            else:
                name = f"{path}.{field}" if path else field
            _flatten(value, name, out)
    elif isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        for index, item in enumerate(detail):
            if item:
                _flatten(item, f"{path}[{index}]", out)
    else:
        messages = detail if isinstance(detail, list) else [detail]
        out.setdefault(path or "detail", []).extend(str(m) for m in messages)


def _as_lists(detail: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    _flatten(detail, "", out)
    return out


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, Refused):
        body = {"errors": {"detail": [exc.message]}} | exc.extra
        return Response(body, status=exc.status, headers=exc.headers)
    if isinstance(exc, ModelValidationError):  # a model's full_clean, behind the API's checks
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return Response({"errors": _as_lists(detail)}, status=400)
    response = exception_handler(exc, context)
    if response is None:
        return None
    response.data = {"errors": _as_lists(response.data)}
    return response
