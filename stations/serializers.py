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

from core.language import is_english
from stations.coordinates import Crs, from_wgs84, in_every_crs
from stations.models import (
    OpeningException,
    OpeningPeriod,
    Station,
    StationAmenity,
    StationChange,
)
from stations.opening_hours import LOCAL_TZ, Schedule
from stations.records import exceptions_problem, weekly_problem
from stations.selectors import (
    StationRef,
    StationView,
    amenity_codes,
    exceptions_since,
    stale_before,
    station_views,
)

MAX_LIMIT = 100
MAX_RADIUS_M = 50_000


class CommaSeparatedListField(serializers.ListField):
    """Accepts ``?amenity=a&amenity=b`` and ``?amenity=a,b``."""

    def to_internal_value(self, data):
        values = [part.strip() for item in data for part in str(item).split(",") if part.strip()]
        return super().to_internal_value(values)


def refuse_unknown(codes: Sequence[str], valid: Sequence[str]) -> None:
    """Refuse codes not in a catalogue, listing the valid ones."""
    unknown = [code for code in codes if code not in valid]
    if unknown:
        raise serializers.ValidationError(
            _("Unknown code(s): %(unknown)s. Valid codes: %(valid)s.")
            % {"unknown": ", ".join(unknown), "valid": ", ".join(valid)}
        )


class CatalogueCodesField(CommaSeparatedListField):
    """Codes from a catalogue (amenities, check-up kinds): unknown ones are refused with the
    list of valid codes; repeats are dropped."""

    child = serializers.CharField(max_length=40)

    def catalogue(self, codes: list[str]) -> list[str]:
        raise NotImplementedError

    def to_internal_value(self, data):
        codes = super().to_internal_value(data)
        valid = self.catalogue(codes)
        refuse_unknown(codes, valid)
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


# The moments and days the API accepts: wide enough for any real question, narrow enough that
# every date computation on them (a day before, a year after, local time) stays in range.
EARLIEST_DAY = dt.date(1970, 1, 1)
LATEST_DAY = dt.date(2199, 12, 31)


class LocalDateTimeField(serializers.DateTimeField):
    """ISO-8601 between 1970 and 2199; a time without an offset is read as Asia/Shanghai. The
    value is returned in UTC (PostgreSQL refuses offsets beyond ±15:59 that Python accepts) and
    shown in Asia/Shanghai."""

    default_error_messages = {
        "out_of_range": _("Give a moment between 1970 and 2199."),
    }

    def enforce_timezone(self, value: dt.datetime) -> dt.datetime:
        if timezone.is_naive(value):
            return value.replace(tzinfo=LOCAL_TZ)
        return value

    def to_internal_value(self, value: Any) -> dt.datetime:
        moment = super().to_internal_value(value)
        try:
            in_utc = moment.astimezone(dt.UTC)
        except OverflowError:
            self.fail("out_of_range")
        if not EARLIEST_DAY <= in_utc.date() <= LATEST_DAY:
            self.fail("out_of_range")
        return in_utc

    def to_representation(self, value: dt.datetime | None) -> str | None:
        return super().to_representation(value and value.astimezone(LOCAL_TZ))


class BoundedDateField(serializers.DateField):
    """A calendar day between 1970 and 2199."""

    default_error_messages = {"out_of_range": _("Give a day between 1970 and 2199.")}

    def to_internal_value(self, value: Any) -> dt.date:
        day = super().to_internal_value(value)
        if not EARLIEST_DAY <= day <= LATEST_DAY:
            self.fail("out_of_range")
        return day


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


def has_position(attrs: dict[str, Any]) -> bool:
    """Whether an optional lat/lon pair was given; one without the other is refused."""
    has_lat, has_lon = "lat" in attrs, "lon" in attrs
    if has_lat != has_lon:
        missing = "lon" if has_lat else "lat"
        raise serializers.ValidationError({missing: [_("Give both lat and lon.")]})
    return has_lat


class NearestInput(StationFilterInput):
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
    lon = serializers.FloatField(required=False, min_value=-180, max_value=180)
    q = serializers.CharField(required=False, max_length=200, trim_whitespace=True)
    open_now = serializers.BooleanField(required=False, default=False)
    at = LocalDateTimeField(required=False, help_text=_("Default: now (Asia/Shanghai)."))
    radius_m = serializers.FloatField(required=False, min_value=1, max_value=MAX_RADIUS_M)
    limit = serializers.IntegerField(required=False, default=10, min_value=1, max_value=MAX_LIMIT)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not has_position(attrs) and not attrs.get("q"):
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


def _overnight(opens: str, closes: str) -> bool:
    """Runs past midnight (not the whole day 00:00–00:00); "HH:MM:SS" texts compare as times."""
    return closes <= opens and not opens == closes == "00:00:00"


def opening_hours_output(station: StationView, schedule: Schedule) -> dict[str, Any]:
    return {
        "weekly": [
            {
                "weekday": weekday,
                "opens": opens[:5],
                "closes": closes[:5],
                "overnight": _overnight(opens, closes),
            }
            for weekday, opens, closes in station.weekly
        ],
        "exceptions": [
            {
                "date": date,
                "closed": closed,
                "opens": opens and opens[:5],
                "closes": closes and closes[:5],
                "overnight": not closed and _overnight(opens, closes),
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
    confirmed_at: dt.datetime | None
    stale_notice: str
    """JSON text of the notice shown while the station is stale."""
    heads: dict[str, str]
    """Per crs: the Feature up to and including the fixed leading properties."""
    tail: str

    def feature(
        self, *, crs: str, moment: dt.datetime, distance_m: float | None, stale_before: dt.datetime
    ) -> str:
        # repr of a float is its JSON text
        middle = "" if distance_m is None else f'"distance_m":{round(distance_m, 1)!r},'
        open_now = "true" if self.open_status and self.schedule.is_open_at(moment) else "false"
        if self.confirmed_at is None or self.confirmed_at < stale_before:
            freshness = f'"stale":true,"stale_notice":{self.stale_notice},'
        else:
            freshness = '"stale":false,"stale_notice":null,'
        return f'{self.heads[crs]}{middle}"open_now":{open_now},{freshness}{self.tail}}}}}'


STALE_NOTICE = _("Not confirmed for a while: call the station to confirm before you go.")


def encode_station(station: StationView, *, english: bool) -> EncodedStation:
    """Encoded in the active language (the stale notice); ``english`` picks the amenity names
    (the caller's language, which is the active one)."""
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
        schedule=schedule,
        open_status=station.is_open_status,
        confirmed_at=station.confirmed_at,
        stale_notice=to_json(str(STALE_NOTICE)),
        heads=heads,
        tail=to_json(tail)[1:-1],
    )


def station_feature(station: StationView, *, crs: str, moment: dt.datetime, language: str) -> str:
    """One station as a GeoJSON Feature text (no distance), in the caller's language."""
    encoded = encode_station(station, english=is_english(language))
    return encoded.feature(crs=crs, moment=moment, distance_m=None, stale_before=stale_before())


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
    english = is_english(language)
    moment = moment.astimezone(LOCAL_TZ)  # once, not once per station
    since, cutoff = exceptions_since(moment), stale_before()
    found = {ref.id: encoded_stations.get((ref.id, ref.version, since, english)) for ref in refs}
    missing = [station_id for station_id, entry in found.items() if entry is None]
    if missing:
        for view in station_views(missing, moment=moment):
            found[view.id] = encode_station(view, english=english)
            encoded_stations.put((view.id, view.version, since, english), found[view.id])
    return [
        found[ref.id].feature(
            crs=crs, moment=moment, distance_m=ref.distance_m, stale_before=cutoff
        )
        for ref in refs
        if found[ref.id] is not None
    ]


def json_response(document: dict[str, Any], features: list[str]) -> HttpResponse:
    """``document`` as JSON with the already-encoded features spliced in as its "features"
    array (encoding them again would cost more than the rest of the request)."""
    text = f'{to_json(document)[:-1]},"features":[{",".join(features)}]}}'
    return HttpResponse(text, content_type="application/json")


# Managers' writes -------------------------------------------------------------------------


class StrictSerializer(serializers.Serializer):
    """Refuses members it does not know, rather than ignoring them: a manager who sends
    ``"name"`` must learn it was not changed."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: [_("Not a field you can change here.")] for name in unknown}
                )
        return super().to_internal_value(data)


MIDNIGHT = dt.time(0)
TIME_FORMATS = ["%H:%M", "%H:%M:%S"]


class PeriodTimesInput(StrictSerializer):
    """``closes`` must come after ``opens`` unless ``overnight`` says the period runs past
    midnight; 00:00–00:00 is the whole day."""

    opens = serializers.TimeField(input_formats=TIME_FORMATS)
    closes = serializers.TimeField(input_formats=TIME_FORMATS)
    overnight = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        opens, closes = attrs.get("opens"), attrs.get("closes")
        whole_day = opens == closes == MIDNIGHT
        if opens is not None and closes <= opens and not whole_day and not attrs["overnight"]:
            raise serializers.ValidationError(
                {"closes": [_("Must be after opens (set overnight for hours past midnight).")]}
            )
        return attrs


class WeeklyPeriodInput(PeriodTimesInput):
    weekday = serializers.IntegerField(min_value=0, max_value=6, help_text=_("0 = Monday"))


class OpeningExceptionInput(PeriodTimesInput):
    date = BoundedDateField()
    closed = serializers.BooleanField(required=False, default=False)
    opens = serializers.TimeField(input_formats=TIME_FORMATS, required=False, allow_null=True)
    closes = serializers.TimeField(input_formats=TIME_FORMATS, required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        has_times = attrs.get("opens") is not None, attrs.get("closes") is not None
        if attrs["closed"] and any(has_times):
            raise serializers.ValidationError(
                {"opens": [_("A day closed all day has no opening times.")]}
            )
        if not attrs["closed"] and not all(has_times):
            missing = "opens" if not has_times[0] else "closes"
            raise serializers.ValidationError(
                {missing: [_("Give opens and closes, or closed: true.")]}
            )
        return super().validate(attrs)


class OpeningHoursInput(StrictSerializer):
    """Replaces the weekly periods and/or the dated exceptions (whichever is given)."""

    weekly = WeeklyPeriodInput(many=True, required=False, max_length=50)
    exceptions = OpeningExceptionInput(many=True, required=False, max_length=400)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        weekly = [
            OpeningPeriod(weekday=p["weekday"], opens=p["opens"], closes=p["closes"])
            for p in attrs.get("weekly", [])
        ]
        exceptions = [
            OpeningException(
                date=e["date"],
                closed=e["closed"],
                opens=e.get("opens"),
                closes=e.get("closes"),
                note=e["note"],
            )
            for e in attrs.get("exceptions", [])
        ]
        for name, problem in [
            ("weekly", weekly_problem(weekly)),
            ("exceptions", exceptions_problem(exceptions)),
        ]:
            if problem:
                raise serializers.ValidationError({name: [problem]})
        return {
            "weekly": weekly if "weekly" in attrs else None,
            "exceptions": exceptions if "exceptions" in attrs else None,
        }


class StationPatchInput(StrictSerializer):
    status = serializers.ChoiceField(choices=Station.Status.choices, required=False)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=32)
    seats = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=9999)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    opening_hours = OpeningHoursInput(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError(_("Nothing to change."))
        return attrs


class AmenityCodeField(serializers.CharField):
    """One code of the amenity catalogue (unknown → the list of valid codes)."""

    def __init__(self, **kwargs):
        super().__init__(max_length=40, **kwargs)

    def to_internal_value(self, data):
        code = super().to_internal_value(data)
        refuse_unknown([code], amenity_codes(including=[code]))
        return code


class StationAmenityPatchInput(StrictSerializer):
    status = serializers.ChoiceField(choices=StationAmenity.Status.choices, required=False)
    details = serializers.CharField(required=False, allow_blank=True, max_length=200)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError(_("Nothing to change."))
        return attrs


class StationAmenityAddInput(StrictSerializer):
    amenity = AmenityCodeField()
    status = serializers.ChoiceField(
        choices=StationAmenity.Status.choices, default=StationAmenity.Status.AVAILABLE
    )
    details = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class StationChangeOutput(serializers.ModelSerializer):
    by = serializers.CharField(source="actor_name")

    class Meta:
        model = StationChange
        fields = ["id", "at", "by", "source", "action", "changes"]
