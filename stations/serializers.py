"""Input validation for the station API, and the GeoJSON it returns.

Output is built as plain dicts from prefetched stations: GeoJSON by hand is several times
cheaper than a serializer per feature, and the shape is fixed by the API contract."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from stations.coordinates import Crs, from_wgs84
from stations.models import Amenity, Station
from stations.opening_hours import LOCAL_TZ, Period, Schedule

MAX_LIMIT = 100
MAX_RADIUS_M = 50_000


class CommaSeparatedListField(serializers.ListField):
    """Accepts ``?amenity=a&amenity=b`` and ``?amenity=a,b``."""

    def to_internal_value(self, data):
        values = [part.strip() for item in data for part in str(item).split(",") if part.strip()]
        return super().to_internal_value(values)


class AmenityCodesField(CommaSeparatedListField):
    child = serializers.CharField(max_length=32)

    def to_internal_value(self, data):
        codes = super().to_internal_value(data)
        valid = list(Amenity.objects.values_list("code", flat=True))
        unknown = [c for c in codes if c not in valid]
        if unknown:
            raise serializers.ValidationError(
                _("Unknown amenity code(s): %(unknown)s. Valid codes: %(valid)s.")
                % {"unknown": ", ".join(unknown), "valid": ", ".join(valid)}
            )
        return list(dict.fromkeys(codes))


class KindsField(CommaSeparatedListField):
    child = serializers.ChoiceField(choices=Station.Kind.choices)


class CrsField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("default", Crs.WGS84.value)
        kwargs.setdefault(
            "help_text",
            _("Coordinate system of the input point and every output coordinate: wgs84 (GPS), "
              "gcj02 (Amap, Tencent) or bd09 (Baidu)."),
        )  # fmt: skip
        super().__init__(choices=[c.value for c in Crs], **kwargs)


class LocalDateTimeField(serializers.DateTimeField):
    """ISO-8601; a time without an offset is read as Asia/Shanghai."""

    def enforce_timezone(self, value: dt.datetime) -> dt.datetime:
        if timezone.is_naive(value):
            return value.replace(tzinfo=LOCAL_TZ)
        return value


class StationFilterInput(serializers.Serializer):
    crs = CrsField()
    amenity = AmenityCodesField(required=False, default=list)
    kind = KindsField(required=False, default=list)


class NearestInput(StationFilterInput):
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
    lon = serializers.FloatField(required=False, min_value=-180, max_value=180)
    q = serializers.CharField(required=False, max_length=200, trim_whitespace=True)
    open_now = serializers.BooleanField(required=False, default=False)
    at = LocalDateTimeField(required=False, help_text=_("Default: now (Asia/Shanghai)."))
    radius_m = serializers.FloatField(required=False, min_value=1, max_value=MAX_RADIUS_M)
    limit = serializers.IntegerField(required=False, default=10, min_value=1, max_value=MAX_LIMIT)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        has_lat, has_lon = "lat" in attrs, "lon" in attrs
        if has_lat != has_lon:
            missing = "lon" if has_lat else "lat"
            raise serializers.ValidationError({missing: [_("Give both lat and lon.")]})
        if not has_lat and not attrs.get("q"):
            raise serializers.ValidationError(
                {"lat": [_("Give lat and lon, or q (an address or place name).")]}
            )
        attrs.setdefault("at", timezone.now())
        return attrs


class BboxField(serializers.CharField):
    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        try:
            min_lon, min_lat, max_lon, max_lat = (float(v) for v in text.split(","))
        except ValueError:
            raise serializers.ValidationError(_("Expected minLon,minLat,maxLon,maxLat.")) from None
        if not (-180 <= min_lon < max_lon <= 180 and -90 <= min_lat < max_lat <= 90):
            raise serializers.ValidationError(
                _("Expected minLon < maxLon within ±180 and minLat < maxLat within ±90.")
            )
        return (min_lon, min_lat, max_lon, max_lat)


class StationListInput(StationFilterInput):
    bbox = BboxField(required=False, max_length=200, help_text=_("minLon,minLat,maxLon,maxLat"))
    city = serializers.CharField(required=False, max_length=50)
    district = serializers.CharField(required=False, max_length=50)


class DetailInput(serializers.Serializer):
    crs = CrsField()
    at = LocalDateTimeField(required=False)


def schedule_of(station: Station) -> Schedule:
    weekly: dict[int, list[Period]] = {}
    for p in station.opening_periods.all():
        weekly.setdefault(p.weekday, []).append(Period(p.opens, p.closes))
    exceptions: dict[dt.date, list[Period]] = {}
    for e in station.opening_exceptions.all():
        periods = exceptions.setdefault(e.date, [])
        if not e.closed:
            periods.append(Period(e.opens, e.closes))
    return Schedule(weekly=weekly, exceptions=exceptions)


def is_open(station: Station, schedule: Schedule, moment: dt.datetime) -> bool:
    return station.status == Station.Status.OPEN and schedule.is_open_at(moment)


def opening_hours_output(station: Station, schedule: Schedule) -> dict[str, Any]:
    return {
        "weekly": [
            {"weekday": p.weekday, "opens": f"{p.opens:%H:%M}", "closes": f"{p.closes:%H:%M}"}
            for p in station.opening_periods.all()
        ],
        "exceptions": [
            {
                "date": e.date.isoformat(),
                "closed": e.closed,
                "opens": e.opens and f"{e.opens:%H:%M}",
                "closes": e.closes and f"{e.closes:%H:%M}",
                "note": e.note,
            }
            for e in station.opening_exceptions.all()
        ],
        "always_open": schedule.is_always_open,
        "text": {"zh": schedule.describe("zh-hans"), "en": schedule.describe("en")},
    }


def navigation_links(station: Station) -> dict[str, str]:
    """Amap wants GCJ-02, Baidu BD-09; both open the app (or the web page) at the station."""
    lon, lat = station.location.x, station.location.y
    gcj_lon, gcj_lat = from_wgs84(lon, lat, Crs.GCJ02)
    bd_lon, bd_lat = from_wgs84(lon, lat, Crs.BD09)
    amap = {
        "position": f"{gcj_lon:.6f},{gcj_lat:.6f}",
        "name": station.name,
        "coordinate": "gaode",
        "callnative": 1,
        "src": "yizhan",
    }
    baidu = {
        "location": f"{bd_lat:.6f},{bd_lon:.6f}",
        "title": station.name,
        "content": station.address,
        "coord_type": "bd09ll",
        "output": "html",
        "src": "yizhan",
    }
    return {
        "amap": "https://uri.amap.com/marker?" + urlencode(amap),
        "baidu": "https://api.map.baidu.com/marker?" + urlencode(baidu),
    }


def point_output(lon: float, lat: float, crs: str) -> list[float]:
    x, y = from_wgs84(lon, lat, crs)
    return [round(x, 7), round(y, 7)]


def station_feature(
    station: Station, *, crs: str, moment: dt.datetime, language: str
) -> dict[str, Any]:
    schedule = schedule_of(station)
    english = language.startswith("en")
    properties: dict[str, Any] = {
        "code": station.code,
        "name": station.name,
        "name_en": station.name_en,
        "address": station.address,
        "city": station.city,
        "district": station.district,
        "kind": station.kind,
        "status": station.status,
    }
    distance = getattr(station, "distance_m", None)
    if distance is not None:
        properties["distance_m"] = round(distance, 1)
    properties |= {
        "open_now": is_open(station, schedule, moment),
        "opening_hours": opening_hours_output(station, schedule),
        "amenities": [
            {
                "code": a.amenity_id,
                "name": a.amenity.name_en if english else a.amenity.name,
                "status": a.status,
                "details": a.details,
            }
            for a in station.amenities.all()
        ],
        "phone": station.phone,
        "last_verified_at": station.last_verified_at and station.last_verified_at.isoformat(),
        "is_synthetic": station.is_synthetic,
        "navigation": navigation_links(station),
    }
    return {
        "type": "Feature",
        "id": station.code,
        "geometry": {
            "type": "Point",
            "coordinates": point_output(station.location.x, station.location.y, crs),
        },
        "properties": properties,
    }
