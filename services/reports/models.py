"""What workers report about a station ("关门了", "没有水"…): never a change to the station's
data, but, once enough independent clients say the same lately, a notice workers see
(services/reports/selectors.py) until a manager resolves it or workers say all is well again."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from stations.models import Station


class StationReport(models.Model):
    class Kind(models.TextChoices):
        CLOSED = "closed", _("Closed when it should be open")
        NO_WATER = "no_water", _("No drinking water")
        CHARGING_BROKEN = "charging_broken", _("Charging does not work")
        MICROWAVE_BROKEN = "microwave_broken", _("Microwave does not work")
        CROWDED = "crowded", _("Too crowded, no seat")
        ALL_GOOD = "all_good", _("Everything is fine")

    class Resolution(models.TextChoices):
        FIXED = "fixed", _("fixed")
        NOT_TRUE = "not_true", _("not true")
        STATION_CLOSED = "station_closed", _("the station is closed")

    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, related_name="reports", verbose_name=_("station")
    )
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    client = models.CharField(
        _("client (keyed hash)"),
        max_length=64,
        help_text=_("Who reported, as a keyed hash of their address: never the address."),
    )
    phone_hash = models.CharField(_("phone number (keyed hash)"), max_length=64, blank=True)
    phone_last4 = models.CharField(_("phone number, last four digits"), max_length=4, blank=True)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.CharField(
        _("resolution"), max_length=20, choices=Resolution.choices, blank=True
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    is_spam = models.BooleanField(_("spam"), default=False)

    class Meta:
        verbose_name = _("station report")
        verbose_name_plural = _("station reports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["station", "kind", "-created_at"],
                condition=Q(resolved_at__isnull=True, is_spam=False),
                name="report_open_by_station",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def masked_phone(self) -> str:
        return f"*******{self.phone_last4}" if self.phone_last4 else ""
