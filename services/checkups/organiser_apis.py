"""The organisers' API: vans and check-up events (create, read, change, delete). Van visits
are checked by the van rules (409 with the reason); see services.checkups.services."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
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
from services.checkups.models import CheckupEvent, Van
from services.checkups.selectors import checkup_queryset
from services.checkups.serializers import EventSerializer, VanSerializer
from services.checkups.services import checkup_event_delete, checkup_event_save, van_delete


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
