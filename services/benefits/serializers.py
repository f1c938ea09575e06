"""Input of the benefits API: the worker's situation, and the scheme list's filters."""

from __future__ import annotations

from difflib import get_close_matches
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.fields import (
    CrsField,
    PositionCrsField,
    has_position,
)
from core.language import is_english
from services.benefits.selectors import normalised, occupation_names
from stations.serializers import CityField


class OccupationField(serializers.CharField):
    """An occupation by code or by any of its names or synonyms, in Chinese or English
    (外卖骑手 = 网约配送员 = food-delivery rider), as its code; unknown → suggestions."""

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        names = occupation_names()
        found = names.get(normalised(text))
        if found is None:
            close = get_close_matches(normalised(text), list(names), n=5, cutoff=0.5)
            offered = list(dict.fromkeys(names[name] for name in close)) or list(
                dict.fromkeys(names.values())
            )
            english = is_english()
            suggestions = ", ".join(
                f"{o.name_en if english else o.name} ({o.code})" for o in offered
            )
            raise serializers.ValidationError(
                _("Unknown occupation “%(text)s”. Did you mean: %(suggestions)s?")
                % {"text": text, "suggestions": suggestions}
            )
        return found.code


class EligibleInput(serializers.Serializer):
    crs = CrsField()
    position_crs = PositionCrsField()
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
    lon = serializers.FloatField(required=False, min_value=-180, max_value=180)
    city = CityField(required=False, max_length=50)
    occupation = OccupationField(max_length=60, help_text=_("Code, name or synonym (zh/en)."))
    union_member = serializers.BooleanField(required=False, allow_null=True, default=None)
    months_in_occupation = serializers.IntegerField(required=False, min_value=0, max_value=600)
    age = serializers.IntegerField(required=False, min_value=0, max_value=120)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not has_position(attrs) and "city" not in attrs:
            raise serializers.ValidationError({"city": [_("Give lat and lon, or a city.")]})
        return attrs


class SchemeFilterInput(serializers.Serializer):
    region = serializers.CharField(
        required=False, max_length=50, help_text=_("A region name (深圳市, 甘肃省) or national.")
    )
    occupation = OccupationField(required=False, max_length=60)
