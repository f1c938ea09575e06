"""Input validation for the check-up API, and the GeoJSON it returns."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request

from core.fields import (
    MAX_LIMIT,
    MAX_RADIUS_M,
    TIME_FORMATS,
    CatalogueCodesField,
    LocalDateTimeField,
    MobileNumberField,
    PositionInput,
    point_output,
)
from core.language import is_english
from core.localtime import LOCAL_TZ, local_iso
from services.checkups.models import Booking, CheckupEvent, CheckupKind, Van
from stations.models import Station

DEFAULT_WINDOW = dt.timedelta(days=30)
MAX_WINDOW = dt.timedelta(days=366)


class CheckupKindsField(CatalogueCodesField):
    def catalogue(self, codes: list[str]) -> list[str]:
        return list(CheckupKind.objects.values_list("code", flat=True))


class UpcomingInput(PositionInput):
    # "from" is a Python keyword: declared below
    to = LocalDateTimeField(required=False, help_text=_("Latest start. Default: from + 30 days."))
    kind = CheckupKindsField(required=False, default=list)
    radius_m = serializers.FloatField(required=False, min_value=1, max_value=MAX_RADIUS_M)
    limit = serializers.IntegerField(required=False, default=10, min_value=1, max_value=MAX_LIMIT)
    open_places = serializers.BooleanField(required=False, default=False)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = LocalDateTimeField(
            required=False, help_text=_("Earliest start. Default: now.")
        )
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        starts_from = attrs.setdefault("from", timezone.now())
        starts_to = attrs.setdefault("to", starts_from + DEFAULT_WINDOW)
        if starts_to < starts_from:
            raise serializers.ValidationError({"to": [_("Must not be before “from”.")]})
        if starts_to - starts_from > MAX_WINDOW:
            raise serializers.ValidationError({"to": [_("At most 366 days after “from”.")]})
        return attrs


class BookingInput(serializers.Serializer):
    phone = MobileNumberField(max_length=20)


class BookingCreateInput(BookingInput):
    waiting_list = serializers.BooleanField(
        default=False,
        help_text="When the event is full: join its waiting list (201 with status waiting and "
        "a position) rather than be refused (409).",
    )


def event_feature(
    event: CheckupEvent,
    *,
    crs: str,
    language: str,
    request: Request,
    distance_m: float | None = None,
) -> dict[str, Any]:
    head, tail = event_properties(event, english=is_english(language), request=request)
    distance = {} if distance_m is None else {"distance_m": round(distance_m, 1)}
    return {
        "type": "Feature",
        "id": event.pk,
        "geometry": event_geometry(event, crs),
        "properties": head | distance | tail,
    }


def event_geometry(event: CheckupEvent, crs: str) -> dict[str, Any]:
    return {"type": "Point", "coordinates": point_output(event.location.x, event.location.y, crs)}


def event_properties(
    event: CheckupEvent, *, english: bool, request: Request
) -> tuple[dict[str, Any], dict[str, Any]]:
    """An event's properties in the API's order: those before its distance and those after."""
    head = {
        "id": event.pk,
        "kind": {"code": event.kind_id, "name": event.kind.name_en if english else event.kind.name},
    }
    tail = {
        "starts_at": event.starts_at.astimezone(LOCAL_TZ).isoformat(),
        "ends_at": event.ends_at.astimezone(LOCAL_TZ).isoformat(),
        "status": event.status,
        "station": event.station
        and {
            "code": event.station.code,
            "name": event.station.name,
            "name_en": event.station.name_en,
            "is_synthetic": event.station.is_synthetic,
        },
        "address": event.address,
        "capacity": event.capacity,
        "booked": event.booked,
        "places_left": event.places_left,
        "who_may_come": {
            "union_members_only": event.members_only,
            "women_only": event.women_only,
            "occupations": event.occupations,
            "note": event.eligibility_note,
        },
        "items": event.items,
        "organiser": event.organiser,
        "van": event.van
        and {"id": event.van.pk, "name": event.van.name, "is_synthetic": event.van.is_synthetic},
        "is_synthetic": event.is_synthetic,
        "calendar": request.build_absolute_uri(reverse("v1:checkup-ics", args=[event.pk])),
        "bookings": request.build_absolute_uri(reverse("v1:checkup-bookings", args=[event.pk])),
    }
    return head, tail


# Organisers ---------------------------------------------------------------------------------


class LonLatField(serializers.ListField):
    """A WGS-84 point as ``[lon, lat]``."""

    child = serializers.FloatField()

    def __init__(self, **kwargs):
        super().__init__(min_length=2, max_length=2, **kwargs)

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        if len(values) != 2:
            raise serializers.ValidationError(_("Expected [lon, lat] within WGS-84 ranges."))
        lon, lat = values
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise serializers.ValidationError(_("Expected [lon, lat] within WGS-84 ranges."))
        return Point(lon, lat, srid=4326)

    def to_representation(self, value):
        return [round(value.x, 7), round(value.y, 7)]


@extend_schema_field({"type": "string", "pattern": r"^\d{2}:\d{2}$", "example": "08:30"})
class ClockTimeField(serializers.TimeField):
    """A time of day on the local clock, ``HH:MM`` (seconds accepted, no offset)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", input_formats=TIME_FORMATS, **kwargs)


class VanSerializer(serializers.ModelSerializer):
    depot = LonLatField(help_text=_("[lon, lat] in WGS-84"))
    day_starts = ClockTimeField(help_text=_("HH:MM, local time"))
    day_ends = ClockTimeField(help_text=_("HH:MM, local time"))
    days_off = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6), required=False, max_length=7
    )

    class Meta:
        model = Van
        fields = [
            "id",
            "name",
            "organiser",
            "depot",
            "depot_address",
            "day_starts",
            "day_ends",
            "checkups_per_hour",
            "days_off",
            "is_synthetic",
        ]
        read_only_fields = ["is_synthetic"]
        extra_kwargs = {"checkups_per_hour": {"min_value": 1, "max_value": 200}}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        starts = attrs.get("day_starts", getattr(self.instance, "day_starts", None))
        ends = attrs.get("day_ends", getattr(self.instance, "day_ends", None))
        if starts is not None and ends is not None and ends <= starts:
            raise serializers.ValidationError({"day_ends": [_("Must be after day_starts.")]})
        return attrs


class EventSerializer(serializers.ModelSerializer):
    """An event as organisers write and read it. A new event is at a ``station`` (code) or a
    ``location`` ([lon, lat]) with an address; times are ISO-8601 (Asia/Shanghai if no offset)."""

    kind = serializers.SlugRelatedField(slug_field="code", queryset=CheckupKind.objects.all())
    station = serializers.SlugRelatedField(
        slug_field="code", queryset=Station.objects.all(), required=False, allow_null=True
    )
    location = LonLatField(required=False)
    van = serializers.PrimaryKeyRelatedField(
        queryset=Van.objects.all(), required=False, allow_null=True
    )
    starts_at = LocalDateTimeField()
    ends_at = LocalDateTimeField()
    capacity = serializers.IntegerField(min_value=1, max_value=10_000)
    occupations = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, max_length=50
    )
    items = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=50
    )

    class Meta:
        model = CheckupEvent
        fields = [
            "id",
            "kind",
            "station",
            "location",
            "address",
            "starts_at",
            "ends_at",
            "capacity",
            "booked",
            "organiser",
            "van",
            "members_only",
            "women_only",
            "occupations",
            "eligibility_note",
            "items",
            "status",
            "is_synthetic",
        ]
        read_only_fields = ["booked", "is_synthetic"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is None and not attrs.get("station") and "location" not in attrs:
            raise serializers.ValidationError(
                {"station": [_("Give a station code, or a location [lon, lat].")]}
            )
        starts = attrs.get("starts_at", getattr(self.instance, "starts_at", None))
        ends = attrs.get("ends_at", getattr(self.instance, "ends_at", None))
        if ends <= starts:
            raise serializers.ValidationError({"ends_at": [_("Must be after starts_at.")]})
        return attrs


# Benefits -----------------------------------------------------------------------------------


def attendee_rows(attendees: list[Booking]) -> list[dict[str, Any]]:
    """The attendee list as the organisers' API gives it: never a full phone number."""
    rows, waiting = [], 0
    for booking in attendees:
        state = booking.attendance
        waiting += state == Booking.Attendance.WAITING
        rows.append(
            {
                "reference": booking.reference,
                "phone": booking.masked_phone,
                "booked_at": local_iso(booking.created_at),
                "status": state.value,
                "status_text": str(state.label),
                "waiting_position": waiting if state == Booking.Attendance.WAITING else None,
                "checked_in_at": local_iso(booking.checked_in_at),
                "no_show_at": local_iso(booking.no_show_at),
                "cancelled_at": local_iso(booking.cancelled_at),
            }
        )
    return rows
