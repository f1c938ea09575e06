"""The worker-facing check-up API: nearest upcoming events, one event, calendars, bookings."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from core.api import ERROR_400, GEOJSON, PublicApi, language, validated, validated_body
from core.demo import DEMO_BOOKING
from core.fields import CrsInput, point_echo, position_in_wgs84
from core.language import is_english
from core.localtime import local_iso
from core.throttles import AddressThrottle
from services.checkups.calendar import calendar_bytes, event_component
from services.checkups.geojson import upcoming_features
from services.checkups.models import Booking
from services.checkups.selectors import (
    checkup_get,
    checkup_upcoming_list,
    checkup_upcoming_refs,
    waiting_position,
)
from services.checkups.serializers import (
    BookingCreateInput,
    BookingInput,
    UpcomingInput,
    event_feature,
)
from services.checkups.services import (
    BookingRefused,
    booking_cancel,
    booking_create,
)
from services.checkups.slots import FEED_TYPES, feed_resources, published_events
from stations.geojson import json_response

ERROR_404 = OpenApiResponse(OpenApiTypes.OBJECT, description="No check-up event with that id.")
ERROR_409 = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description='{"errors": {"detail": ["why not"]}}: full, '
    "cancelled, already started, or already booked by this phone.",
)
ICS = OpenApiResponse(OpenApiTypes.STR, description="An iCalendar file (RFC 5545)")


def upcoming_search(request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
    """The request's parameters (with its position in WGS-84) and the search they ask for."""
    params = validated(UpcomingInput, request)
    lon, lat = position_in_wgs84(params)
    search = {
        "lon": lon,
        "lat": lat,
        "starts_from": params["from"],
        "starts_to": params["to"],
        "kinds": params["kind"],
        "radius_m": params.get("radius_m"),
        "limit": params["limit"],
        "open_places": params["open_places"],
    }
    return params | {"wgs84": (lon, lat)}, search


class CheckupUpcomingApi(PublicApi):
    cache_max_age = 10  # places left change with every booking

    @extend_schema(
        operation_id="checkups_upcoming",
        parameters=[UpcomingInput],
        responses={200: GEOJSON, 400: ERROR_400},
    )
    def get(self, request: Request) -> HttpResponse:
        params, search = upcoming_search(request)
        crs = params["crs"]
        lon, lat = params["wgs84"]
        features = upcoming_features(
            checkup_upcoming_refs(**search),
            crs=crs,
            english=is_english(language()),
            request=request,
        )
        return json_response(
            {
                "type": "FeatureCollection",
                "query": point_echo(lon, lat, crs),
                "crs": crs,
                "from": local_iso(params["from"]),
                "to": local_iso(params["to"]),
            },
            features,
        )


def ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


class CheckupUpcomingIcsApi(PublicApi):
    cache_max_age = 10  # places left change with every booking

    @extend_schema(
        operation_id="checkups_upcoming_ics",
        parameters=[UpcomingInput],
        responses={(200, "text/calendar"): ICS, 400: ERROR_400},
    )
    def get(self, request: Request) -> HttpResponse:
        _params, search = upcoming_search(request)
        found = checkup_upcoming_list(**search)
        english = is_english()
        components = [
            event_component(n.event, url=event_url(request, n.event.pk), english=english)
            for n in found
        ]
        return ics_response(
            calendar_bytes(components, name=_("Check-ups near you")), "checkups.ics"
        )


def event_url(request: Request, event_id: int) -> str:
    return request.build_absolute_uri(reverse("v1:checkup-detail", args=[event_id]))


def found_or_404(event_id: int):
    event = checkup_get(event_id=event_id)
    if event is None:
        raise NotFound(_("No check-up event with id %s.") % event_id)
    return event


class CheckupDetailApi(PublicApi):
    cache_max_age = 10  # places left change with every booking

    @extend_schema(
        operation_id="checkup_detail",
        parameters=[CrsInput],
        responses={200: GEOJSON, 404: ERROR_404},
    )
    def get(self, request: Request, event_id: int) -> Response:
        event = found_or_404(event_id)
        crs = validated(CrsInput, request)["crs"]
        return Response(event_feature(event, crs=crs, language=language(), request=request))


class CheckupIcsApi(PublicApi):
    cache_max_age = 10  # places left change with every booking

    @extend_schema(
        operation_id="checkup_ics", responses={(200, "text/calendar"): ICS, 404: ERROR_404}
    )
    def get(self, request: Request, event_id: int) -> HttpResponse:
        event = found_or_404(event_id)
        component = event_component(event, url=event_url(request, event_id), english=is_english())
        return ics_response(
            calendar_bytes([component], name=str(event.kind)), f"checkup-{event_id}.ics"
        )


class BookingThrottle(AddressThrottle):
    """Bookings per client address, whatever the event (``YIZHAN_BOOKING_RATE``, default 5 an
    hour): one address cannot book out an event with made-up numbers."""

    scope = "booking"


class EventBookingThrottle(SimpleRateThrottle):
    """Bookings per event from all addresses (``YIZHAN_BOOKING_EVENT_RATE``, default 120 an
    hour), against a flood spread over many addresses."""

    scope = "booking_event"

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return self.cache_format % {"scope": self.scope, "ident": view.kwargs["event_id"]}


ERROR_429 = OpenApiResponse(
    OpenApiTypes.OBJECT, description="Too many bookings from this address or for this event."
)


class BookingCreateApi(PublicApi):
    throttle_classes = (BookingThrottle, EventBookingThrottle)

    @extend_schema(
        operation_id="booking_create",
        request=BookingCreateInput,
        responses={
            201: OpenApiTypes.OBJECT,
            400: ERROR_400,
            404: ERROR_404,
            409: ERROR_409,
            415: OpenApiResponse(OpenApiTypes.OBJECT, description="Not application/json."),
            429: ERROR_429,
        },
    )
    def post(self, request: Request, event_id: int) -> Response:
        data = validated_body(BookingCreateInput, request)
        booking = booking_create(
            event_id=event_id, phone=data["phone"], join_waiting_list=data["waiting_list"]
        )
        return Response(booking_output(booking), status=status.HTTP_201_CREATED)


class BookingDetailApi(PublicApi):
    cache_max_age = None  # one worker's booking: never kept by a shared cache

    @extend_schema(
        operation_id="booking_detail",
        summary="A booking by its reference: its status, and its place in the waiting list",
        responses={200: OpenApiTypes.OBJECT, 404: ERROR_404},
    )
    def get(self, request: Request, event_id: int, reference: str) -> Response:
        booking = Booking.objects.filter(event_id=event_id, reference=reference.upper()).first()
        if booking is None:
            raise BookingRefused(_("No booking with this reference."), status=404)
        return Response(booking_output(booking))

    @extend_schema(
        operation_id="booking_cancel",
        request=BookingInput,
        responses={200: OpenApiTypes.OBJECT, 400: ERROR_400, 404: ERROR_404},
    )
    def delete(self, request: Request, event_id: int, reference: str) -> Response:
        phone = validated_body(BookingInput, request)["phone"]
        booking = booking_cancel(event_id=event_id, reference=reference, phone=phone)
        return Response(booking_output(booking))


def booking_output(booking: Booking) -> dict[str, Any]:
    """A booking as its worker sees it: status ``booked``, ``attended``, ``no_show``,
    ``waiting`` (with ``waiting_position``, 1 for the first) or ``cancelled``; ``waiting_list``
    while it is (or, cancelled, was) in the waiting list without a place."""
    demo = booking.event.is_synthetic
    return {
        "reference": booking.reference,
        "event": booking.event_id,
        "phone": booking.masked_phone,
        "created_at": local_iso(booking.created_at),
        "cancelled_at": local_iso(booking.cancelled_at),
        "status": booking.attendance.value,
        "status_text": str(booking.attendance.label),
        "waiting_position": waiting_position(booking),
        "waiting_list": booking.waiting,
        "is_synthetic": demo,
        "note": str(DEMO_BOOKING) if demo else None,
    }


NDJSON = OpenApiResponse(OpenApiTypes.STR, description="One FHIR resource (JSON) a line.")


class SlotsManifestApi(PublicApi):
    """The entry point of the SMART Scheduling Links feed (services/checkups/slots.py)."""

    content_etag = False  # names the moment it was made

    @extend_schema(
        operation_id="checkups_slots_manifest",
        summary="Check-ups as a SMART Scheduling Links feed: the $bulk-publish manifest",
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        return Response(
            {
                "transactionTime": local_iso(timezone.now()),
                "request": request.build_absolute_uri(),
                "output": [
                    {
                        "type": kind,
                        "url": request.build_absolute_uri(
                            reverse("v1:checkups-slots-file", args=[kind.lower()])
                        ),
                    }
                    for kind in FEED_TYPES
                ],
                "error": [],
            }
        )


class SlotsFileApi(PublicApi):
    cache_max_age = 60

    @extend_schema(
        operation_id="checkups_slots_file",
        summary="One file of the check-ups' SMART Scheduling Links feed (NDJSON)",
        responses={(200, "application/fhir+ndjson"): NDJSON},
    )
    def get(self, request: Request, kind: str) -> HttpResponse:
        def booking_url(event) -> str | None:
            if event.station is None:
                return None
            return request.build_absolute_uri(
                reverse("station-page", args=[event.station.code]) + "#checkups"
            )

        lines = (
            json.dumps(resource, ensure_ascii=False, separators=(",", ":")) + "\n"
            for resource in feed_resources(kind.capitalize(), published_events(), booking_url)
        )
        return HttpResponse("".join(lines), content_type="application/fhir+ndjson")
