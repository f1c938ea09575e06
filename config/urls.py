from django.contrib import admin
from django.contrib.auth.views import LoginView, LogoutView
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.auth import TokenLoginApi, throttled_login
from config.health import HealthApi
from config.throttles import CoveragePageThrottle, throttled
from core.apis import JobDetailApi
from maps.views import benefits_page, coverage_page, station_page, tours_page, worker_map
from services.apis import (
    BookingCancelApi,
    BookingCreateApi,
    CheckupDetailApi,
    CheckupIcsApi,
    CheckupUpcomingApi,
    CheckupUpcomingIcsApi,
)
from services.benefit_apis import (
    BenefitSchemeDetailApi,
    BenefitSchemeListApi,
    BenefitsEligibleApi,
)
from services.organiser_apis import (
    EventDetailApi,
    EventListApi,
    TourAcceptApi,
    TourPlanApi,
    TourProposalApi,
    VanDetailApi,
    VanListApi,
)
from stations.apis import (
    AmenityListApi,
    StationAmenitiesApi,
    StationAmenityApi,
    StationDetailApi,
    StationExportApi,
    StationHistoryApi,
    StationListApi,
    StationNearestApi,
    StationStaleApi,
    StationVerifyApi,
)

api_v1 = [
    path("stations/nearest/", StationNearestApi.as_view(), name="stations-nearest"),
    path("health/", HealthApi.as_view(), name="health"),
    path("auth/token/", TokenLoginApi.as_view(), name="auth-token"),
    path("stations/", StationListApi.as_view(), name="stations"),
    path("stations/stale/", StationStaleApi.as_view(), name="stations-stale"),
    path("stations/export.geojson", StationExportApi.as_view(), name="stations-export"),
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
    path("checkups/upcoming/", CheckupUpcomingApi.as_view(), name="checkups-upcoming"),
    path("checkups/upcoming.ics", CheckupUpcomingIcsApi.as_view(), name="checkups-upcoming-ics"),
    path("checkups/<int:event_id>/", CheckupDetailApi.as_view(), name="checkup-detail"),
    path("checkups/<int:event_id>.ics", CheckupIcsApi.as_view(), name="checkup-ics"),
    path("checkups/<int:event_id>/bookings/", BookingCreateApi.as_view(), name="checkup-bookings"),
    path(
        "checkups/<int:event_id>/bookings/<slug:reference>/",
        BookingCancelApi.as_view(),
        name="checkup-booking",
    ),
    path("organisers/vans/", VanListApi.as_view(), name="vans"),
    path("organisers/vans/<int:van_id>/", VanDetailApi.as_view(), name="van-detail"),
    path("organisers/events/", EventListApi.as_view(), name="organiser-events"),
    path(
        "organisers/events/<int:event_id>/",
        EventDetailApi.as_view(),
        name="organiser-event-detail",
    ),
    path("planning/van-tours/", TourPlanApi.as_view(), name="van-tours"),
    path(
        "planning/van-tours/<int:proposal_id>/",
        TourProposalApi.as_view(),
        name="van-tour-proposal",
    ),
    path(
        "planning/van-tours/<int:proposal_id>/accept/",
        TourAcceptApi.as_view(),
        name="van-tour-accept",
    ),
    path("jobs/<uuid:job_id>/", JobDetailApi.as_view(), name="job"),
    path("benefits/eligible/", BenefitsEligibleApi.as_view(), name="benefits-eligible"),
    path("benefits/schemes/", BenefitSchemeListApi.as_view(), name="benefit-schemes"),
    path(
        "benefits/schemes/<int:scheme_id>/",
        BenefitSchemeDetailApi.as_view(),
        name="benefit-scheme-detail",
    ),
]

urlpatterns = [
    # First: Django tries the patterns in order, and the API carries the traffic.
    path("api/v1/", include((api_v1, "api"), namespace="v1")),
    path("", worker_map, name="worker-map"),
    path("benefits/", benefits_page, name="benefits"),
    path("stations/<slug:code>/", station_page, name="station-page"),
    path("organisers/tours/", tours_page, name="tours"),
    path("coverage/", throttled(CoveragePageThrottle)(coverage_page), name="coverage"),
    path(
        "accounts/login/",
        throttled_login(LoginView.as_view(template_name="maps/login.html")),
        name="login",
    ),
    path("accounts/logout/", LogoutView.as_view(next_page="/"), name="logout"),
    path("admin/login/", throttled_login(admin.site.login)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
]

handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"
