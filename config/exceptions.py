"""Every API error has one shape: {"errors": {field: [messages]}} (field "detail" when the error
is about the request as a whole), in the language the client asked for."""

from typing import Any

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


def _as_lists(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {
            ("detail" if field == "non_field_errors" else field): (
                [str(m) for m in messages] if isinstance(messages, list) else [str(messages)]
            )
            for field, messages in detail.items()
        }
    if isinstance(detail, list):
        return {"detail": [str(m) for m in detail]}
    return {"detail": [str(detail)]}


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, Refused):
        return Response({"errors": {"detail": [exc.message]}}, status=exc.status)
    response = exception_handler(exc, context)
    if response is None:
        return None
    response.data = {"errors": _as_lists(response.data)}
    return response
