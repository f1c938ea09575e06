from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "services.planning"
    label = "planning"
    verbose_name = _("Van-tour planning")

    def ready(self) -> None:
        from services.planning import jobs  # noqa: F401  (registers the van-tour job kind)
