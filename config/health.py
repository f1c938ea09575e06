"""GET /api/v1/health/: is the service up, and can it reach PostGIS?"""

from django.db import DatabaseError, connection
from django.db.models import Count
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import PublicApi
from stations.models import AdminArea, Region, Station


class HealthApi(PublicApi):
    cache_max_age = 0
    content_etag = False

    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(
        operation_id="health",
        responses={
            200: inline_serializer(
                "Health",
                {
                    "status": serializers.CharField(),
                    "database": serializers.CharField(),
                    "postgis": serializers.CharField(),
                    "stations": serializers.IntegerField(),
                    "stations_by_city": serializers.DictField(child=serializers.IntegerField()),
                    "boundaries": serializers.DictField(child=serializers.IntegerField()),
                },
            ),
            503: inline_serializer(
                "HealthDown",
                {"status": serializers.CharField(), "database": serializers.CharField()},
            ),
        },
    )
    def get(self, request: Request) -> Response:
        try:
            postgis = connection.ops.postgis_lib_version()
            by_city = dict(
                Station.objects.order_by()
                .values_list("city")
                .annotate(n=Count("id"))
                .values_list("city", "n")
            )
            regions = dict(Region.objects.order_by().values_list("level").annotate(n=Count("id")))
            boundaries = {
                "provinces": regions.get(Region.Level.PROVINCE, 0),
                "cities": regions.get(Region.Level.CITY, 0),
                "counties": AdminArea.objects.count(),
            }
        except DatabaseError:
            body = {"status": "unavailable", "database": "unreachable"}
            return Response(body, status=503)
        return Response(
            {
                "status": "ok",
                "database": "ok",
                "postgis": postgis,
                "stations": sum(by_city.values()),
                "stations_by_city": dict(sorted(by_city.items())),
                "boundaries": boundaries,
            }
        )
