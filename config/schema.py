"""The OpenAPI schema says what can really come back: every operation documents the error
answers that any yizhan endpoint can give, in the one error shape (an operation's own
descriptions of them are kept)."""

from __future__ import annotations

from typing import Any

ERROR_SHAPE = {
    "type": "object",
    "properties": {
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        }
    },
    "required": ["errors"],
}
EVERY_OPERATION = {
    "400": "Invalid parameter, named in errors.",
    "401": "Not logged in (operations that need a login).",
    "403": "Not allowed for this user.",
    "404": "No such thing (or a path that matches nothing).",
    "405": "Method not allowed.",
    "429": "Too many requests: Retry-After says when to try again.",
    "503": "The database is briefly unreachable: Retry-After says when to try again.",
}
WRITES = {
    "409": "Refused by a rule, with the reason.",
    "415": "The body is not application/json.",
}
WRITE_METHODS = {"post", "put", "patch", "delete"}


def add_error_responses(result: dict[str, Any], **_: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook."""
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            errors = EVERY_OPERATION | (WRITES if method in WRITE_METHODS else {})
            for status, description in errors.items():
                response = operation["responses"].setdefault(status, {"description": description})
                response["content"] = {"application/json": {"schema": ERROR_SHAPE}}
    return result
