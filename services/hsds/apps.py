from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HsdsConfig(AppConfig):
    name = "services.hsds"
    label = "hsds"
    verbose_name = _("Open data (HSDS 3.0)")
