"""The worker-facing station API: one view per operation, thin (validate → select → output)."""

from __future__ import annotations

from typing import Any

from django.contrib.gis.geos import Point
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from stations.coordinates import to_wgs84
from stations.geocoding import geocode
from stations.models import Amenity
from stations.selectors import station_get, station_list, station_nearest_list
from stations.serializers import (
    DetailInput,
    NearestInput,
    StationListInput,
    point_output,
    station_feature,
)

ERROR_400 = OpenApiResponse(
    OpenApiTypes.OBJECT, description='Invalid parameter: {"errors": {"field": ["message"]}}'
)
ERROR_404 = OpenApiResponse(OpenApiTypes.OBJECT, description="No station with that code.")
GEOJSON = OpenApiResponse(OpenApiTypes.OBJECT, description="GeoJSON (RFC 7946)")


def validated(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    """Validate the query string; list fields get every value of a repeated parameter."""
    fields = serializer_class().fields
    params = request.query_params
    query = {
        key: params.getlist(key)
        if isinstance(fields.get(key), serializers.ListField)
        else params[key]
        for key in params
    }
    serializer = serializer_class(data=query)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def language() -> str:
    return get_language() or "zh-hans"


class StationNearestApi(APIView):
    @extend_schema(
        operation_id="stations_nearest",
        summary="Nearest stations, exact geodesic order, with optional filters",
        parameters=[NearestInput],
        responses={200: GEOJSON, 400: ERROR_400},
    )
    def get(self, request: Request) -> Response:
        params = validated(NearestInput, request)
        crs = params["crs"]
        query: dict[str, Any] = {}
        if "lat" in params:
            lon, lat = to_wgs84(params["lon"], params["lat"], crs)
        else:
            place = geocode(params["q"])
            if place is None:
                raise ValidationError({"q": [_("No place found for “%s”.") % params["q"]]})
            lon, lat = place.longitude, place.latitude
            query["q"] = params["q"]
            query["place"] = place.address
        moment, lang = params["at"], language()
        stations = station_nearest_list(
            point=Point(lon, lat, srid=4326),
            limit=params["limit"],
            radius_m=params.get("radius_m"),
            amenities=params["amenity"],
            kinds=params["kind"],
            open_moment=moment if params["open_now"] else None,
        )
        query |= {"wgs84": [round(lon, 7), round(lat, 7)], crs: point_output(lon, lat, crs)}
        return Response(
            {
                "type": "FeatureCollection",
                "query": query,
                "crs": crs,
                "at": moment.isoformat(),
                "filters": {
                    "amenity": params["amenity"],
                    "kind": params["kind"],
                    "open_now": params["open_now"],
                    "radius_m": params.get("radius_m"),
                    "limit": params["limit"],
                },
                "features": [
                    station_feature(s, crs=crs, moment=moment, language=lang) for s in stations
                ],
            }
        )


class StationDetailApi(APIView):
    @extend_schema(
        operation_id="station_detail",
        parameters=[DetailInput],
        responses={200: GEOJSON, 400: ERROR_400, 404: ERROR_404},
    )
    def get(self, request: Request, code: str) -> Response:
        params = validated(DetailInput, request)
        station = station_get(code=code)
        if station is None:
            raise NotFound(_("No station with code “%s”.") % code)
        moment = params.get("at") or timezone.now()
        feature = station_feature(station, crs=params["crs"], moment=moment, language=language())
        return Response(feature)


class StationPagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


class StationListApi(APIView):
    @extend_schema(
        operation_id="stations_list",
        summary="Stations in a map viewport, paginated, sorted by code",
        parameters=[
            StationListInput,
            OpenApiParameter("page", int, description="Page number, from 1."),
            OpenApiParameter("page_size", int, description="1–500, default 100."),
        ],
        responses={200: GEOJSON, 400: ERROR_400, 404: ERROR_404},
    )
    def get(self, request: Request) -> Response:
        params = validated(StationListInput, request)
        queryset = station_list(
            bbox=params.get("bbox"),
            city=params.get("city"),
            district=params.get("district"),
            kinds=params["kind"],
            amenities=params["amenity"],
        )
        paginator = StationPagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        now, lang = timezone.now(), language()
        features = [station_feature(s, crs=params["crs"], moment=now, language=lang) for s in page]
        return Response(
            {
                "type": "FeatureCollection",
                "count": paginator.page.paginator.count,
                "next": paginator.get_next_link(),
                "previous": paginator.get_previous_link(),
                "crs": params["crs"],
                "features": features,
            }
        )


class AmenityListApi(APIView):
    @extend_schema(
        operation_id="amenities_list",
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="The catalogue")},
    )
    def get(self, request: Request) -> Response:
        amenities = [
            {"code": a.code, "name": a.name, "name_en": a.name_en, "icon": a.icon}
            for a in Amenity.objects.all()
        ]
        return Response({"count": len(amenities), "results": amenities})
