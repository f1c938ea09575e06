"""Workers' reports of a station, beside the station's own URLs."""

from django.urls import path

from services.reports.apis import (
    StationOpenReportsApi,
    StationReportsApi,
    StationReportsResolveApi,
)

urlpatterns = [
    path("stations/<slug:code>/reports/", StationReportsApi.as_view(), name="station-reports"),
    path(
        "stations/<slug:code>/reports/open/",
        StationOpenReportsApi.as_view(),
        name="station-reports-open",
    ),
    path(
        "stations/<slug:code>/reports/resolve/",
        StationReportsResolveApi.as_view(),
        name="station-reports-resolve",
    ),
]
