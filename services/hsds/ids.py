"""Identifiers of the HSDS export: UUIDs, as HSDS asks, that the registry can read back.

A station's entities (its location, address, phone, hours, and the services at it) carry a
version 8 UUID (RFC 9562, "custom"): the station's id in the first 48 bits, what the entity is
in 12 bits beside the version, and a detail (an amenity's key, a period's start) in the last 62.
The same station, amenity and period always give the same id, across exports and imports that
keep the station (ids are never renumbered), and ``GET …/services/{id}`` finds its row without a
lookup table. Organisations are operators' names, as version 5 UUIDs of the name."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass

from stations.conditions import amenity_key as registry_amenity_key

OPERATORS = uuid.UUID("3f4b8f0e-5d0c-4d55-9a51-9e3a8f2c7b10")
"""The namespace of the operators' version 5 UUIDs (chosen once for yizhan)."""

DETAIL_BITS = 62


class Entity(enum.IntEnum):
    LOCATION = 1
    AMENITY_SERVICE = 2
    SERVICE_AT_LOCATION = 3
    WEEKLY_SCHEDULE = 4
    DATED_SCHEDULE = 5
    ADDRESS = 6
    PHONE = 7
    CHECKUP_SERVICE = 8
    CHECKUP_AT_LOCATION = 9
    SESSION_SCHEDULE = 10
    # a check-up somewhere else than a station (station id 0, the event's id as the detail)
    CHECKUP_SERVICE_AT_PLACE = 11
    CHECKUP_AT_PLACE = 12
    PLACE_LOCATION = 13
    PLACE_ADDRESS = 14


@dataclass(frozen=True)
class StationEntity:
    station_id: int
    entity: Entity
    detail: int


def station_uuid(station_id: int, entity: Entity, detail: int = 0) -> str:
    value = (
        (station_id << 80)
        | (8 << 76)
        | (int(entity) << 64)
        | (0b10 << DETAIL_BITS)
        | (detail % (1 << DETAIL_BITS))
    )
    return str(uuid.UUID(int=value))


def parse_station_uuid(text: str) -> StationEntity | None:
    """What a station entity's id names, or None for any other text."""
    try:
        value = uuid.UUID(text)
    except ValueError:
        return None
    if value.version != 8 or value.variant != uuid.RFC_4122:
        return None
    number = value.int
    try:
        entity = Entity((number >> 64) & 0xFFF)
    except ValueError:
        return None
    return StationEntity(number >> 80, entity, number & ((1 << DETAIL_BITS) - 1))


def amenity_key(code: str) -> int:
    """The amenity's key as the registry computes it (:func:`stations.conditions.amenity_key`),
    here unsigned."""
    return registry_amenity_key(code) & 0xFFFF_FFFF


def organization_uuid(operator: str) -> str:
    return str(uuid.uuid5(OPERATORS, operator))
