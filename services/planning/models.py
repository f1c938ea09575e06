"""Van-tour proposals, kept until an organiser accepts them as check-up events."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext_lazy as _


class TourProposal(models.Model):
    """A proposed set of van tours (from the planner), kept so that it can be accepted as
    events later; accepting creates the events and records when and by whom."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    parameters = models.JSONField(_("parameters"), encoder=DjangoJSONEncoder)
    plan = models.JSONField(_("plan"), encoder=DjangoJSONEncoder)
    demand_total = models.PositiveIntegerField(_("demand of all candidates"))
    demand_covered = models.PositiveIntegerField(_("demand covered"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )

    class Meta:
        db_table = "services_tourproposal"  # made when services was one app
        verbose_name = _("van tour proposal")
        verbose_name_plural = _("van tour proposals")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.pk} ({self.created_at:%Y-%m-%d})"
