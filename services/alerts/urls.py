"""Weather warnings."""

from django.urls import path

from services.alerts.apis import AlertsApi

urlpatterns = [path("alerts/", AlertsApi.as_view(), name="alerts")]
