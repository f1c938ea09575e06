from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every yizhan app uses: for now, long work run as jobs outside the request."""

    name = "core"
    verbose_name = _("yizhan core")
