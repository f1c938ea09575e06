"""The worker-facing station API: one view per operation, thin (validate → select → output)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS, AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import (
    ERROR_400,
    GEOJSON,
    AuthenticatedApi,
    Pagination,
    PublicApi,
    if_match_version,
    language,
    page_of,
    validated,
    validated_body,
)
from core.apis import JOB, job_accepted
from core.coordinates import to_wgs84
from core.fields import CrsInput, LocalDateTimeField, point_echo, position_in_wgs84
from core.localtime import LOCAL_TZ, local_iso
from core.nearest import reach_within_cell_m
from core.routers import reads_on_primary
from core.throttles import AddressThrottle
from stations.bulk import record_feature, registry_records
from stations.geocoding import geocode, geocoder_name
from stations.geojson import (
    cached_encodings,
    cluster_feature,
    features_json,
    json_response,
    station_feature,
)
from stations.jobs import (
    coverage_layer_text,
    coverage_of,
    export_of,
    export_path,
    map_cells_kept_fresh,
)
from stations.models import Amenity, Station
from stations.permissions import IsStationManager
from stations.selectors import (
    StationRef,
    station_changes,
    station_get,
    station_history,
    station_list,
    station_map,
    station_nearest_list,
    station_stale_list,
    station_views,
    sync_watermark,
)
from stations.serializers import (
    AmenityCodeField,
    CoverageInput,
    DetailInput,
    MapInput,
    NearestInput,
    StationAmenityAddInput,
    StationAmenityPatchInput,
    StationChangeOutput,
    StationListInput,
    StationPatchInput,
)
from stations.services import (
    etag,
    station_amenity_remove,
    station_amenity_set,
    station_update,
    station_verify,
)
from stations.weather import weather_priority

ERROR_401 = OpenApiResponse(OpenApiTypes.OBJECT, description="Not logged in.")
ERROR_403 = OpenApiResponse(OpenApiTypes.OBJECT, description="Not this user's station.")
ERROR_404 = OpenApiResponse(OpenApiTypes.OBJECT, description="No station with that code.")
ERROR_429 = OpenApiResponse(OpenApiTypes.OBJECT, description="Too many requests: Retry-After.")
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag of the station as last read (GET /api/v1/stations/{code}/).",
)
WRITE_RESPONSES = {
    200: OpenApiResponse(GEOJSON.response, description="The station as changed, new ETag."),
    400: ERROR_400,
    401: ERROR_401,
    403: ERROR_403,
    404: ERROR_404,
    409: OpenApiResponse(OpenApiTypes.OBJECT, description="Refused by a rule."),
    412: OpenApiResponse(OpenApiTypes.OBJECT, description="Stale If-Match: current version."),
    428: OpenApiResponse(OpenApiTypes.OBJECT, description="No If-Match header."),
}


class StationNearestApi(PublicApi):
    content_etag = False  # the answer names the moment it was made ("at")

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
            lon, lat = position_in_wgs84(params)
        else:
            near = params.get("near_lon"), params.get("near_lat")
            place = geocode(params["q"], near=near if None not in near else None)
            if place is None:
                raise ValidationError({"q": [_("No place found for “%s”.") % params["q"]]})
            lon, lat = place.longitude, place.latitude
            query |= place_said(params["q"], place)
        moment, lang = params["at"], language()
        radius_m, reach_m = params.get("radius_m"), snapped_reach_m(params, lon, lat)
        found = station_nearest_list(
            lon=lon,
            lat=lat,
            limit=params["limit"],
            radius_m=radius_m and radius_m + reach_m,
            amenities=params["amenity"],
            kinds=params["kind"],
            open_moment=moment if params["open_now"] else None,
            margin_m=2 * reach_m,
        )
        weather = weather_priority(params["mode"], lon=lon, lat=lat, moment=moment)
        if weather is not None:
            found = weather.ranked(found, params=params, lon=lon, lat=lat, moment=moment)
        query |= point_echo(lon, lat, crs)
        if reach_m:
            query |= {"cell": params["cell"], "cell_reach_m": round(reach_m, 1)}
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
                "mode": weather.output() if weather else {"applied": None, "asked": params["mode"]},
            },
            station_features(found, crs=crs, moment=moment, language=lang),
        )


def snapped_reach_m(params: dict[str, Any], lon: float, lat: float) -> float:
    """0, or for a position snapped to a grid (``cell``): how far from it the client may truly
    be. Every station among the ``limit`` nearest of the true point is then within the
    snapped point's ``limit``-th distance plus twice that (the triangle inequality, twice), so
    the answer holds those and the client ranks them by its own position."""
    cell = params.get("cell")
    if cell is None:
        return 0.0
    crs = params.get("position_crs") or params["crs"]
    corners = [
        to_wgs84(params["lon"] + dx * cell / 2, params["lat"] + dy * cell / 2, crs)
        for dx in (-1, 1)
        for dy in (-1, 1)
    ]
    return reach_within_cell_m(lon, lat, corners)


def place_said(q: str, place: Any) -> dict[str, Any]:
    """What the answer says of the place ``q`` found: its name, which geocoder found it
    (yizhan's own gazetteer or the configured service) and, when several places bear that
    name, the others (朝阳区: Beijing's first, Changchun's beside it)."""
    raw = place.raw if isinstance(place.raw, dict) else {}
    said = {"q": q, "place": place.address, "place_source": raw.get("source", geocoder_name())}
    if raw.get("alternatives"):
        said["alternatives"] = raw["alternatives"]
    return said


def station_features(
    refs: list[StationRef],
    *,
    crs: str,
    moment: dt.datetime,
    language: str,
    markers: bool = False,
) -> list[str]:
    """The stations found as GeoJSON Feature texts: the encoding cache answers for most; one
    query fetches the rest (none when all are cached)."""
    encodings = cached_encodings(refs, moment=moment, language=language)
    missing = encodings.missing
    fetched = station_views(missing, moment=moment) if missing else []
    return features_json(refs, encodings, fetched, crs=crs, moment=moment, markers=markers)


def station_feature_response(
    request: Request, code: str, *, params: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """One station as a GeoJSON Feature (``crs`` and ``at`` from the query string, or from
    ``params`` that a write validated before writing), with its version as the ETag that a
    manager's next write must send back in If-Match."""
    params = params or validated(DetailInput, request)
    moment = params.get("at") or timezone.now()
    station = station_get(code=code, moment=moment)
    if station is None:
        raise NotFound(_("No station with code “%s”.") % code)
    feature = station_feature(station, crs=params["crs"], moment=moment, language=language())
    response = HttpResponse(feature, content_type="application/json", status=status)
    response["ETag"] = etag(station.version)
    return response


class ManagerApi(AuthenticatedApi):
    """A station manager's (or an administrator's) operation on one station."""

    permission_classes = (IsStationManager,)


class StationDetailApi(ManagerApi):
    def get_permissions(self):
        """Reading a station is public; changing it is its managers'."""
        return [AllowAny()] if self.request.method in SAFE_METHODS else super().get_permissions()

    @extend_schema(
        operation_id="station_detail",
        parameters=[DetailInput],
        responses={200: GEOJSON, 400: ERROR_400, 404: ERROR_404},
    )
    def get(self, request: Request, code: str) -> HttpResponse:
        return station_feature_response(request, code)

    @extend_schema(
        operation_id="station_update",
        summary="Change a station's status, hours, phone, seats or notes (its managers)",
        parameters=[DetailInput, IF_MATCH],
        request=StationPatchInput,
        responses=WRITE_RESPONSES,
    )
    def patch(self, request: Request, code: str) -> HttpResponse:
        params = validated(DetailInput, request)
        expected = if_match_version(request)
        data = validated_body(StationPatchInput, request)
        hours = data.pop("opening_hours", {})
        station_update(
            code=code,
            expected_version=expected,
            actor=request.user,
            fields=data,
            weekly=hours.get("weekly"),
            exceptions=hours.get("exceptions"),
            warning_rules=hours.get("warning_rules"),
        )
        return station_feature_response(request, code, params=params)


def amenity_in_path(amenity_code: str) -> str:
    try:
        return AmenityCodeField().run_validation(amenity_code)
    except ValidationError as exc:
        raise ValidationError({"amenity_code": exc.detail}) from None


class StationAmenitiesApi(ManagerApi):
    @extend_schema(
        operation_id="station_amenity_add",
        summary="Add an amenity to a station (its managers)",
        parameters=[DetailInput, IF_MATCH],
        request=StationAmenityAddInput,
        responses=WRITE_RESPONSES,
    )
    def post(self, request: Request, code: str) -> HttpResponse:
        params = validated(DetailInput, request)
        expected = if_match_version(request)
        data = validated_body(StationAmenityAddInput, request)
        station_amenity_set(
            code=code,
            amenity_code=data["amenity"],
            expected_version=expected,
            actor=request.user,
            status=data["status"],
            details=data["details"],
            adding=True,
        )
        return station_feature_response(request, code, params=params, status=201)


class StationAmenityApi(ManagerApi):
    @extend_schema(
        operation_id="station_amenity_update",
        summary="Change an amenity's status or details (its managers)",
        parameters=[DetailInput, IF_MATCH],
        request=StationAmenityPatchInput,
        responses=WRITE_RESPONSES,
    )
    def patch(self, request: Request, code: str, amenity_code: str) -> HttpResponse:
        amenity_code = amenity_in_path(amenity_code)
        params = validated(DetailInput, request)
        expected = if_match_version(request)
        data = validated_body(StationAmenityPatchInput, request)
        station_amenity_set(
            code=code,
            amenity_code=amenity_code,
            expected_version=expected,
            actor=request.user,
            **data,
        )
        return station_feature_response(request, code, params=params)

    @extend_schema(
        operation_id="station_amenity_remove",
        summary="Remove an amenity from a station (its managers)",
        parameters=[DetailInput, IF_MATCH],
        request=None,
        responses=WRITE_RESPONSES,
    )
    def delete(self, request: Request, code: str, amenity_code: str) -> HttpResponse:
        amenity_code = amenity_in_path(amenity_code)
        params = validated(DetailInput, request)
        station_amenity_remove(
            code=code,
            amenity_code=amenity_code,
            expected_version=if_match_version(request),
            actor=request.user,
        )
        return station_feature_response(request, code, params=params)


class StationVerifyApi(ManagerApi):
    @extend_schema(
        operation_id="station_verify",
        summary="Confirm that everything shown about a station is still true (its managers)",
        parameters=[DetailInput, IF_MATCH],
        request=None,
        responses=WRITE_RESPONSES,
    )
    def post(self, request: Request, code: str) -> HttpResponse:
        params = validated(DetailInput, request)
        station_verify(code=code, expected_version=if_match_version(request), actor=request.user)
        return station_feature_response(request, code, params=params)


class HistoryPagination(PageNumberPagination):
    page_size = 50


class StationHistoryApi(ManagerApi):
    @extend_schema(
        operation_id="station_history",
        summary="Every change to a station, newest first (its managers, administrators)",
        responses={
            200: page_of(StationChangeOutput, "StationChangePage"),
            401: ERROR_401,
            403: ERROR_403,
        },
    )
    def get(self, request: Request, code: str) -> Response:
        paginator = HistoryPagination()
        page = paginator.paginate_queryset(station_history(code=code), request, view=self)
        return paginator.get_paginated_response(StationChangeOutput(page, many=True).data)


def station_page_response(
    request: Request,
    stations: QuerySet,
    *,
    crs: str,
    view: APIView,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """One page of stations as a GeoJSON FeatureCollection with count and links."""
    paginator = Pagination()
    rows = paginator.paginate_queryset(
        stations.values_list("id", "code", "version"), request, view=view
    )
    features = station_features(
        [StationRef(*row) for row in rows], crs=crs, moment=timezone.now(), language=language()
    )
    document = {
        "type": "FeatureCollection",
        "count": paginator.page.paginator.count,
        "next": paginator.get_next_link(),
        "previous": paginator.get_previous_link(),
        "crs": crs,
    }
    return json_response(document | (extra or {}), features)


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
        if "modified_after" not in params:
            return station_page_response(request, queryset, crs=params["crs"], view=self)
        return station_changes_response(request, queryset, params, view=self)


SYNC_HEADER = "Yizhan-Next-Modified-After"


def sync_answer(
    queryset: QuerySet,
    modified_after: dt.datetime,
    answer: Callable[[QuerySet, list[dict[str, str]]], HttpResponse],
) -> HttpResponse:
    """A mirror's poll: ``answer(changed, removed)`` for the stations of ``queryset`` changed
    since ``modified_after`` and those removed, read on the primary. Where to ask from next time
    travels in a header, so that the body — and its ETag — stay the same while nothing changes
    (a poll answered 304 keeps the ``modified_after`` it sent)."""
    with reads_on_primary():
        watermark = sync_watermark()  # before reading the changes it vouches for
        response = answer(*station_changes(queryset, modified_after=modified_after))
    response[SYNC_HEADER] = local_iso(watermark)
    return response


def station_changes_response(
    request: Request, queryset: QuerySet, params: dict[str, Any], *, view: APIView
) -> HttpResponse:
    """The station list's changes, as its pages."""
    return sync_answer(
        queryset,
        params["modified_after"],
        lambda changed, removed: station_page_response(
            request, changed, crs=params["crs"], view=view, extra={"removed": removed}
        ),
    )


class StationMapApi(PublicApi):
    @extend_schema(
        operation_id="stations_map",
        summary="What a map shows of a viewport: stations, or clusters where they crowd",
        description=(
            "From zoom 13, each station in view (code, names, address, kind, status, open "
            "now, opens/closes at) while there are at most 300; else clusters per map cell "
            "(64 px): a Feature with properties {cluster: true, count}, at its stations' mean "
            "position. A cell of one station is that station. Without filters, clusters below "
            "zoom 13 come from counts refreshed after stations change (a few minutes behind "
            "at most); with amenity or kind, they count the matching stations."
        ),
        parameters=[MapInput],
        responses={200: GEOJSON, 400: ERROR_400},
    )
    def get(self, request: Request) -> HttpResponse:
        params = validated(MapInput, request)
        crs = params["crs"]
        min_lon, min_lat, max_lon, max_lat = params["bbox"]
        west, south = to_wgs84(min_lon, min_lat, crs)
        east, north = to_wgs84(max_lon, max_lat, crs)
        found = station_map(
            bbox=(west, south, east, north),
            zoom=params["zoom"],
            amenities=params["amenity"],
            kinds=params["kind"],
        )
        if found.clusters:
            map_cells_kept_fresh()
        features = [cluster_feature(cluster, crs) for cluster in found.clusters]
        features += station_features(
            found.stations, crs=crs, moment=timezone.now(), language=language(), markers=True
        )
        document = {"type": "FeatureCollection", "crs": crs, "clustered": bool(found.clusters)}
        return json_response(document, features)


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


class StationStaleApi(AuthenticatedApi):
    permission_classes = (IsStationManager,)

    @extend_schema(
        operation_id="stations_stale",
        summary="The caller's stations not verified or changed recently (managers)",
        parameters=[CrsInput],
        responses={200: GEOJSON, 401: ERROR_401, 403: ERROR_403},
    )
    def get(self, request: Request) -> HttpResponse:
        crs = validated(CrsInput, request)["crs"]
        stale = station_stale_list(user=request.user)
        return station_page_response(
            request,
            stale,
            crs=crs,
            view=self,
            extra={"stale_after_days": settings.YIZHAN_STALE_AFTER_DAYS},
        )


class ExportThrottle(AddressThrottle):
    """Whole-registry downloads per client address (``YIZHAN_EXPORT_RATE``, 30 an hour)."""

    scope = "export"


class ExportInput(CrsInput):
    modified_after = LocalDateTimeField(
        required=False,
        help_text=_lazy(
            "Only the stations changed at or after this moment, in the same form, and the "
            "codes of those removed since ('removed'); ask next time from the "
            "Yizhan-Next-Modified-After header."
        ),
    )


def export_changes_response(modified_after: dt.datetime, crs: str) -> HttpResponse:
    """The export's records changed since ``modified_after`` (not the snapshot: read now)."""

    def answer(changed: QuerySet, removed: list[dict[str, str]]) -> HttpResponse:
        features = [record_feature(record, crs) for record in registry_records(stations=changed)]
        return JsonResponse(
            {"type": "FeatureCollection", "features": features, "removed": removed},
            json_dumps_params={"ensure_ascii": False},
        )  # application/json, as the station list's answers (GEOJSON)

    return sync_answer(Station.objects.all(), modified_after, answer)


class StationCoverageApi(PublicApi):
    @extend_schema(
        operation_id="stations_coverage",
        summary="How far each part of a city is from the nearest open station (a grid)",
        description="The latest grid a job computed for the city (computed_at; refreshing "
        "while a newer one is made, after a station of the city changed or when it is older "
        "than YIZHAN_COVERAGE_MAX_AGE_MINUTES): each cell as [west, south, metres] in crs, "
        "its size in degrees; 202 with the job while the first one is made.",
        parameters=[CoverageInput],
        responses={200: OpenApiTypes.OBJECT, 202: JOB, 400: ERROR_400},
    )
    def get(self, request: Request) -> HttpResponse:
        params = validated(CoverageInput, request)
        latest, refreshing = coverage_of(params["city"])
        if latest is None:
            return job_accepted(request, refreshing)
        layer = coverage_layer_text(latest, params["crs"])
        flag = "true" if refreshing is not None else "false"
        return HttpResponse(f'{{"refreshing":{flag},{layer[1:]}', content_type="application/json")


class StationExportApi(PublicApi):
    throttle_classes = (ExportThrottle,)

    @extend_schema(
        operation_id="stations_export",
        summary="The whole registry as one GeoJSON FeatureCollection (open data)",
        description="A snapshot at most YIZHAN_EXPORT_MAX_AGE_MINUTES old (Last-Modified says "
        "when it was made), written by a job; 202 with the job while the first one is made.",
        parameters=[ExportInput],
        responses={200: GEOJSON, 202: JOB, 400: ERROR_400, 429: ERROR_429},
    )
    def get(self, request: Request) -> HttpResponse:
        params = validated(ExportInput, request)
        crs = params["crs"]
        if "modified_after" in params:
            return export_changes_response(params["modified_after"], crs)
        latest, refreshing = export_of(crs)
        path = export_path(latest) if latest is not None else None
        if path is None:
            return job_accepted(request, refreshing or export_of(crs)[1])
        response = FileResponse(
            path.open("rb"),
            content_type="application/geo+json",
            as_attachment=True,
            filename=f"yizhan-stations-{crs}.geojson",
        )
        response["Last-Modified"] = http_date(latest.finished_at.timestamp())
        return response
