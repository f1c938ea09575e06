"""Reads for check-ups: the nearest upcoming events, one event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from services.models import CheckupEvent
from stations.conditions import Condition, where_clause
from stations.nearest import nearest_rows

EVENT_TABLE = CheckupEvent._meta.db_table


@dataclass(frozen=True, slots=True)
class NearbyEvent:
    event: CheckupEvent
    distance_m: float


def checkup_upcoming_list(
    *,
    lon: float,
    lat: float,
    starts_from: dt.datetime,
    starts_to: dt.datetime,
    kinds: Sequence[str] = (),
    radius_m: float | None = None,
    limit: int = 10,
    open_places: bool = False,
) -> list[NearbyEvent]:
    """Scheduled events starting between the two moments, nearest first (exact geodesic metres,
    then start time): the same index-driven exact search as for stations."""
    conditions = [
        Condition(f"{EVENT_TABLE}.status = 'scheduled'"),
        Condition(f"{EVENT_TABLE}.starts_at BETWEEN %s AND %s", (starts_from, starts_to)),
    ]
    if kinds:
        conditions.append(Condition(f"{EVENT_TABLE}.kind_id = ANY(%s)", (list(kinds),)))
    if open_places:
        conditions.append(Condition(f"{EVENT_TABLE}.booked < {EVENT_TABLE}.capacity"))
    rows = nearest_rows(
        table=EVENT_TABLE,
        columns=f"{EVENT_TABLE}.id, {EVENT_TABLE}.starts_at",
        where=where_clause(conditions),
        lon=lon,
        lat=lat,
        limit=limit,
        radius_m=radius_m,
        tie_break=lambda columns: (columns[1], columns[0]),
    )
    events = checkup_queryset().in_bulk([event_id for _, event_id, _ in rows])
    return [NearbyEvent(events[event_id], distance) for distance, event_id, _ in rows]


def checkup_queryset():
    return CheckupEvent.objects.select_related("kind", "station", "van")


def checkup_get(*, event_id: int) -> CheckupEvent | None:
    return checkup_queryset().filter(pk=event_id).first()
