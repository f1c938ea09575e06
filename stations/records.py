"""Turning one row of station data (a GeoJSON feature) into validated, unsaved model objects.

Every problem is reported as a :class:`RowError` naming the row and the field, so that a loader
can list every bad row and write nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.gis.geos import GEOSException, Point
from django.core.exceptions import ValidationError

from stations.models import OpeningException, OpeningPeriod, Station, StationAmenity
from stations.opening_hours import Period, same_day_overlaps, weekly_overlaps

STATION_FIELDS = (
    "code",
    "name",
    "name_en",
    "address",
    "city",
    "district",
    "subdistrict",
    "kind",
    "operator",
    "phone",
    "seats",
    "status",
    "notes",
    "is_synthetic",
    "source",
)


class RowError(Exception):
    def __init__(self, row: int, code: str, errors: Mapping[str, list[str]]) -> None:
        self.row, self.code, self.errors = row, code, dict(errors)
        details = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in self.errors.items())
        super().__init__(f"row {row} ({code or 'no code'}): {details}")


@dataclass
class StationRecord:
    station: Station
    amenities: list[StationAmenity] = field(default_factory=list)
    periods: list[OpeningPeriod] = field(default_factory=list)
    exceptions: list[OpeningException] = field(default_factory=list)


def parse_time(value: Any, name: str) -> dt.time:
    try:
        return dt.time.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValidationError({name: [f"'{value}' is not a time (HH:MM)."]}) from None


def parse_point(geometry: Any) -> Point:
    try:
        if geometry["type"] != "Point":
            raise ValueError
        lon, lat = (float(v) for v in geometry["coordinates"])
        point = Point(lon, lat, srid=4326)
    except (KeyError, TypeError, ValueError, GEOSException):
        raise ValidationError({"location": ["Expected a GeoJSON Point [lon, lat]."]}) from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValidationError({"location": [f"({lon}, {lat}) is outside WGS-84 ranges."]})
    return point


def parse_weekly(rows: Any) -> list[OpeningPeriod]:
    periods = []
    for item in rows or []:
        try:
            weekday, opens, closes = item
        except (TypeError, ValueError):
            raise ValidationError(
                {"opening_hours": [f"{item!r} is not [weekday, opens, closes]."]}
            ) from None
        if weekday not in range(7):
            raise ValidationError(
                {"opening_hours": [f"weekday {weekday!r} is not 0 (Mon)–6 (Sun)."]}
            )
        periods.append(
            OpeningPeriod(
                weekday=weekday,
                opens=parse_time(opens, "opening_hours"),
                closes=parse_time(closes, "opening_hours"),
            )
        )
    clashes = weekly_overlaps((p.weekday, Period(p.opens, p.closes)) for p in periods)
    if clashes:
        day_a, a, day_b, b = clashes[0]
        raise ValidationError(
            {
                "opening_hours": [
                    f"periods overlap: day {day_a} {a.label()} and day {day_b} {b.label()}."
                ]
            }
        )
    return periods


def parse_exceptions(rows: Any, today: dt.date) -> list[OpeningException]:
    """Exceptions carry a ``date`` (ISO) or, in demo data, ``in_days`` from today."""
    exceptions = []
    for item in rows or []:
        try:
            day = (
                dt.date.fromisoformat(item["date"])
                if "date" in item
                else today + dt.timedelta(days=int(item["in_days"]))
            )
        except (KeyError, TypeError, ValueError):
            raise ValidationError(
                {"opening_hours": [f"exception {item!r} needs a date."]}
            ) from None
        closed = bool(item.get("closed"))
        exception = OpeningException(date=day, closed=closed, note=item.get("note", ""))
        if not closed:
            exception.opens = parse_time(item.get("opens"), "opening_hours")
            exception.closes = parse_time(item.get("closes"), "opening_hours")
        exceptions.append(exception)
    by_date: dict[dt.date, list[Period]] = {}
    for e in exceptions:
        if not e.closed:
            by_date.setdefault(e.date, []).append(Period(e.opens, e.closes))
    for day, periods in by_date.items():
        if same_day_overlaps(periods):
            raise ValidationError({"opening_hours": [f"exception periods on {day} overlap."]})
    return exceptions


def parse_amenities(rows: Any, catalogue: set[str]) -> list[StationAmenity]:
    amenities, seen = [], set()
    statuses = set(StationAmenity.Status.values)
    for item in rows or []:
        code = item.get("code") if isinstance(item, dict) else None
        if code not in catalogue:
            raise ValidationError({"amenities": [f"unknown amenity code {code!r}."]})
        if code in seen:
            raise ValidationError({"amenities": [f"amenity {code!r} is listed twice."]})
        status = item.get("status", StationAmenity.Status.AVAILABLE)
        if status not in statuses:
            raise ValidationError({"amenities": [f"{code}: unknown status {status!r}."]})
        seen.add(code)
        amenities.append(
            StationAmenity(amenity_id=code, status=status, details=item.get("details", ""))
        )
    return amenities


def record_from_feature(
    feature: Any, *, row: int, catalogue: set[str], now: dt.datetime, today: dt.date
) -> StationRecord:
    """Validate one GeoJSON feature; raise RowError naming the row and every bad field."""
    props = feature.get("properties") if isinstance(feature, dict) else None
    if not isinstance(props, dict):
        raise RowError(row, "", {"properties": ["missing or not an object."]})
    code = str(props.get("code") or "")
    errors: dict[str, list[str]] = {}
    station = Station(**{name: props[name] for name in STATION_FIELDS if name in props})
    record = StationRecord(station)
    steps = [
        ("location", lambda: setattr(station, "location", parse_point(feature.get("geometry")))),
        ("opening_hours", lambda: _parse_hours(record, props.get("opening_hours") or {}, today)),
        (
            "amenities",
            lambda: setattr(
                record, "amenities", parse_amenities(props.get("amenities"), catalogue)
            ),
        ),
    ]
    for _name, step in steps:
        try:
            step()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if "verified_days_ago" in props:
        station.last_verified_at = now - dt.timedelta(days=props["verified_days_ago"])
    try:
        # Ranges and uniqueness are checked above and by the loader, without a query per row.
        station.full_clean(exclude=list(errors), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise RowError(row, code, errors)
    return record


def _parse_hours(record: StationRecord, hours: Mapping[str, Any], today: dt.date) -> None:
    record.periods = parse_weekly(hours.get("weekly"))
    record.exceptions = parse_exceptions(hours.get("exceptions"), today)
