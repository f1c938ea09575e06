"""Check-ups as HSDS services: each kind of check-up (健康体检, 两癌筛查…) held at a place — a
station, or another place (a square, a factory gate) — is a service delivered there, its
upcoming sessions its one-day schedules with the places left. Only real events; the demo's
invented ones only when asked, and then marked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BigIntegerField, Case, F, Max, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from core.localtime import LOCAL_TZ
from services.checkups.models import CheckupEvent
from services.hsds.documents import (
    NOTHING_MORE,
    UTC_OFFSET_HOURS,
    hsds_clock,
    location_document,
    organization_document,
)
from services.hsds.ids import (
    Entity,
    amenity_key,
    organization_uuid,
    parse_station_uuid,
    station_uuid,
)
from services.hsds.selectors import Context


@dataclass
class CheckupService:
    """One kind of check-up at one place, with its upcoming sessions."""

    kind_code: str
    events: list[CheckupEvent] = field(default_factory=list)

    @property
    def first(self) -> CheckupEvent:
        return self.events[0]

    def _ids(self, at_station: Entity, at_place: Entity) -> str:
        """At a station: the station and the kind; elsewhere: the one event."""
        event = self.first
        if event.station_id:
            return station_uuid(event.station_id, at_station, amenity_key(self.kind_code))
        return station_uuid(0, at_place, event.pk)

    @property
    def id(self) -> str:
        return self._ids(Entity.CHECKUP_SERVICE, Entity.CHECKUP_SERVICE_AT_PLACE)

    @property
    def link_id(self) -> str:
        return self._ids(Entity.CHECKUP_AT_LOCATION, Entity.CHECKUP_AT_PLACE)

    @property
    def key(self) -> tuple[int | None, str, int | None]:
        """(station, kind, event alone): as :class:`CheckupServicePages` orders them."""
        event = self.first
        return (event.station_id, self.kind_code, None if event.station_id else event.pk)

    @property
    def location_id(self) -> str:
        event = self.first
        if event.station_id:
            return station_uuid(event.station_id, Entity.LOCATION)
        return station_uuid(0, Entity.PLACE_LOCATION, event.pk)


def upcoming_events(*, with_demo: bool = False, events: QuerySet | None = None) -> QuerySet:
    """Sessions not yet ended (of ``events``, if given); the demo's only when asked."""
    upcoming = (events if events is not None else CheckupEvent.objects.all()).filter(
        status=CheckupEvent.Status.SCHEDULED, ends_at__gt=timezone.now()
    )
    if not with_demo:
        upcoming = upcoming.filter(is_synthetic=False).exclude(station__is_synthetic=True)
    return upcoming


def _grouped(events: QuerySet[CheckupEvent]) -> list[CheckupService]:
    """Events by place and kind (a place outside the stations stands for one event), in the
    order of their places and kinds."""
    groups: dict[tuple, CheckupService] = {}
    ordered = events.select_related("kind", "station").order_by(
        "station_id", "kind_id", "starts_at", "id"
    )
    for event in ordered:
        place = ("station", event.station_id) if event.station_id else ("event", event.pk)
        group = groups.setdefault((*place, event.kind_id), CheckupService(event.kind_id))
        group.events.append(event)
    return list(groups.values())


def checkup_services(
    *, with_demo: bool = False, events: QuerySet[CheckupEvent] | None = None
) -> list[CheckupService]:
    """The kinds of check-up at each place with sessions not yet ended (of ``events``)."""
    return _grouped(upcoming_events(with_demo=with_demo, events=events))


class CheckupServicePages:
    """The check-up services as a sequence a paginator slices in SQL: the (place, kind) keys
    are counted and cut to the page in the database, then only that page's sessions are read
    (3 queries, however many events there are). With ``modified_after``, the services with a
    session changed since."""

    def __init__(self, *, modified_after: dt.datetime | None, with_demo: bool) -> None:
        self.upcoming = upcoming_events(with_demo=with_demo)
        alone = Case(
            When(station__isnull=True, then=F("pk")),
            default=Value(None),
            output_field=BigIntegerField(),
        )
        keys = (
            self.upcoming.annotate(alone=alone)
            .values("station_id", "kind_id", "alone")
            .annotate(changed=Max("updated_at"))
            .order_by("station_id", "kind_id", "alone")
        )
        self.keys = keys.filter(changed__gte=modified_after) if modified_after else keys
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = self.keys.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[CheckupService]:
        keys = list(self.keys[index])
        if not keys:
            return []
        chosen = Q(pk__in=[])
        for key in keys:
            if key["alone"] is not None:
                chosen |= Q(pk=key["alone"])
            else:
                chosen |= Q(station_id=key["station_id"], kind_id=key["kind_id"])
        place = {(k["station_id"], k["kind_id"], k["alone"]): i for i, k in enumerate(keys)}
        groups = _grouped(self.upcoming.filter(chosen))
        return sorted(groups, key=lambda group: place[group.key])


def checkup_service(service_id: str) -> CheckupService | None:
    """The check-up service an HSDS id names (demo ones too: an id is asked for knowingly)."""
    named = parse_station_uuid(service_id)
    if named is None:
        return None
    if named.entity == Entity.CHECKUP_SERVICE:
        events = CheckupEvent.objects.filter(station_id=named.station_id)
    elif named.entity == Entity.CHECKUP_SERVICE_AT_PLACE and named.station_id == 0:
        events = CheckupEvent.objects.filter(pk=named.detail, station=None)
    else:
        return None
    found = checkup_services(with_demo=True, events=events)
    return next((service for service in found if service.id == service_id), None)


def _who_may_come(event: CheckupEvent) -> str:
    said = []
    if event.members_only:
        said.append(_("union members only"))
    if event.women_only:
        said.append(_("women only"))
    if event.eligibility_note:
        said.append(event.eligibility_note)
    return "；".join(str(s) for s in said) or _("Open to every outdoor worker.")


def checkup_service_document(
    service: CheckupService, context: Context, *, full: bool
) -> dict[str, Any]:
    event = service.first
    place = event.station.name if event.station else event.address
    demo = event.is_synthetic or (event.station is not None and event.station.is_synthetic)
    document: dict[str, Any] = {
        "id": service.id,
        "organization_id": organization_uuid(event.organiser),
        "name": f"{event.kind.name}（{place}）",
        "alternate_name": f"{event.kind.name_en} ({place})",
        "description": "、".join(event.items) or event.kind.name,
        "status": "active",
        "eligibility_description": _who_may_come(event),
        "last_modified": max(e.updated_at for e in service.events).isoformat(
            timespec="milliseconds"
        ),
        "organization": organization_document(event.organiser),
    }
    if demo:
        document["alert"] = _("Demo data: an invented check-up, not a real one.")
    if full:
        link_id = service.link_id
        document["service_at_locations"] = [
            {
                "id": link_id,
                "service_id": service.id,
                "location_id": service.location_id,
                "location": location_document(event.station, context)
                if event.station
                else place_location(event),
                "schedules": [session_schedule(e, link_id) for e in service.events],
            }
        ]
        document |= NOTHING_MORE
    return document


def place_location(event: CheckupEvent) -> dict[str, Any]:
    location_id = station_uuid(0, Entity.PLACE_LOCATION, event.pk)
    return {
        "id": location_id,
        "location_type": "physical",
        "name": event.address or event.organiser,
        "latitude": round(event.location.y, 7),
        "longitude": round(event.location.x, 7),
        "addresses": [
            {
                "id": station_uuid(0, Entity.PLACE_ADDRESS, event.pk),
                "location_id": location_id,
                "address_1": event.address,
                "city": "",
                "state_province": "",
                "postal_code": "",
                "country": "CN",
                "address_type": "physical",
            }
        ],
        "phones": [],
        "schedules": [],
    }


def session_schedule(event: CheckupEvent, link_id: str) -> dict[str, Any]:
    starts, ends = (moment.astimezone(LOCAL_TZ) for moment in (event.starts_at, event.ends_at))
    left = event.places_left
    return {
        "id": station_uuid(event.station_id or 0, Entity.SESSION_SCHEDULE, event.pk),
        "service_at_location_id": link_id,
        "valid_from": starts.date().isoformat(),
        "valid_to": ends.date().isoformat(),
        "dtstart": starts.date().isoformat(),
        "opens_at": hsds_clock(starts.time()),
        "closes_at": hsds_clock(ends.time()),
        "timezone": UTC_OFFSET_HOURS,
        "description": _("%(left)d of %(capacity)d places left")
        % {"left": left, "capacity": event.capacity}
        if left
        else _("Full"),
    }
