"""Input fields and output helpers that every app's API uses: catalogue codes, the coordinate
system, moments and days in range, a position, points in the client's coordinate system."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.coordinates import Crs, from_wgs84, to_wgs84
from core.localtime import LOCAL_TZ
from core.phones import normalise_mobile

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


def PositionCrsField() -> CrsField:
    return CrsField(
        required=False,
        default=None,
        help_text=_("Coordinate system of lat/lon when it is not crs: a phone's GPS position "
                    "(wgs84) asked about on an Amap map (crs=gcj02). Default: crs."),
    )  # fmt: skip


def position_in_wgs84(params: dict[str, Any]) -> tuple[float, float]:
    """The asked position (lon, lat) in WGS-84, from ``position_crs`` or else ``crs``."""
    return to_wgs84(params["lon"], params["lat"], params.get("position_crs") or params["crs"])


class PositionInput(serializers.Serializer):
    """A worker's position in the coordinate system they use."""

    crs = CrsField()
    position_crs = PositionCrsField()
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


def rounded(point: tuple[float, float]) -> list[float]:
    return [round(point[0], 7), round(point[1], 7)]


def point_output(lon: float, lat: float, crs: str) -> list[float]:
    return rounded(from_wgs84(lon, lat, crs))


def point_echo(lon: float, lat: float, crs: str) -> dict[str, list[float]]:
    """The query point used, in WGS-84 and in the client's crs."""
    return {"wgs84": rounded((lon, lat)), crs: point_output(lon, lat, crs)}


TIME_FORMATS = ["%H:%M", "%H:%M:%S"]


class MobileNumberField(serializers.CharField):
    default_error_messages = {
        "invalid": _("Give a mainland China mobile number (11 digits, 13x–19x).")
    }

    def to_internal_value(self, data):
        phone = normalise_mobile(super().to_internal_value(data))
        if phone is None:
            self.fail("invalid")
        return phone
