from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "services.alerts"
    label = "alerts"
    verbose_name = _("Weather warnings")

    def ready(self) -> None:
        from services.alerts.models import WeatherAlert
        from services.alerts.selectors import ALERT_AREAS

        ALERT_AREAS.clear_when_changed(WeatherAlert, m2m=(WeatherAlert.districts.through,))
