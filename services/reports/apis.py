"""Workers' reports of a station: anyone reports and reads the notices; the station's managers
read the open reports and resolve them."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import ERROR_400, PublicApi, validated_body
from core.fields import MobileNumberField
from core.localtime import local_iso
from core.throttles import AddressThrottle
from services.reports.models import StationReport
from services.reports.selectors import open_reports
from services.reports.serializers import notices_output
from services.reports.services import client_digest, report_create, reports_resolve
from stations.apis import ManagerApi
from stations.models import Station


class ReportThrottle(AddressThrottle):
    """Reports per client address, whatever the station (``YIZHAN_REPORT_RATE``, 30 an hour)."""

    scope = "report"


class ReportInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=StationReport.Kind.choices)
    note = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    phone = MobileNumberField(max_length=20, required=False, default="", allow_blank=True)


ERROR_404 = OpenApiResponse(OpenApiTypes.OBJECT, description="No station with that code.")


class StationReportsApi(PublicApi):
    cache_max_age = 30  # a notice may appear with any report
    throttle_classes = (ReportThrottle,)

    def get_throttles(self):
        return super().get_throttles() if self.request.method == "POST" else []

    @extend_schema(
        operation_id="station_reports_notices",
        summary="What enough workers have reported about a station lately (the trust rule)",
        responses={200: OpenApiTypes.OBJECT, 404: ERROR_404},
    )
    def get(self, request: Request, code: str) -> Response:
        return Response(notices_output(get_object_or_404(Station, code=code)))

    @extend_schema(
        operation_id="station_report_create",
        summary="Report what is wrong at a station (or that everything is fine); no account",
        request=ReportInput,
        responses={
            201: OpenApiTypes.OBJECT,
            400: ERROR_400,
            404: ERROR_404,
            429: OpenApiTypes.OBJECT,
        },
    )
    def post(self, request: Request, code: str) -> Response:
        station = get_object_or_404(Station, code=code)
        data = validated_body(ReportInput, request)
        client = client_digest(ReportThrottle().get_ident(request))
        report = report_create(station=station, client=client, **data)
        answer = notices_output(station) | {
            "report": {"kind": report.kind, "reported_at": local_iso(report.created_at)},
            "message": _("Thank you: other workers will see it once several say the same."),
        }
        return Response(answer, status=status.HTTP_201_CREATED)


def report_output(report: StationReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "kind": report.kind,
        "text": str(StationReport.Kind(report.kind).label),
        "note": report.note,
        "phone": report.masked_phone,
        "reported_at": local_iso(report.created_at),
    }


class StationOpenReportsApi(ManagerApi):
    @extend_schema(
        operation_id="station_reports_open",
        summary="The station's reports that still count, for its managers (phones masked)",
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, code: str) -> Response:
        station = get_object_or_404(Station, code=code)
        reports = open_reports(station=station, now=timezone.now())
        return Response(notices_output(station) | {"reports": [report_output(r) for r in reports]})


class ResolveInput(serializers.Serializer):
    resolution = serializers.ChoiceField(choices=StationReport.Resolution.choices)
    kind = serializers.ChoiceField(
        choices=StationReport.Kind.choices,
        required=False,
        help_text="Only this kind (all if absent).",
    )


class StationReportsResolveApi(ManagerApi):
    @extend_schema(
        operation_id="station_reports_resolve",
        summary="Answer the station's open reports: fixed, not true, or the station is closed",
        request=ResolveInput,
        responses={200: OpenApiTypes.OBJECT, 400: ERROR_400},
    )
    def post(self, request: Request, code: str) -> Response:
        station = get_object_or_404(Station, code=code)
        data = validated_body(ResolveInput, request)
        resolved = reports_resolve(
            station=station,
            resolution=data["resolution"],
            kind=data.get("kind"),
            actor=request.user,
        )
        return Response(notices_output(station) | {"resolved": resolved})
