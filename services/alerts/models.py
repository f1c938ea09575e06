"""Weather warnings (高温, 寒潮, 暴雨…) as issued in the Common Alerting Protocol: what, how
severe (the colour), where (districts, or a polygon) and when."""

from __future__ import annotations

from django.contrib.gis.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from stations.models import AdminArea


class WeatherAlert(models.Model):
    class Kind(models.TextChoices):
        HEAT = "heat", _("heat")
        COLD = "cold", _("cold")
        RAIN = "rain", _("rainstorm")
        OTHER = "other", _("other")

    class Level(models.TextChoices):
        """China's warning colours, least to most severe."""

        BLUE = "blue", _("blue")
        YELLOW = "yellow", _("yellow")
        ORANGE = "orange", _("orange")
        RED = "red", _("red")

    sender = models.CharField(_("sender"), max_length=200)
    identifier = models.CharField(_("identifier"), max_length=200)
    sent = models.DateTimeField(_("sent"))
    sender_name = models.CharField(_("issued by"), max_length=200, blank=True)
    event = models.CharField(_("event"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    headline = models.CharField(_("headline"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    instruction = models.TextField(_("instruction"), blank=True)
    effective = models.DateTimeField(_("effective from"))
    expires = models.DateTimeField(_("expires"))
    area_description = models.CharField(_("area"), max_length=500)
    area = models.MultiPolygonField(_("area polygon"), srid=4326, null=True, blank=True)
    districts = models.ManyToManyField(
        AdminArea, blank=True, related_name="weather_alerts", verbose_name=_("districts")
    )
    cancelled_at = models.DateTimeField(_("cancelled or replaced at"), null=True, blank=True)

    class Meta:
        verbose_name = _("weather warning")
        verbose_name_plural = _("weather warnings")
        ordering = ["-sent"]
        constraints = [
            models.UniqueConstraint(fields=["sender", "identifier"], name="alert_unique_message"),
            models.CheckConstraint(
                condition=Q(expires__gt=F("effective")), name="alert_expires_after_it_starts"
            ),
        ]
        indexes = [models.Index(fields=["expires"], name="alert_expires")]

    def __str__(self) -> str:
        return self.headline or f"{self.event} {self.get_level_display()}"

    def advice(self) -> str:
        """What a worker outdoors does under this warning (national rules: outdoor work shortened
        above 35 °C and stopped at 40 °C, which a red heat warning announces)."""
        if self.kind == self.Kind.HEAT:
            if self.level == self.Level.RED:
                return gettext(
                    "Stop working outdoors: go to a cool station nearby and drink water."
                )
            return gettext("Rest in the shade or at a cool station nearby, and drink water often.")
        if self.kind == self.Kind.COLD:
            return gettext("Warm up at a heated station nearby, where there is hot water.")
        if self.kind == self.Kind.RAIN:
            return gettext("Take shelter at a station nearby and keep off flooded roads.")
        return gettext("Follow the instructions of the warning.")

    def title(self) -> str:
        """橙色高温预警 / orange heat warning, in the active language."""
        return gettext("%(level)s %(kind)s warning") % {
            "level": self.get_level_display(),
            "kind": self.get_kind_display(),
        }
