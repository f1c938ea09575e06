"""Station data as interchange records, both ways: one GeoJSON feature (a row of the demo data,
an import file or an export) into validated, unsaved model objects, and a station back into the
same feature.

Every problem is reported as a :class:`RowError` naming the row and the field, so that a loader
can list every bad row and write nothing. :func:`record_properties` is also what the audit
history compares (before → after) and what re-imports compare to find that nothing changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.gis.geos import GEOSException, Point
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.language import is_english
from core.localtime import LOCAL_TZ
from stations.models import (
    OpeningException,
    OpeningPeriod,
    Station,
    StationAmenity,
    WarningRule,
)
from stations.opening_hours import (
    WEEKDAYS_EN,
    WEEKDAYS_ZH,
    Period,
    same_day_overlaps,
    weekly_overlaps,
)

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
    warning_rules: list[WarningRule] = field(default_factory=list)


RECORD_CHILDREN = ("amenities", "opening_periods", "opening_exceptions", "warning_rules")
"""The related rows a record holds: prefetch them when reading records of many stations."""


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


def weekly_problem(periods: Iterable[OpeningPeriod]) -> str | None:
    """Why these weekly periods cannot stand together (the first overlap), or None."""
    clashes = weekly_overlaps((p.weekday, Period(p.opens, p.closes)) for p in periods)
    if not clashes:
        return None
    day_a, a, day_b, b = clashes[0]
    days = WEEKDAYS_EN if is_english() else WEEKDAYS_ZH
    return _("Opening periods overlap: %(first)s and %(second)s.") % {
        "first": f"{days[day_a]} {a.label()}",
        "second": f"{days[day_b]} {b.label()}",
    }


def exceptions_problem(exceptions: Iterable[OpeningException]) -> str | None:
    """Why these dated exceptions cannot stand together, or None."""
    by_date: dict[dt.date, list[Period]] = {}
    closed_dates = set()
    for e in exceptions:
        if e.closed:
            closed_dates.add(e.date)
        else:
            by_date.setdefault(e.date, []).append(Period(e.opens, e.closes))
    for day in sorted(by_date):
        if day in closed_dates:
            return _("%(date)s is both closed all day and open.") % {"date": day.isoformat()}
        if same_day_overlaps(by_date[day]):
            return _("The periods of %(date)s overlap.") % {"date": day.isoformat()}
    return None


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
    problem = weekly_problem(periods)
    if problem:
        raise ValidationError({"opening_hours": [problem]})
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
        note = checked_text(item.get("note", ""), OpeningException, "note", "opening_hours")
        exception = OpeningException(date=day, closed=closed, note=note)
        if not closed:
            exception.opens = parse_time(item.get("opens"), "opening_hours")
            exception.closes = parse_time(item.get("closes"), "opening_hours")
        exceptions.append(exception)
    problem = exceptions_problem(exceptions)
    if problem:
        raise ValidationError({"opening_hours": [problem]})
    return exceptions


def parse_warning_rules(rows: Any) -> list[WarningRule]:
    """What the station does during heat or cold warnings: ``warning`` (heat, cold), a daily
    period (``opens``/``closes``, both or neither) and/or ``services``, once per warning."""
    rules, kinds = [], set(WarningRule.Kind.values)
    for item in rows or []:
        kind = item.get("warning") if isinstance(item, dict) else None
        if kind not in kinds:
            raise ValidationError(
                {"opening_hours": [f"during_warnings: {kind!r} is not one of {sorted(kinds)}."]}
            )
        if kind in {rule.kind for rule in rules}:
            raise ValidationError({"opening_hours": [f"during_warnings: {kind} is listed twice."]})
        services = checked_text(item.get("services", ""), WarningRule, "services", "opening_hours")
        rule = WarningRule(kind=kind, services=services)
        if item.get("opens") is not None or item.get("closes") is not None:
            rule.opens = parse_time(item.get("opens"), "opening_hours")
            rule.closes = parse_time(item.get("closes"), "opening_hours")
        elif not services:
            raise ValidationError(
                {"opening_hours": [f"during_warnings: {kind} gives neither hours nor services."]}
            )
        rules.append(rule)
    return rules


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
        details = checked_text(item.get("details", ""), StationAmenity, "details", "amenities")
        amenities.append(StationAmenity(amenity_id=code, status=status, details=details))
    return amenities


def checked_text(value: Any, model: type, field: str, column: str) -> str:
    """A text for ``model.field``: a string, no longer than its column, without NUL (which
    PostgreSQL refuses); else a ValidationError naming the row's ``column``."""
    if not isinstance(value, str):
        raise ValidationError({column: [f"{field} must be text."]})
    limit = model._meta.get_field(field).max_length
    if limit is not None and len(value) > limit:
        raise ValidationError({column: [f"{field} is longer than {limit} characters."]})
    if "\x00" in value:
        raise ValidationError({column: [f"{field} contains a NUL character."]})
    return value


def record_from_feature(
    feature: Any, *, row: int, catalogue: set[str], now: dt.datetime, today: dt.date
) -> StationRecord:
    """Validate one GeoJSON feature; raise RowError naming the row and every bad field."""
    props = feature.get("properties") if isinstance(feature, dict) else None
    if not isinstance(props, dict):
        raise RowError(row, "", {"properties": ["missing or not an object."]})
    code = str(props.get("code") or "")[:40]
    errors: dict[str, list[str]] = shape_errors(props)
    station = Station(
        **{name: props[name] for name in STATION_FIELDS if name in props and name not in errors}
    )
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
    for name, step in steps:
        if name in errors:
            continue
        try:
            step()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    try:
        station.last_verified_at = _parse_verified(props, now)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        # Ranges and uniqueness are checked above and by the loader, without a query per row.
        station.full_clean(exclude=list(errors), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise RowError(row, code, errors)
    return record


NESTED_SHAPES = {"opening_hours": (dict, "a JSON object"), "amenities": (list, "a JSON list")}


def shape_errors(props: Mapping[str, Any]) -> dict[str, list[str]]:
    """Fields of the wrong shape: nested columns that are not the JSON they must be, and text
    with a NUL character (PostgreSQL refuses it)."""
    errors: dict[str, list[str]] = {}
    for name, (kind, label) in NESTED_SHAPES.items():
        value = props.get(name)
        if value not in (None, "") and not isinstance(value, kind):
            errors[name] = [f"not {label}."]
    for name in STATION_FIELDS:
        value = props.get(name)
        if isinstance(value, str) and "\x00" in value:
            errors[name] = ["contains a NUL character."]
    return errors


def _parse_verified(props: Mapping[str, Any], now: dt.datetime) -> dt.datetime | None:
    """``last_verified_at`` (ISO, as exported) or, in demo data, ``verified_days_ago``."""
    if props.get("last_verified_at"):
        try:
            moment = dt.datetime.fromisoformat(str(props["last_verified_at"]))
        except ValueError:
            raise ValidationError(
                {"last_verified_at": [f"{props['last_verified_at']!r} is not an ISO datetime."]}
            ) from None
        return moment if moment.tzinfo else moment.replace(tzinfo=LOCAL_TZ)
    if "verified_days_ago" in props:
        return now - dt.timedelta(days=props["verified_days_ago"])
    return None


def _parse_hours(record: StationRecord, hours: Mapping[str, Any], today: dt.date) -> None:
    record.periods = parse_weekly(hours.get("weekly"))
    record.exceptions = parse_exceptions(hours.get("exceptions"), today)
    record.warning_rules = parse_warning_rules(hours.get("during_warnings"))


def _hhmm(t: dt.time | None) -> str | None:
    return None if t is None else f"{t:%H:%M}"


def record_properties(record: StationRecord) -> dict[str, Any]:
    """The record as the properties of its interchange feature (what :func:`record_from_feature`
    reads back): plain JSON values, children in a fixed order."""
    station = record.station
    props: dict[str, Any] = {name: getattr(station, name) for name in STATION_FIELDS}
    verified = station.last_verified_at
    props["last_verified_at"] = verified and verified.astimezone(LOCAL_TZ).isoformat()
    props["opening_hours"] = {
        "weekly": sorted([p.weekday, _hhmm(p.opens), _hhmm(p.closes)] for p in record.periods),
        "exceptions": sorted(
            (
                {
                    "date": e.date.isoformat(),
                    "closed": e.closed,
                    "opens": _hhmm(e.opens),
                    "closes": _hhmm(e.closes),
                    "note": e.note,
                }
                for e in record.exceptions
            ),
            key=lambda e: (e["date"], e["opens"] or ""),
        ),
        "during_warnings": sorted(
            (
                {
                    "warning": rule.kind,
                    "opens": _hhmm(rule.opens),
                    "closes": _hhmm(rule.closes),
                    "services": rule.services,
                }
                for rule in record.warning_rules
            ),
            key=lambda rule: rule["warning"],
        ),
    }
    props["amenities"] = sorted(
        (
            {"code": a.amenity_id, "status": a.status, "details": a.details}
            for a in record.amenities
        ),
        key=lambda a: a["code"],
    )
    return props


def record_coordinates(record: StationRecord) -> list[float]:
    return [round(record.station.location.x, 7), round(record.station.location.y, 7)]


def record_snapshot(record: StationRecord) -> dict[str, Any]:
    """Everything a change can touch, flat enough to diff field by field: one key per station
    field, per amenity (``amenities.<code>``) and per kind of hours."""
    props = record_properties(record)
    hours = props.pop("opening_hours")
    amenities = props.pop("amenities")
    snapshot = props | {
        # 6 decimals (≈0.1 m): a point through GCJ-02 and back moves by up to 1e-7°.
        "location": [round(v, 6) for v in record_coordinates(record)],
        "opening_hours.weekly": hours["weekly"],
        "opening_hours.exceptions": hours["exceptions"],
        "opening_hours.during_warnings": hours["during_warnings"],
    }
    for amenity in amenities:
        code = amenity.pop("code")
        snapshot[f"amenities.{code}"] = amenity
    return snapshot


def snapshot_diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """{key: {"before": …, "after": …}} for every key whose value differs (None = absent)."""
    keys = list(before) + [key for key in after if key not in before]
    return {
        key: {"before": before.get(key), "after": after.get(key)}
        for key in keys
        if before.get(key) != after.get(key)
    }


def station_records(stations: Iterable[Station]) -> Iterator[StationRecord]:
    """Records of stations whose amenities, periods and exceptions were prefetched (or will be
    read per station)."""
    for station in stations:
        yield StationRecord(
            station,
            list(station.amenities.all()),
            list(station.opening_periods.all()),
            list(station.opening_exceptions.all()),
            list(station.warning_rules.all()),
        )
