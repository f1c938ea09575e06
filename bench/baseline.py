"""The textbook endpoint the benchmark compares against: the ORM orders by the GiST index's
planar ``<->`` and djangorestframework-gis serialises each station (``GeoFeatureModelSerializer``).
Fast to write and index-driven, but not exact: planar degrees are not metres."""

from __future__ import annotations

from django.contrib.gis.db.models.functions import GeometryDistance
from django.contrib.gis.geos import Point
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from core.api import validated
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
