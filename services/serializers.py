"""Input validation for the check-up API, and the GeoJSON it returns."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.request import Request

from services.models import CheckupEvent, CheckupKind
from services.services import normalise_mobile
from stations.opening_hours import LOCAL_TZ
from stations.serializers import (
    MAX_LIMIT,
    MAX_RADIUS_M,
    CatalogueCodesField,
    LocalDateTimeField,
    PositionInput,
    point_output,
)

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


class MobileNumberField(serializers.CharField):
    default_error_messages = {
        "invalid": _("Give a mainland China mobile number (11 digits, 13x–19x).")
    }

    def to_internal_value(self, data):
        phone = normalise_mobile(super().to_internal_value(data))
        if phone is None:
            self.fail("invalid")
        return phone


class BookingInput(serializers.Serializer):
    phone = MobileNumberField(max_length=20)


def event_feature(
    event: CheckupEvent,
    *,
    crs: str,
    language: str,
    request: Request,
    distance_m: float | None = None,
) -> dict[str, Any]:
    english = language.startswith("en")
    properties: dict[str, Any] = {
        "id": event.pk,
        "kind": {"code": event.kind_id, "name": event.kind.name_en if english else event.kind.name},
    }
    if distance_m is not None:
        properties["distance_m"] = round(distance_m, 1)
    properties |= {
        "starts_at": event.starts_at.astimezone(LOCAL_TZ).isoformat(),
        "ends_at": event.ends_at.astimezone(LOCAL_TZ).isoformat(),
        "status": event.status,
        "station": event.station and {"code": event.station.code, "name": event.station.name},
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
        "van": event.van and event.van.name,
        "calendar": request.build_absolute_uri(reverse("v1:checkup-ics", args=[event.pk])),
        "bookings": request.build_absolute_uri(reverse("v1:checkup-bookings", args=[event.pk])),
    }
    return {
        "type": "Feature",
        "id": event.pk,
        "geometry": {
            "type": "Point",
            "coordinates": point_output(event.location.x, event.location.y, crs),
        },
        "properties": properties,
    }
