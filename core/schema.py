"""The OpenAPI schema says what can really come back: every operation documents the error
answers that any yizhan endpoint can give, in the one error shape (an operation's own
descriptions of them are kept). It also says how answers lead on (OpenAPI links): from a list
to one of its items, from a booking to its cancellation, from a started job to its state."""

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

EVENT = "/api/v1/checkups/{event_id}/"
BOOKINGS = "/api/v1/checkups/{event_id}/bookings/"
FIRST_EVENT = {"event_id": "$response.body#/features/0/id"}
# (path, method, status) of an answer → {link name: (path, method, parameters of the target)}
LINKS: dict[tuple[str, str, str], dict[str, tuple[str, str, dict[str, str]]]] = {
    ("/api/v1/benefits/schemes/", "get", "200"): {
        "FirstScheme": (
            "/api/v1/benefits/schemes/{scheme_id}/",
            "get",
            {"scheme_id": "$response.body#/results/0/id"},
        ),
    },
    ("/api/v1/checkups/upcoming/", "get", "200"): {
        "NearestEvent": (EVENT, "get", FIRST_EVENT),
        "BookNearestEvent": (BOOKINGS, "post", FIRST_EVENT),
    },
    (BOOKINGS, "post", "201"): {
        "CancelBooking": (
            BOOKINGS + "{reference}/",
            "delete",
            {"event_id": "$request.path.event_id", "reference": "$response.body#/reference"},
        ),
    },
    ("/api/v1/planning/van-tours/", "post", "202"): {
        "PlanningJob": ("/api/v1/jobs/{job_id}/", "get", {"job_id": "$response.body#/id"}),
    },
}


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


def _operation_ref(path: str, method: str) -> str:
    return "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method


def add_links(result: dict[str, Any], **_: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the :data:`LINKS` of the operations present."""
    paths = result.get("paths", {})
    for (path, method, status), links in LINKS.items():
        response = paths.get(path, {}).get(method, {}).get("responses", {}).get(status)
        if response is None:
            continue
        response["links"] = {
            name: {
                "operationRef": _operation_ref(target, target_method),
                "parameters": parameters,
            }
            for name, (target, target_method, parameters) in links.items()
            if target_method in paths.get(target, {})
        }
    return result
