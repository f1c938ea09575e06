"""The textbook endpoints the benchmark compares against: the ORM orders by the GiST index's
planar ``<->`` and djangorestframework-gis serialises each row (``GeoFeatureModelSerializer``).
Fast to write and index-driven, but not exact: planar degrees are not metres."""

from __future__ import annotations

from django.contrib.gis.db.models.functions import GeometryDistance, SnapToGrid
from django.contrib.gis.geos import Point, Polygon
from django.db.models import Avg, Count
from django.http import HttpResponse
from django.templatetags.static import static
from django.utils.html import json_script
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from core.api import validated
from core.localtime import local_today
from maps.builders import COVERAGE_BANDS, LEAFLET_CSS, LEAFLET_JS
from services.benefits.eligibility import Worker
from services.benefits.models import BenefitScheme, Occupation
from services.benefits.selectors import assess
from services.benefits.serializers import EligibleInput
from services.checkups.models import CheckupEvent
from services.checkups.serializers import UpcomingInput
from stations.conditions import filter_queryset, station_conditions
from stations.models import AdminArea, PointX, PointY, Station
from stations.selectors import station_coverage
from stations.serializers import MapInput, NearestInput


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


class ClaimPointSerializer(GeoFeatureModelSerializer):
    distance = serializers.FloatField(read_only=True)

    class Meta:
        model = Station
        geo_field = "location"
        fields = ["code", "name", "kind", "address", "phone", "distance"]


class SchemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = BenefitScheme
        fields = ["code", "name", "name_en", "operator", "region_level", "region_name"]


def region_cities(level: str, name: str) -> list[str]:
    """The cities a scheme's region spans (none: the whole country), read by the ORM."""
    if level == "city":
        return [name]
    lookup = {"province": "province", "county": "name"}.get(level)
    if lookup is None:
        return []
    areas = AdminArea.objects.filter(**{lookup: name})
    return sorted(set(areas.values_list("city", flat=True)))


class TextbookEligibleApi(APIView):
    """The same rules (``assess``), the textbook way round them: the district, the schemes and
    their occupations read by the ORM on every request, then one nearest query per covering
    scheme (ORM ``<->`` order) and DRF serializers."""

    def get(self, request):
        data = validated(EligibleInput, request)
        point = Point(data["lon"], data["lat"], srid=4326)
        area = AdminArea.objects.filter(boundary__covers=point).first()
        occupation = Occupation.objects.get(code=data["occupation"])
        worker = Worker(
            occupation=occupation.code,
            union_member=data["union_member"],
            months_in_occupation=data.get("months_in_occupation"),
            age=data.get("age"),
            province=area and area.province,
            city=area and area.city,
            district=area and area.name,
            district_code=area and area.code,
            today=local_today(),
        )
        schemes = list(BenefitScheme.objects.prefetch_related("occupations"))
        names = {o.code: o.name for s in schemes for o in s.occupations.all()}
        covered, others = [], []
        for assessment in assess(schemes, worker, names):
            scheme = assessment.scheme
            if not assessment.covers:
                others.append(SchemeSerializer(scheme).data)
                continue
            stations = Station.objects.filter(kind__in=scheme.claim_point_kinds)
            if wanted := region_cities(scheme.region_level, scheme.region_name):
                stations = stations.filter(city__in=wanted)
            nearest = stations.annotate(distance=GeometryDistance("location", point))
            claim_points = ClaimPointSerializer(nearest.order_by("distance")[:3], many=True).data
            covered.append(SchemeSerializer(scheme).data | {"claim_points": claim_points})
        return Response({"covered": covered, "not_covered_yet": others})


class TextbookMapApi(APIView):
    """Stations in view clustered the textbook way: the ORM snaps every station in the box to
    a grid of 64 screen pixels (``SnapToGrid``) and groups them, at every request."""

    def get(self, request):
        data = validated(MapInput, request)
        box = Polygon.from_bbox(data["bbox"])
        box.srid = 4326
        cell = 360 / (256 * 2 ** data["zoom"]) * 64
        groups = (
            Station.objects.filter(location__intersects=box)
            .annotate(cell=SnapToGrid("location", cell))
            .values("cell")
            .annotate(count=Count("id"), lon=Avg(PointX("location")), lat=Avg(PointY("location")))
        )
        features = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [group["lon"], group["lat"]]},
                "properties": {"count": group["count"]},
            }
            for group in groups
        ]
        return Response({"type": "FeatureCollection", "features": features})


TEXTBOOK_COVERAGE_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>coverage</title>
<link rel="stylesheet" href="{css}"></head>
<body><div id="map"></div>{cells}
<script src="{leaflet}"></script><script src="{script}"></script></body></html>"""


def textbook_coverage_page(request):
    """A city's coverage the textbook way: the grid computed for the request and every cell
    inlined in the page as a GeoJSON polygon (what yizhan's page did before its grid became a
    job's result and a layer the browser keeps)."""
    coverage = station_coverage(city=request.GET.get("city", "深圳市"))
    features = []
    for column, row, metres in coverage.cells:
        west, south, east, north = coverage.bounds(column, row)
        ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {"colour": band_colour(metres), "metres": round(metres)},
            }
        )
    page = TEXTBOOK_COVERAGE_PAGE.format(
        css=static(LEAFLET_CSS),
        leaflet=static(LEAFLET_JS),
        script=static("bench/textbook_coverage.js"),
        cells=json_script({"type": "FeatureCollection", "features": features}, "cells"),
    )
    return HttpResponse(page)


def band_colour(metres: float) -> str:
    return next(colour for limit, colour in COVERAGE_BANDS if metres <= limit)
