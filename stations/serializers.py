"""Input validation for the station API, and the GeoJSON it returns.

Output is built as plain dicts from :class:`~stations.selectors.StationView` values: GeoJSON by
hand is several times cheaper than a serializer per feature, and the shape is fixed by the API
contract."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from stations.coordinates import Crs, from_wgs84, in_every_crs
from stations.models import Station
from stations.opening_hours import LOCAL_TZ, Schedule
from stations.selectors import (
    StationRef,
    StationView,
    amenity_codes,
    exceptions_since,
    station_views,
)

MAX_LIMIT = 100
MAX_RADIUS_M = 50_000


class CommaSeparatedListField(serializers.ListField):
    """Accepts ``?amenity=a&amenity=b`` and ``?amenity=a,b``."""

    def to_internal_value(self, data):
        values = [part.strip() for item in data for part in str(item).split(",") if part.strip()]
        return super().to_internal_value(values)


class CatalogueCodesField(CommaSeparatedListField):
    """Codes from a catalogue (amenities, check-up kinds): unknown ones are refused with the
    list of valid codes; repeats are dropped."""

    child = serializers.CharField(max_length=40)

    def catalogue(self, codes: list[str]) -> list[str]:
        raise NotImplementedError

    def to_internal_value(self, data):
        codes = super().to_internal_value(data)
        valid = self.catalogue(codes)
        unknown = [c for c in codes if c not in valid]
        if unknown:
            raise serializers.ValidationError(
                _("Unknown code(s): %(unknown)s. Valid codes: %(valid)s.")
                % {"unknown": ", ".join(unknown), "valid": ", ".join(valid)}
            )
        return list(dict.fromkeys(codes))


class AmenityCodesField(CatalogueCodesField):
    def catalogue(self, codes: list[str]) -> list[str]:
        return amenity_codes(including=codes)


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


class PositionInput(serializers.Serializer):
    """A worker's position in the coordinate system they use."""

    crs = CrsField()
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lon = serializers.FloatField(min_value=-180, max_value=180)


class CrsInput(serializers.Serializer):
    crs = CrsField()


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


def opening_hours_output(station: StationView, schedule: Schedule) -> dict[str, Any]:
    return {
        "weekly": [
            {"weekday": weekday, "opens": opens[:5], "closes": closes[:5]}
            for weekday, opens, closes in station.weekly
        ],
        "exceptions": [
            {
                "date": date,
                "closed": closed,
                "opens": opens and opens[:5],
                "closes": closes and closes[:5],
                "note": note,
            }
            for date, closed, opens, closes, note in station.exceptions
        ],
        "always_open": schedule.is_always_open,
        "text": {"zh": schedule.describe("zh-hans"), "en": schedule.describe("en")},
    }


def navigation_links(station: StationView, where: dict[Crs, tuple[float, float]]) -> dict[str, str]:
    """Amap wants GCJ-02, Baidu BD-09; both open the app (or the web page) at the station."""
    gcj_lon, gcj_lat = where[Crs.GCJ02]
    bd_lon, bd_lat = where[Crs.BD09]
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


def rounded(point: tuple[float, float]) -> list[float]:
    return [round(point[0], 7), round(point[1], 7)]


def point_output(lon: float, lat: float, crs: str) -> list[float]:
    return rounded(from_wgs84(lon, lat, crs))


def point_echo(lon: float, lat: float, crs: str) -> dict[str, list[float]]:
    """The query point used, in WGS-84 and in the client's crs."""
    return {"wgs84": rounded((lon, lat)), crs: point_output(lon, lat, crs)}


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class EncodedStation:
    """A station's GeoJSON Feature as JSON text, but for what each request decides (distance,
    open now, which crs): ``heads`` (per crs) and ``tail`` are the text before and after those."""

    schedule: Schedule
    open_status: bool
    heads: dict[str, str]
    """Per crs: the Feature up to and including the fixed leading properties."""
    tail: str

    def feature(self, *, crs: str, moment: dt.datetime, distance_m: float | None) -> str:
        # repr of a float is its JSON text
        middle = "" if distance_m is None else f'"distance_m":{round(distance_m, 1)!r},'
        open_now = "true" if self.open_status and self.schedule.is_open_at(moment) else "false"
        return f'{self.heads[crs]}{middle}"open_now":{open_now},{self.tail}}}}}'


def encode_station(station: StationView, *, english: bool) -> EncodedStation:
    schedule = station.schedule()
    where = in_every_crs(station.lon, station.lat)
    name_index = 2 if english else 1
    head = {
        "code": station.code,
        "name": station.name,
        "name_en": station.name_en,
        "address": station.address,
        "city": station.city,
        "district": station.district,
        "kind": station.kind,
        "status": station.status,
    }
    tail = {
        "opening_hours": opening_hours_output(station, schedule),
        "amenities": [
            {"code": a[0], "name": a[name_index], "status": a[3], "details": a[4]}
            for a in station.amenities
        ],
        "phone": station.phone,
        "last_verified_at": station.last_verified_at and station.last_verified_at.isoformat(),
        "is_synthetic": station.is_synthetic,
        "navigation": navigation_links(station, where),
    }
    heads = {
        crs.value: to_json(
            {
                "type": "Feature",
                "id": station.code,
                "geometry": {"type": "Point", "coordinates": rounded(point)},
                "properties": head,
            }
        )[:-2]  # open the properties again: the per-request ones follow
        + ","
        for crs, point in where.items()
    }
    return EncodedStation(
        schedule=schedule, open_status=station.is_open_status, heads=heads, tail=to_json(tail)[1:-1]
    )


class EncodedStationCache:
    """Encoded stations by (id, version, first exception date shown, english), least recently
    used dropped first. The version comes from the query that found the station, and the
    database raises it on every change, so an entry is never stale; only encoding is saved."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._entries: OrderedDict[tuple, EncodedStation] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> EncodedStation | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple, entry: EncodedStation) -> None:
        with self._lock:
            self._entries[key] = entry
            if len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)


encoded_stations = EncodedStationCache(settings.YIZHAN_ENCODED_STATION_CACHE_SIZE)


def features_json(
    refs: Sequence[StationRef], *, crs: str, moment: dt.datetime, language: str
) -> list[str]:
    """The stations found, as GeoJSON Feature texts in the order given; one query for those
    not encoded yet, none when all are."""
    english = language.startswith("en")
    moment = moment.astimezone(LOCAL_TZ)  # once, not once per station
    since = exceptions_since(moment)
    found = {ref.id: encoded_stations.get((ref.id, ref.version, since, english)) for ref in refs}
    missing = [station_id for station_id, entry in found.items() if entry is None]
    if missing:
        for view in station_views(missing, moment=moment):
            found[view.id] = encode_station(view, english=english)
            encoded_stations.put((view.id, view.version, since, english), found[view.id])
    return [
        found[ref.id].feature(crs=crs, moment=moment, distance_m=ref.distance_m)
        for ref in refs
        if found[ref.id] is not None
    ]


def json_response(document: dict[str, Any], features: list[str]) -> HttpResponse:
    """``document`` as JSON with the already-encoded features spliced in as its "features"
    array (encoding them again would cost more than the rest of the request)."""
    text = f'{to_json(document)[:-1]},"features":[{",".join(features)}]}}'
    return HttpResponse(text, content_type="application/json")
