"""The site's URLs: each app's own, under the API's version prefix or at the root."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.health import HealthApi
from core.auth import throttled_login

api_v1 = [
    # Stations first: Django tries the patterns in order, and the nearest search carries the
    # traffic.
    path("", include("stations.urls")),
    path("health/", HealthApi.as_view(), name="health"),
    path("", include("core.urls")),
    path("", include("services.checkups.urls")),
    path("", include("services.planning.urls")),
    path("", include("services.benefits.urls")),
    path("", include("services.reports.urls")),
    path("", include("services.alerts.urls")),
    path("", include("services.hsds.urls")),
]

urlpatterns = [
    path("api/v1/", include((api_v1, "api"), namespace="v1")),
    path("", include("maps.urls")),
    path("admin/login/", throttled_login(admin.site.login)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
]

handler404 = "core.errors.not_found"
handler500 = "core.errors.server_error"
