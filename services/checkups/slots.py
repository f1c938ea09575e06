"""The check-ups as a SMART Scheduling Links feed, so that other finders can list them: Locations
(where check-ups are held), Schedules (a kind of check-up at a location) and Slots (each
upcoming event, as a free slot with the places left and a busy one with the places taken, the
`slot-capacity` extension saying how many). Published as NDJSON files behind a
``$bulk-publish`` manifest (https://github.com/smart-on-fhir/smart-scheduling-links).

Only real events: demo check-ups are invented and never published to other services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from core.localtime import local_iso
from services.checkups.models import CheckupEvent

CAPACITY = "http://fhir-registry.smarthealthit.org/StructureDefinition/slot-capacity"
BOOKING_LINK = "http://fhir-registry.smarthealthit.org/StructureDefinition/booking-deep-link"
KIND_SYSTEM = "urn:yizhan:checkup-kind"
FEED_TYPES = ("Location", "Schedule", "Slot")


def published_events(now: dt.datetime | None = None) -> QuerySet[CheckupEvent]:
    """The events a feed lists: scheduled, not yet ended, real (never the demo's)."""
    return (
        CheckupEvent.objects.filter(
            status=CheckupEvent.Status.SCHEDULED,
            ends_at__gt=now or timezone.now(),
            is_synthetic=False,
        )
        .select_related("kind", "station")
        .order_by("starts_at", "id")
    )


def _id(text: str) -> str:
    """A FHIR id (letters, digits, '.', '_'; at most 64): codes are slugs, whose '-' become
    '.', which no slug has, so that two codes never give one id."""
    return text.replace("-", ".")[:64]


def location_id(event: CheckupEvent) -> str:
    return f"station.{_id(event.station.code)}" if event.station else f"event.{event.pk}"


def schedule_id(event: CheckupEvent) -> str:
    return f"{location_id(event)}.{_id(event.kind_id)}"


def location_resource(event: CheckupEvent) -> dict[str, Any]:
    station = event.station
    resource: dict[str, Any] = {
        "resourceType": "Location",
        "id": location_id(event),
        "name": station.name if station else event.address or event.organiser,
        "telecom": [{"system": "phone", "value": station.phone}]
        if station and station.phone
        else [],
        "address": {
            "line": [event.address or (station.address if station else "")],
            "city": station.city if station else "",
            "district": station.district if station else "",
            "state": "",
            "postalCode": "",
            "country": "CN",
        },
        "position": {"latitude": event.location.y, "longitude": event.location.x},
    }
    return resource


def schedule_resource(event: CheckupEvent) -> dict[str, Any]:
    return {
        "resourceType": "Schedule",
        "id": schedule_id(event),
        "serviceType": [
            {
                "coding": [
                    {"system": KIND_SYSTEM, "code": event.kind_id, "display": event.kind.name}
                ],
                "text": event.kind.name_en,
            }
        ],
        "actor": [{"reference": f"Location/{location_id(event)}"}],
    }


def slot_resources(event: CheckupEvent, booking_url: str | None) -> Iterator[dict[str, Any]]:
    """A free slot with the places left and a busy one with the places taken (none of
    either: no slot), over the event's whole time (a session, not appointments)."""
    left = max(event.capacity - event.booked, 0)
    for status, count in (("free", left), ("busy", event.booked)):
        if not count:
            continue
        extension = [{"url": CAPACITY, "valueInteger": count}]
        if status == "free" and booking_url:
            extension.append({"url": BOOKING_LINK, "valueUrl": booking_url})
        yield {
            "resourceType": "Slot",
            "id": f"event.{event.pk}.{status}",
            "schedule": {"reference": f"Schedule/{schedule_id(event)}"},
            "status": status,
            "start": local_iso(event.starts_at),
            "end": local_iso(event.ends_at),
            "extension": extension,
        }


def feed_resources(
    kind: str, events: QuerySet[CheckupEvent], booking_url: Any
) -> Iterator[dict[str, Any]]:
    """The resources of one feed file, each once. ``booking_url(event)``: where a worker books
    that event (None: no link)."""
    seen: set[str] = set()
    for event in events.iterator(chunk_size=2000):
        if kind == "Slot":
            yield from slot_resources(event, booking_url(event))
            continue
        resource = location_resource(event) if kind == "Location" else schedule_resource(event)
        if resource["id"] not in seen:
            seen.add(resource["id"])
            yield resource
