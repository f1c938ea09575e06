from django.contrib import admin

from core.widgets import LocalMapAdmin
from services.alerts.models import WeatherAlert


@admin.register(WeatherAlert)
class WeatherAlertAdmin(LocalMapAdmin):
    """Warnings come from CAP files (``manage.py import_alerts``); the admin shows them and can
    cancel one early (set "cancelled or replaced at")."""

    list_display = ["headline", "kind", "level", "effective", "expires", "cancelled_at"]
    list_filter = ["kind", "level"]
    search_fields = ["headline", "area_description", "identifier"]
    filter_horizontal = ["districts"]
