"""Heat and cold mode of the nearest search: under a heat warning (or when asked), the open
stations with cooling and drinking water nearby come first; under a cold one, heating and hot
water. The warning in force at a point comes from the alerts app through the setting
``YIZHAN_WEATHER_MODE_AT`` (that app sits above this one, so this one never imports it)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from stations.selectors import StationRef, station_nearest_list

PRIORITY_AMENITIES = {"heat": ["cooling", "drinking_water"], "cold": ["heating", "hot_water"]}
PRIORITY_RADIUS_M = 5_000


@functools.cache
def weather_mode_at() -> Callable[..., dict[str, str] | None]:
    """The heat or cold warning at a point (settings.YIZHAN_WEATHER_MODE_AT: the alerts app,
    above this one, provides it)."""
    return import_string(settings.YIZHAN_WEATHER_MODE_AT)


@dataclass
class WeatherPriority:
    """Heat or cold mode: the open stations with what that weather calls for (cooling and
    drinking water; heating and hot water) within 5 km come first, then the others by
    distance; the answer says why and which came first."""

    kind: str
    asked: str
    warning: dict[str, str] | None
    first: list[str] = field(default_factory=list)

    def ranked(
        self,
        found: list[StationRef],
        *,
        params: dict,
        lon: float,
        lat: float,
        moment: dt.datetime,
    ) -> list[StationRef]:
        radius = min(params.get("radius_m") or PRIORITY_RADIUS_M, PRIORITY_RADIUS_M)
        first = station_nearest_list(
            lon=lon,
            lat=lat,
            limit=params["limit"],
            radius_m=radius,
            amenities=sorted({*params["amenity"], *PRIORITY_AMENITIES[self.kind]}),
            kinds=params["kind"],
            open_moment=moment,
        )
        self.first = [ref.code for ref in first]
        chosen = {ref.id for ref in first}
        return [*first, *(ref for ref in found if ref.id not in chosen)][: params["limit"]]

    def output(self) -> dict[str, Any]:
        if self.kind == "heat":
            what = _("open stations with cooling and drinking water within 5 km come first")
        else:
            what = _("open stations with heating and hot water within 5 km come first")
        why = self.warning["title"] if self.warning else _("Asked for")
        return {
            "applied": self.kind,
            "asked": self.asked,
            "warning": self.warning,
            "reason": _("%(why)s: %(what)s, then the others by distance.")
            % {"why": why, "what": what},
            "first": self.first,
        }


def weather_priority(
    asked: str, *, lon: float, lat: float, moment: dt.datetime
) -> WeatherPriority | None:
    """The mode the answer is ranked by: the one asked for, or with ``auto`` the heat or cold
    warning in force at the position (none: distance only)."""
    if asked in PRIORITY_AMENITIES:
        return WeatherPriority(asked, asked, None)
    if asked == "auto":
        warning = weather_mode_at()(lon=lon, lat=lat, now=moment)
        if warning is not None:
            return WeatherPriority(warning["kind"], asked, warning)
    return None
