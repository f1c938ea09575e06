"""The worker-facing station API: one view per operation, thin (validate → select → output)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from config.api import ERROR_400, GEOJSON, PublicApi, language, validated
from stations.coordinates import to_wgs84
from stations.geocoding import geocode
from stations.models import Amenity
from stations.opening_hours import LOCAL_TZ
from stations.selectors import StationRef, station_get, station_list, station_nearest_list
from stations.serializers import (
    DetailInput,
    NearestInput,
    StationListInput,
    encode_station,
    features_json,
    json_response,
    point_echo,
)

ERROR_404 = OpenApiResponse(OpenApiTypes.OBJECT, description="No station with that code.")


class StationNearestApi(PublicApi):
    @extend_schema(
        operation_id="stations_nearest",
        summary="Nearest stations, exact geodesic order, with optional filters",
        parameters=[NearestInput],
        responses={200: GEOJSON, 400: ERROR_400},
    )
    def get(self, request: Request) -> HttpResponse:
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
        found = station_nearest_list(
            lon=lon,
            lat=lat,
            limit=params["limit"],
            radius_m=params.get("radius_m"),
            amenities=params["amenity"],
            kinds=params["kind"],
            open_moment=moment if params["open_now"] else None,
        )
        query |= point_echo(lon, lat, crs)
        return json_response(
            {
                "type": "FeatureCollection",
                "query": query,
                "crs": crs,
                "at": moment.astimezone(LOCAL_TZ).isoformat(),
                "filters": {
                    "amenity": params["amenity"],
                    "kind": params["kind"],
                    "open_now": params["open_now"],
                    "radius_m": params.get("radius_m"),
                    "limit": params["limit"],
                },
            },
            features_json(found, crs=crs, moment=moment, language=lang),
        )


class StationDetailApi(PublicApi):
    @extend_schema(
        operation_id="station_detail",
        parameters=[DetailInput],
        responses={200: GEOJSON, 400: ERROR_400, 404: ERROR_404},
    )
    def get(self, request: Request, code: str) -> HttpResponse:
        params = validated(DetailInput, request)
        moment = params.get("at") or timezone.now()
        station = station_get(code=code, moment=moment)
        if station is None:
            raise NotFound(_("No station with code “%s”.") % code)
        encoded = encode_station(station, english=language().startswith("en"))
        feature = encoded.feature(crs=params["crs"], moment=moment, distance_m=None)
        return HttpResponse(feature, content_type="application/json")


class StationPagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


class StationListApi(PublicApi):
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
    def get(self, request: Request) -> HttpResponse:
        params = validated(StationListInput, request)
        queryset = station_list(
            bbox=params.get("bbox"),
            city=params.get("city"),
            district=params.get("district"),
            kinds=params["kind"],
            amenities=params["amenity"],
        )
        paginator = StationPagination()
        rows = paginator.paginate_queryset(queryset.values_list("id", "code", "version"), request)
        features = features_json(
            [StationRef(*row) for row in rows],
            crs=params["crs"],
            moment=timezone.now(),
            language=language(),
        )
        return json_response(
            {
                "type": "FeatureCollection",
                "count": paginator.page.paginator.count,
                "next": paginator.get_next_link(),
                "previous": paginator.get_previous_link(),
                "crs": params["crs"],
            },
            features,
        )


class AmenityListApi(PublicApi):
    @extend_schema(
        operation_id="amenities_list",
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="The catalogue")},
    )
    def get(self, request: Request) -> HttpResponse:
        amenities = [
            {"code": a.code, "name": a.name, "name_en": a.name_en, "icon": a.icon}
            for a in Amenity.objects.all()
        ]
        return Response({"count": len(amenities), "results": amenities})
