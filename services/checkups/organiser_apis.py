"""The organisers' API: vans and check-up events (create, read, change, delete). Van visits
are checked by the van rules (409 with the reason); see services.checkups.services."""

from __future__ import annotations

import dataclasses
import io

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import (
    ORGANISER_ERRORS,
    OrganiserApi,
    Pagination,
    page_of,
    validated,
    validated_body,
)
from core.fields import LocalDateTimeField
from core.localtime import LOCAL_TZ
from core.tables import TABLE_TYPES, write_table
from services.checkups.models import Booking, CheckupEvent, Van
from services.checkups.selectors import attendance_counts, checkup_queryset, event_attendees
from services.checkups.serializers import EventSerializer, VanSerializer, attendee_rows
from services.checkups.services import (
    AttendanceMark,
    booking_attendance_record,
    checkup_event_delete,
    checkup_event_save,
    van_delete,
)


class VanListApi(OrganiserApi):
    @extend_schema(
        operation_id="vans_list", responses={200: VanSerializer(many=True), **ORGANISER_ERRORS}
    )
    def get(self, request: Request) -> Response:
        return Response(VanSerializer(Van.objects.order_by("name"), many=True).data)

    @extend_schema(
        operation_id="van_create",
        request=VanSerializer,
        responses={201: VanSerializer, **ORGANISER_ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = validated_body(VanSerializer, request)
        van = Van(**data)
        van.full_clean()
        van.save()
        return Response(VanSerializer(van).data, status=status.HTTP_201_CREATED)


class VanDetailApi(OrganiserApi):
    @extend_schema(operation_id="van_detail", responses={200: VanSerializer, **ORGANISER_ERRORS})
    def get(self, request: Request, van_id: int) -> Response:
        return Response(VanSerializer(get_object_or_404(Van, pk=van_id)).data)

    @extend_schema(
        operation_id="van_update",
        request=VanSerializer,
        responses={200: VanSerializer, **ORGANISER_ERRORS},
    )
    def patch(self, request: Request, van_id: int) -> Response:
        van = get_object_or_404(Van, pk=van_id)
        serializer = VanSerializer(van, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        for name, value in serializer.validated_data.items():
            setattr(van, name, value)
        van.full_clean()
        van.save()
        return Response(VanSerializer(van).data)

    @extend_schema(operation_id="van_delete", responses={204: None, **ORGANISER_ERRORS})
    def delete(self, request: Request, van_id: int) -> Response:
        get_object_or_404(Van, pk=van_id)
        van_delete(van_id=van_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EventFilterInput(serializers.Serializer):
    starts_from = LocalDateTimeField(required=False)
    starts_to = LocalDateTimeField(required=False)
    van = serializers.IntegerField(required=False, min_value=1)
    status = serializers.ChoiceField(choices=CheckupEvent.Status.choices, required=False)


def organiser_events(params: dict) -> QuerySet[CheckupEvent]:
    events = checkup_queryset()
    if "starts_from" in params:
        events = events.filter(starts_at__gte=params["starts_from"])
    if "starts_to" in params:
        events = events.filter(starts_at__lte=params["starts_to"])
    if "van" in params:
        events = events.filter(van_id=params["van"])
    if "status" in params:
        events = events.filter(status=params["status"])
    return events.order_by("starts_at", "id")


class EventListApi(OrganiserApi):
    @extend_schema(
        operation_id="organiser_events_list",
        parameters=[
            EventFilterInput,
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int, description="1–500, default 100."),
        ],
        responses={200: page_of(EventSerializer, "EventPage"), **ORGANISER_ERRORS},
    )
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        events = organiser_events(validated(EventFilterInput, request))
        page = paginator.paginate_queryset(events, request, view=self)
        return paginator.get_paginated_response(EventSerializer(page, many=True).data)

    @extend_schema(
        operation_id="organiser_event_create",
        request=EventSerializer,
        responses={201: EventSerializer, **ORGANISER_ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = validated_body(EventSerializer, request)
        event = checkup_event_save(event=CheckupEvent(), data=data)
        return Response(EventSerializer(event).data, status=status.HTTP_201_CREATED)


class EventDetailApi(OrganiserApi):
    @extend_schema(
        operation_id="organiser_event_detail", responses={200: EventSerializer, **ORGANISER_ERRORS}
    )
    def get(self, request: Request, event_id: int) -> Response:
        return Response(EventSerializer(get_object_or_404(checkup_queryset(), pk=event_id)).data)

    @extend_schema(
        operation_id="organiser_event_update",
        summary="Change or move an event (a van visit is checked against the van's rules)",
        request=EventSerializer,
        responses={200: EventSerializer, **ORGANISER_ERRORS},
    )
    def patch(self, request: Request, event_id: int) -> Response:
        event = get_object_or_404(CheckupEvent, pk=event_id)
        serializer = EventSerializer(event, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        event = checkup_event_save(event=event, data=serializer.validated_data)
        return Response(EventSerializer(event).data)

    @extend_schema(operation_id="organiser_event_delete", responses={204: None, **ORGANISER_ERRORS})
    def delete(self, request: Request, event_id: int) -> Response:
        get_object_or_404(CheckupEvent, pk=event_id)
        checkup_event_delete(event_id=event_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


def event_day(event_id: int) -> tuple[CheckupEvent, list[Booking]]:
    event = get_object_or_404(checkup_queryset(), pk=event_id)
    return event, event_attendees(event_id=event_id)


class EventAttendeesApi(OrganiserApi):
    @extend_schema(
        operation_id="organiser_event_attendees",
        summary="Who booked an event: places, check-ins, no-shows, the waiting list (masked)",
        responses={200: OpenApiTypes.OBJECT, **ORGANISER_ERRORS},
    )
    def get(self, request: Request, event_id: int) -> Response:
        event, attendees = event_day(event_id)
        counts = attendance_counts(event, attendees, timezone.now())
        return Response(
            {
                "event": event.pk,
                "counts": dataclasses.asdict(counts),
                "attendees": attendee_rows(attendees),
            }
        )


class AttendanceInput(serializers.Serializer):
    reference = serializers.CharField(max_length=12)
    phone_last4 = serializers.RegexField(
        r"^\d{4}$",
        required=False,
        default="",
        allow_blank=True,
        help_text="The last four digits of the booking's phone: checked when given.",
    )
    attendance = serializers.ChoiceField(
        choices=[value.value for value in AttendanceMark],
        default=AttendanceMark.CAME.value,
        help_text="came (check in), did_not_come (a no-show) or not_recorded (undo either).",
    )


class EventAttendanceApi(OrganiserApi):
    @extend_schema(
        operation_id="organiser_event_attendance",
        summary="Check a worker in at the van, mark a no-show, or undo either",
        request=AttendanceInput,
        responses={200: OpenApiTypes.OBJECT, **ORGANISER_ERRORS},
    )
    def post(self, request: Request, event_id: int) -> Response:
        data = validated_body(AttendanceInput, request)
        booking = booking_attendance_record(
            event_id=event_id,
            reference=data["reference"],
            attendance=AttendanceMark(data["attendance"]),
            phone_last4=data["phone_last4"],
        )
        return Response(attendee_rows([booking])[0])


def local_minute(moment) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M") if moment else ""


class EventAttendeesExportApi(OrganiserApi):
    @extend_schema(
        operation_id="organiser_event_attendees_export",
        summary="The attendee list as a spreadsheet (CSV or XLSX; phones masked)",
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, TABLE_TYPES["xlsx"]): OpenApiTypes.BINARY,
            **ORGANISER_ERRORS,
        },
    )
    def get(self, request: Request, event_id: int, fmt: str) -> HttpResponse:
        event, attendees = event_day(event_id)
        header = [
            _("booking reference"),
            _("phone"),
            _("booked at"),
            _("status"),
            _("checked in at"),
            _("cancelled at"),
        ]
        rows = [
            [
                booking.reference,
                booking.masked_phone,
                local_minute(booking.created_at),
                str(booking.attendance.label),
                local_minute(booking.checked_in_at),
                local_minute(booking.cancelled_at),
            ]
            for booking in attendees
        ]
        out = io.BytesIO()
        write_table(out, header, rows, fmt=fmt, sheet_name=f"checkup-{event.pk}")
        response = HttpResponse(out.getvalue(), content_type=TABLE_TYPES[fmt])
        day = event.starts_at.astimezone(LOCAL_TZ).date().isoformat()
        filename = f"checkup-{event.pk}-{day}.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
