"""The nearest check-ups as GeoJSON text, as the stations' (``stations.geojson``): each event's
Feature is encoded once per change, language and host and kept (:data:`encoded_events`); its
distance is filled in per request."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from rest_framework.request import Request

from core.coordinates import Crs
from core.lru import LruCache
from services.checkups.models import CheckupEvent
from services.checkups.selectors import EventRef, checkups_by_id
from services.checkups.serializers import event_geometry, event_properties
from stations.geojson import to_json


@dataclass(frozen=True, slots=True)
class EncodedEvent:
    heads: dict[str, str]
    """Per crs: the Feature up to and including the properties before the distance."""
    tail: str
    """The properties after the distance, without their braces."""

    def feature(self, *, crs: str, distance_m: float) -> str:
        # repr of a float is its JSON text
        return f'{self.heads[crs]}"distance_m":{round(distance_m, 1)!r},{self.tail}}}}}'


def encode_event(event: CheckupEvent, *, english: bool, request: Request) -> EncodedEvent:
    head, tail = event_properties(event, english=english, request=request)
    heads = {
        crs.value: to_json(
            {
                "type": "Feature",
                "id": event.pk,
                "geometry": event_geometry(event, crs.value),
                "properties": head,
            }
        )[:-2]  # open the properties again: the distance follows
        + ","
        for crs in Crs
    }
    return EncodedEvent(heads, to_json(tail)[1:-1])


# By (id, last change, english, host). Each booking and edit of the event changes it; the names
# of its station, kind and van come from other rows, so an entry is used for a minute at most.
encoded_events: LruCache[EncodedEvent] = LruCache(
    settings.YIZHAN_ENCODED_EVENT_CACHE_SIZE, max_age_s=60
)


def upcoming_features(
    refs: Sequence[EventRef], *, crs: str, english: bool, request: Request
) -> list[str]:
    """The events found, as GeoJSON Feature texts in the order found: from the cache, or read
    (one query for all those missing), encoded and kept."""
    host = request.build_absolute_uri("/")
    keys = {ref.id: (ref.id, ref.updated_at, english, host) for ref in refs}
    found = {ref.id: encoded_events.get(keys[ref.id]) for ref in refs}
    missing = [event_id for event_id, entry in found.items() if entry is None]
    for event_id, event in checkups_by_id(missing).items() if missing else ():
        found[event_id] = entry = encode_event(event, english=english, request=request)
        encoded_events.put(keys[event_id], entry)
    return [
        entry.feature(crs=crs, distance_m=ref.distance_m)
        for ref in refs
        if (entry := found[ref.id]) is not None
    ]
