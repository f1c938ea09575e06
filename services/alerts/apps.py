from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "services.alerts"
    label = "alerts"
    verbose_name = _("Weather warnings")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from services.alerts.models import WeatherAlert
        from services.alerts.selectors import ALERT_AREAS

        post_save.connect(ALERT_AREAS.clear, sender=WeatherAlert, weak=False)
        post_delete.connect(ALERT_AREAS.clear, sender=WeatherAlert, weak=False)
        m2m_changed.connect(ALERT_AREAS.clear, sender=WeatherAlert.districts.through, weak=False)
