"""Input validation for the station API (what a request may ask and change). The GeoJSON it
returns is built in :mod:`stations.geojson`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.fields import (
    MAX_LIMIT,
    MAX_RADIUS_M,
    TIME_FORMATS,
    BoundedDateField,
    CatalogueCodesField,
    CommaSeparatedListField,
    CrsField,
    CrsInput,
    LocalDateTimeField,
    PositionCrsField,
    has_position,
    refuse_unknown,
)
from stations.models import (
    OpeningException,
    OpeningPeriod,
    Station,
    StationAmenity,
    StationChange,
    WarningRule,
)
from stations.records import exceptions_problem, weekly_problem
from stations.selectors import (
    amenity_codes,
    known_cities,
)


class AmenityCodesField(CatalogueCodesField):
    def catalogue(self, codes: list[str]) -> list[str]:
        return amenity_codes(including=codes)


class KindsField(CommaSeparatedListField):
    child = serializers.ChoiceField(choices=Station.Kind.choices)


class StationFilterInput(serializers.Serializer):
    crs = CrsField()
    amenity = AmenityCodesField(required=False, default=list)
    kind = KindsField(required=False, default=list)


MIN_CELL_DEGREES, MAX_CELL_DEGREES = 0.0001, 0.01  # ≈11 m to ≈1.1 km of latitude


class NearestInput(StationFilterInput):
    position_crs = PositionCrsField()
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
    lon = serializers.FloatField(required=False, min_value=-180, max_value=180)
    q = serializers.CharField(required=False, max_length=200, trim_whitespace=True)
    near_lat = serializers.FloatField(
        required=False,
        min_value=-90,
        max_value=90,
        help_text=_("With q: where the client is (WGS-84), to rank places of the same name."),
    )
    near_lon = serializers.FloatField(required=False, min_value=-180, max_value=180)
    open_now = serializers.BooleanField(required=False, default=False)
    at = LocalDateTimeField(required=False, help_text=_("Default: now (Asia/Shanghai)."))
    radius_m = serializers.FloatField(required=False, min_value=1, max_value=MAX_RADIUS_M)
    limit = serializers.IntegerField(required=False, default=10, min_value=1, max_value=MAX_LIMIT)
    mode = serializers.ChoiceField(
        choices=["auto", "heat", "cold", "off"],
        default="auto",
        help_text=_(
            "heat: open stations with cooling and drinking water within 5 km first; cold: "
            "heating and hot water first; auto (default): as the heat or cold warning in force "
            "at the position says, if any; off: distance only."
        ),
    )

    cell = serializers.FloatField(
        required=False,
        min_value=MIN_CELL_DEGREES,
        max_value=MAX_CELL_DEGREES,
        help_text=_(
            "For answers a shared cache can keep: lat and lon rounded to multiples of this many "
            "degrees (0.0001–0.01). The answer then holds every station that could be among "
            "the `limit` nearest (within radius_m) of any point of that cell, for the client "
            "to rank by its true position. Needs mode=off."
        ),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not has_position(attrs) and not attrs.get("q"):
            raise serializers.ValidationError(
                {"lat": [_("Give lat and lon, or q (an address or place name).")]}
            )
        if "cell" in attrs:
            validate_cell(attrs)
        attrs.setdefault("at", timezone.now())
        return attrs


def validate_cell(attrs: dict[str, Any]) -> None:
    """A snapped position: lat and lon on the cell's grid, distance order only."""
    cell = attrs["cell"]
    if "lat" not in attrs:
        raise serializers.ValidationError({"cell": [_("Give lat and lon with cell, not q.")]})
    if attrs["mode"] != "off":
        raise serializers.ValidationError(
            {"mode": [_("With cell, give mode=off: the heat and cold rankings are for one point.")]}
        )
    for name in ("lat", "lon"):
        steps = attrs[name] / cell
        if abs(steps - round(steps)) > 1e-6:
            raise serializers.ValidationError(
                {name: [_("Round to a multiple of cell (%s degrees).") % cell]}
            )


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
    modified_after = LocalDateTimeField(
        required=False,
        help_text=_(
            "Only the stations changed at or after this moment (ISO 8601; without an offset, "
            "Beijing time), and the codes of those removed since ('removed'). Ask next time "
            "from the answer's Yizhan-Next-Modified-After header."
        ),
    )


class MapInput(StationFilterInput):
    bbox = BboxField(max_length=200, help_text=_("minLon,minLat,maxLon,maxLat, in crs"))
    zoom = serializers.IntegerField(min_value=0, max_value=22, help_text=_("The map's zoom."))


class DetailInput(serializers.Serializer):
    crs = CrsField()
    at = LocalDateTimeField(required=False)


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
                {
                    "closes": [
                        _("Must be after opens, unless the hours run past midnight (overnight).")
                    ]
                }
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


class WarningRuleInput(StrictSerializer):
    """While a heat or cold warning is in force where the station stands: a daily period added
    to the day's hours (``opens`` and ``closes``, or neither) and/or extra services."""

    warning = serializers.ChoiceField(choices=WarningRule.Kind.choices)
    opens = serializers.TimeField(input_formats=TIME_FORMATS, required=False, allow_null=True)
    closes = serializers.TimeField(input_formats=TIME_FORMATS, required=False, allow_null=True)
    overnight = serializers.BooleanField(required=False, default=False)
    services = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        opens, closes = attrs.get("opens"), attrs.get("closes")
        if (opens is None) != (closes is None):
            missing = "opens" if opens is None else "closes"
            raise serializers.ValidationError({missing: [_("Give opens and closes, or neither.")]})
        if opens is None and not attrs["services"].strip():
            raise serializers.ValidationError(
                {"services": [_("Give longer hours, extra services, or both.")]}
            )
        if opens is not None:
            PeriodTimesInput().validate(attrs)
        return attrs


class OpeningHoursInput(StrictSerializer):
    """Replaces the weekly periods, the dated exceptions and/or the warning-day rules
    (whichever is given)."""

    weekly = WeeklyPeriodInput(many=True, required=False, max_length=50)
    exceptions = OpeningExceptionInput(many=True, required=False, max_length=400)
    during_warnings = WarningRuleInput(many=True, required=False, max_length=2)

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
        rules = [
            WarningRule(
                kind=r["warning"],
                opens=r.get("opens"),
                closes=r.get("closes"),
                services=r["services"],
            )
            for r in attrs.get("during_warnings", [])
        ]
        kinds = [rule.kind for rule in rules]
        for name, problem in [
            ("weekly", weekly_problem(weekly)),
            ("exceptions", exceptions_problem(exceptions)),
            ("during_warnings", len(set(kinds)) < len(kinds) and _("One rule per warning.")),
        ]:
            if problem:
                raise serializers.ValidationError({name: [problem]})
        return {
            "weekly": weekly if "weekly" in attrs else None,
            "exceptions": exceptions if "exceptions" in attrs else None,
            "warning_rules": rules if "during_warnings" in attrs else None,
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


class CityField(serializers.CharField):
    def to_internal_value(self, data):
        city = super().to_internal_value(data)
        cities = known_cities()
        if city not in cities:
            raise serializers.ValidationError(
                _("Unknown city “%(city)s”. Known: %(cities)s.")
                % {"city": city, "cities": "、".join(cities)}
            )
        return city


class CoverageInput(CrsInput):
    city = serializers.CharField(max_length=50, help_text=_("A city with boundaries: 深圳市."))

    def validate_city(self, value: str) -> str:
        if value not in known_cities():
            raise serializers.ValidationError(_("No boundaries for the city “%s”.") % value)
        return value
