from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckupsConfig(AppConfig):
    name = "services.checkups"
    label = "checkups"
    verbose_name = _("Check-ups")
