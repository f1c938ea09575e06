"""The textbook endpoints the benchmark compares against: the ORM orders by the GiST index's
planar ``<->`` and djangorestframework-gis serialises each row (``GeoFeatureModelSerializer``).
Fast to write and index-driven, but not exact: planar degrees are not metres."""

from __future__ import annotations

from django.contrib.gis.db.models.functions import GeometryDistance
from django.contrib.gis.geos import Point
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from core.api import validated
from services.checkups.models import CheckupEvent
from services.checkups.serializers import UpcomingInput
from stations.conditions import filter_queryset, station_conditions
from stations.models import Station
from stations.serializers import NearestInput


class StationFeatureSerializer(GeoFeatureModelSerializer):
    distance = serializers.FloatField(read_only=True)

    class Meta:
        model = Station
        geo_field = "location"
        fields = ["code", "name", "name_en", "address", "city", "district", "kind", "status",
                  "phone", "last_verified_at", "distance"]  # fmt: skip


class TextbookNearestApi(ListAPIView):
    serializer_class = StationFeatureSerializer
    pagination_class = None

    def get_queryset(self):
        data = validated(NearestInput, self.request)
        point = Point(data["lon"], data["lat"], srid=4326)
        conditions = station_conditions(
            amenities=data["amenity"], open_moment=data["at"] if data["open_now"] else None
        )
        return (
            filter_queryset(Station.objects.all(), conditions)
            .annotate(distance=GeometryDistance("location", point))
            .order_by("distance")[: data["limit"]]
        )


class EventFeatureSerializer(GeoFeatureModelSerializer):
    distance = serializers.FloatField(read_only=True)
    station = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = CheckupEvent
        geo_field = "location"
        fields = ["id", "kind", "station", "address", "starts_at", "ends_at", "capacity",
                  "booked", "members_only", "women_only", "occupations", "items", "organiser",
                  "status", "distance"]  # fmt: skip


class TextbookUpcomingApi(ListAPIView):
    serializer_class = EventFeatureSerializer
    pagination_class = None

    def get_queryset(self):
        data = validated(UpcomingInput, self.request)
        point = Point(data["lon"], data["lat"], srid=4326)
        return (
            CheckupEvent.objects.filter(
                status=CheckupEvent.Status.SCHEDULED,
                starts_at__range=(data["from"], data["to"]),
            )
            .select_related("station")
            .annotate(distance=GeometryDistance("location", point))
            .order_by("distance")[: data["limit"]]
        )
