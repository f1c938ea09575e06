"""The pages: the worker's map, benefits, a station, the organisers' tours, coverage, the
staff's console, login."""

from django.contrib.auth.views import LoginView, LogoutView
from django.urls import path

from core.auth import throttled_login
from core.throttles import CoveragePageThrottle, throttled
from maps.console import checkup_day_page, console_page, station_qr_page
from maps.numbers import numbers_page
from maps.views import (
    benefits_page,
    coverage_page,
    service_worker,
    station_page,
    tours_page,
    web_manifest,
    worker_map,
)

urlpatterns = [
    path("", worker_map, name="worker-map"),
    path("sw.js", service_worker, name="service-worker"),
    path("manifest.webmanifest", web_manifest, name="web-manifest"),
    path("benefits/", benefits_page, name="benefits"),
    path("stations/<slug:code>/", station_page, name="station-page"),
    path("organisers/tours/", tours_page, name="tours"),
    path("organisers/numbers/", numbers_page, name="checkup-numbers"),
    path("console/", console_page, name="console"),
    path("console/checkups/<int:event_id>/", checkup_day_page, name="checkup-day"),
    path("console/stations/<slug:code>/qr/", station_qr_page, name="station-qr"),
    path("coverage/", throttled(CoveragePageThrottle)(coverage_page), name="coverage"),
    path(
        "accounts/login/",
        throttled_login(LoginView.as_view(template_name="maps/login.html")),
        name="login",
    ),
    path("accounts/logout/", LogoutView.as_view(next_page="/"), name="logout"),
]
