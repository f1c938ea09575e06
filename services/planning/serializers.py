"""Input of the planning API: what to plan (region, days, vans, limits) and what to accept."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.fields import (
    BoundedDateField,
)
from core.localtime import local_today
from services.benefits.serializers import OccupationField
from services.checkups.models import CheckupKind, Van
from services.planning.selectors import UNCOVERED_DAYS, UNCOVERED_KM
from stations.serializers import CityField

MAX_PLAN_DAYS = 31


class TourPlanInput(serializers.Serializer):
    city = CityField(max_length=50)
    district = serializers.CharField(max_length=50, required=False)
    date_from = BoundedDateField(help_text=_("From today on (Asia/Shanghai)."))
    date_to = BoundedDateField()
    vans = serializers.ListField(
        child=serializers.PrimaryKeyRelatedField(queryset=Van.objects.all()),
        min_length=1,
        max_length=20,
    )
    visit_minutes = serializers.IntegerField(min_value=30, max_value=480, default=120)
    stations = serializers.ListField(
        child=serializers.CharField(max_length=32),
        required=False,
        default=list,
        max_length=1000,
        help_text=_("Candidate station codes (default: every open station of the city)."),
    )
    uncovered_km = serializers.FloatField(min_value=0.1, max_value=50, default=UNCOVERED_KM)
    uncovered_days = serializers.IntegerField(min_value=1, max_value=730, default=UNCOVERED_DAYS)
    time_limit_s = serializers.FloatField(min_value=1, max_value=60, default=10)

    def validate_vans(self, vans: list[Van]) -> list[Van]:
        repeated = sorted({van.pk for van in vans if vans.count(van) > 1})
        if repeated:
            raise serializers.ValidationError(
                _("Each van once: repeated %(ids)s.") % {"ids": ", ".join(map(str, repeated))}
            )
        return vans

    def validate_date_from(self, day: dt.date) -> dt.date:
        if day < local_today():
            raise serializers.ValidationError(_("Tours are planned from today on."))
        return day

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        days = (attrs["date_to"] - attrs["date_from"]).days + 1
        if days < 1:
            raise serializers.ValidationError({"date_to": [_("Must not be before date_from.")]})
        if days > MAX_PLAN_DAYS:
            raise serializers.ValidationError({"date_to": [_("At most 31 days.")]})
        return attrs


class TourAcceptInput(serializers.Serializer):
    """What the visits of an accepted plan offer and who may come: workers read it on every
    visit, so the organiser says it when accepting (nothing is assumed)."""

    kind = serializers.SlugRelatedField(slug_field="code", queryset=CheckupKind.objects.all())
    items = serializers.ListField(
        child=serializers.CharField(max_length=60), max_length=50, allow_empty=False
    )
    members_only = serializers.BooleanField(default=False)
    women_only = serializers.BooleanField(default=False)
    occupations = serializers.ListField(child=OccupationField(), default=list, max_length=50)
    eligibility_note = serializers.CharField(max_length=200, default="", allow_blank=True)
