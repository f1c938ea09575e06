from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "stations"
    verbose_name = _("Stations")

    def ready(self) -> None:
        from stations import jobs  # noqa: F401  (registers the station job kinds)
        from stations.models import AdminArea
        from stations.selectors import ADMIN_AREA_NAMES

        ADMIN_AREA_NAMES.clear_when_changed(AdminArea)
