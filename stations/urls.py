"""The stations API: nearest, lists and export, one station, its amenities, hours and history."""

from django.urls import path

from stations.apis import (
    AmenityListApi,
    StationAmenitiesApi,
    StationAmenityApi,
    StationCoverageApi,
    StationDetailApi,
    StationExportApi,
    StationHistoryApi,
    StationListApi,
    StationMapApi,
    StationNearestApi,
    StationStaleApi,
    StationVerifyApi,
)

urlpatterns = [
    # First: Django tries the patterns in order, and the nearest search carries the traffic.
    path("stations/nearest/", StationNearestApi.as_view(), name="stations-nearest"),
    path("stations/", StationListApi.as_view(), name="stations"),
    path("stations/stale/", StationStaleApi.as_view(), name="stations-stale"),
    path("stations/map/", StationMapApi.as_view(), name="stations-map"),
    path("stations/export.geojson", StationExportApi.as_view(), name="stations-export"),
    path("stations/coverage/", StationCoverageApi.as_view(), name="stations-coverage"),
    path("stations/<slug:code>/", StationDetailApi.as_view(), name="station-detail"),
    path(
        "stations/<slug:code>/amenities/",
        StationAmenitiesApi.as_view(),
        name="station-amenities",
    ),
    path(
        "stations/<slug:code>/amenities/<slug:amenity_code>/",
        StationAmenityApi.as_view(),
        name="station-amenity",
    ),
    path("stations/<slug:code>/verify/", StationVerifyApi.as_view(), name="station-verify"),
    path("stations/<slug:code>/history/", StationHistoryApi.as_view(), name="station-history"),
    path("amenities/", AmenityListApi.as_view(), name="amenities"),
]
