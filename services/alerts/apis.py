"""The weather warnings in force where a worker is, with what to do."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import ERROR_400, PublicApi, validated
from core.fields import PositionInput, position_in_wgs84
from core.localtime import local_iso
from services.alerts.models import WeatherAlert
from services.alerts.selectors import alerts_at


def alert_output(alert: WeatherAlert) -> dict[str, Any]:
    return {
        "kind": alert.kind,
        "level": alert.level,
        "title": alert.title(),
        "headline": alert.headline,
        "advice": alert.advice(),
        "instruction": alert.instruction,
        "area": alert.area_description,
        "issued_by": alert.sender_name or alert.sender,
        "effective": local_iso(alert.effective),
        "expires": local_iso(alert.expires),
    }


class AlertsApi(PublicApi):
    cache_max_age = 60

    @extend_schema(
        operation_id="alerts_at",
        summary="The weather warnings in force at a position, most severe first",
        parameters=[PositionInput],
        responses={200: OpenApiTypes.OBJECT, 400: ERROR_400},
    )
    def get(self, request: Request) -> Response:
        lon, lat = position_in_wgs84(validated(PositionInput, request))
        found = alerts_at(lon=lon, lat=lat, now=timezone.now())
        return Response({"alerts": [alert_output(alert) for alert in found]})
