"""The registry in the shape of HSDS 3.0 (Open Referral's Human Services Data Specification):
operators as organizations, stations as locations (address, phone, opening hours as
schedules), and each amenity of a station as a service delivered there.

Plain functions from rows to JSON-ready dicts; the schemas they meet are vendored in
services/hsds/schema (CC BY-SA 4.0) and checked by the tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from core.language import is_english
from core.localtime import LOCAL_TZ
from services.hsds.ids import Entity, amenity_key, organization_uuid, station_uuid
from services.hsds.selectors import Context
from stations.models import OpeningException, OpeningPeriod, Station, StationAmenity
from stations.opening_hours import WEEKDAYS_EN, WEEKDAYS_ZH, Period, minutes

BYDAY = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
UTC_OFFSET_HOURS = 8  # Asia/Shanghai, no daylight saving

NOTHING_MORE = {name: [] for name in ("phones", "schedules", "languages", "attributes", "metadata")}
"""A fully nested service's lists yizhan has nothing for (its phones and hours are its
location's)."""

STATION_STATUS = {
    Station.Status.OPEN: "active",
    Station.Status.TEMPORARILY_CLOSED: "temporarily closed",
    Station.Status.CLOSED: "defunct",
}


def operator_name(operator: str) -> str:
    """A station's operator as an organization's name (one for the stations that name none)."""
    return operator or _("Operator not recorded")


def organization_document(operator: str) -> dict[str, Any]:
    return {
        "id": organization_uuid(operator),
        "name": operator,
        "description": _("Runs outdoor workers' stations listed by yizhan."),
    }


def service_status(row: StationAmenity) -> str:
    if row.station.status != Station.Status.OPEN:
        return STATION_STATUS[row.station.status]
    if row.status == StationAmenity.Status.OUT_OF_SERVICE:
        return "inactive"
    return "active"


def service_alert(row: StationAmenity) -> str | None:
    if row.station.is_synthetic:
        return _("Demo data: an invented station, not a real place.")
    if row.status == StationAmenity.Status.LIMITED:
        return _("Limited.")
    if row.status == StationAmenity.Status.UNKNOWN:
        return _("Whether it works now is not known.")
    return None


def service_document(row: StationAmenity, context: Context, *, full: bool) -> dict[str, Any]:
    """One amenity of one station as an HSDS service: its one-to-one fields (the list's
    shape), and with ``full`` everything it nests (where it is delivered, with the hours)."""
    station, amenity = row.station, row.amenity
    operator = operator_name(station.operator)
    document: dict[str, Any] = {
        "id": station_uuid(station.pk, Entity.AMENITY_SERVICE, amenity_key(amenity.code)),
        "organization_id": organization_uuid(operator),
        "name": f"{amenity.name}（{station.name}）",
        "alternate_name": f"{amenity.name_en} ({station.name_en or station.code})",
        "description": row.details or amenity.name,
        "status": service_status(row),
        "last_modified": station.updated_at.isoformat(timespec="milliseconds"),
        "organization": organization_document(operator),
    }
    if station.last_verified_at:
        document["assured_date"] = station.last_verified_at.astimezone(LOCAL_TZ).date().isoformat()
    alert = service_alert(row)
    if alert:
        document["alert"] = alert
    if full:
        document["service_at_locations"] = [
            {
                "id": station_uuid(
                    station.pk, Entity.SERVICE_AT_LOCATION, amenity_key(amenity.code)
                ),
                "service_id": document["id"],
                "location_id": station_uuid(station.pk, Entity.LOCATION),
                "location": location_document(station, context),
            }
        ]
        document |= NOTHING_MORE
    return document


def location_document(station: Station, context: Context) -> dict[str, Any]:
    location_id = station_uuid(station.pk, Entity.LOCATION)
    hours = context.hours.get(station.pk)
    document: dict[str, Any] = {
        "id": location_id,
        "location_type": "physical",
        "organization_id": organization_uuid(operator_name(station.operator)),
        "name": station.name,
        "description": station.get_kind_display(),
        "latitude": round(station.location.y, 7),
        "longitude": round(station.location.x, 7),
        "external_identifier": station.code,
        "external_identifier_type": "yizhan station code",
        "addresses": [
            {
                "id": station_uuid(station.pk, Entity.ADDRESS),
                "location_id": location_id,
                "address_1": station.address,
                "city": station.city,
                "region": station.district,
                "state_province": context.provinces.get(station.city, ""),
                "postal_code": "",
                "country": "CN",
                "address_type": "physical",
            }
        ],
        "phones": [
            {"id": station_uuid(station.pk, Entity.PHONE), "location_id": location_id,
             "number": station.phone, "type": "voice"}
        ]
        if station.phone and not station.is_synthetic
        else [],
        "schedules": [
            *(weekly_schedule(station, period) for period in (hours.weekly if hours else [])),
            *(dated_schedule(station, exception) for exception in (hours.dated if hours else [])),
        ],
    }  # fmt: skip
    if station.name_en:
        document["alternate_name"] = station.name_en
    return document


def hsds_clock(t: dt.time) -> str:
    """HH:MM with Beijing's offset, as HSDS asks of opening times."""
    return f"{t:%H:%M}+08:00"


def weekly_schedule(station: Station, period: OpeningPeriod) -> dict[str, Any]:
    span = Period(period.opens, period.closes)
    days = WEEKDAYS_EN if is_english() else WEEKDAYS_ZH
    description = f"{days[period.weekday]} {span.label()}"
    if span.wraps and span.duration_minutes < 24 * 60:
        description = _("%(hours)s, past midnight") % {"hours": description}
    return {
        "id": station_uuid(
            station.pk, Entity.WEEKLY_SCHEDULE, period.weekday * 1440 + minutes(period.opens)
        ),
        "location_id": station_uuid(station.pk, Entity.LOCATION),
        "freq": "WEEKLY",
        "wkst": "MO",
        "byday": BYDAY[period.weekday],
        "opens_at": hsds_clock(period.opens),
        "closes_at": hsds_clock(period.closes),
        "timezone": UTC_OFFSET_HOURS,
        "description": description,
    }


def dated_schedule(station: Station, exception: OpeningException) -> dict[str, Any]:
    start = minutes(exception.opens) if exception.opens else 0
    document: dict[str, Any] = {
        "id": station_uuid(
            station.pk, Entity.DATED_SCHEDULE, exception.date.toordinal() * 1440 + start
        ),
        "location_id": station_uuid(station.pk, Entity.LOCATION),
        "valid_from": exception.date.isoformat(),
        "valid_to": exception.date.isoformat(),
        "timezone": UTC_OFFSET_HOURS,
        "description": exception.note
        or (_("Closed all day") if exception.closed else _("Other hours on this date")),
    }
    if not exception.closed:
        document["opens_at"] = hsds_clock(exception.opens)
        document["closes_at"] = hsds_clock(exception.closes)
    return document
