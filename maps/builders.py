"""Maps as pure functions: data in, a map description out, no queries.

A map is described as JSON (a :class:`MapSpec`): the page embeds it with ``json_script`` and
``maps/js/map.js``, a static file, draws it with Leaflet from yizhan's own static files. No data
ever becomes script: names and addresses reach the browser as JSON strings and are shown as
text, and the pages run under a Content-Security-Policy that allows no inline script (a map
library that writes data into an inline script, as folium did, let a van's name run as code).
Tiles come from the one configurable tile URL (``YIZHAN_TILE_URL``), the user's browser's
business."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

LEAFLET_JS = "maps/vendor/leaflet/leaflet.js"
LEAFLET_CSS = "maps/vendor/leaflet/leaflet.css"
# Leaflet plugins a map may need: (JavaScript files, style sheets).
PLUGINS = {
    "heat": (["maps/vendor/leaflet.heat/leaflet-heat.js"], []),
}  # fmt: skip


@dataclass
class MapSpec:
    """What ``map.js`` draws: the view, the tiles and the layers (each a dict with a ``type``:
    ``circle``, ``route``, ``heat`` or ``cells``). ``plugins`` are the Leaflet plugins the page
    must load."""

    center: tuple[float, float]
    zoom: int
    tile_url: str
    attribution: str
    layers: list[dict[str, Any]] = field(default_factory=list)
    plugins: list[str] = field(default_factory=list)
    layer_control: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "center": list(self.center),
            "zoom": self.zoom,
            "tiles": {"url": self.tile_url, "attribution": self.attribution},
            "layers": self.layers,
            "layerControl": self.layer_control,
        }

    def scripts(self) -> list[str]:
        return [LEAFLET_JS] + [path for name in self.plugins for path in PLUGINS[name][0]]

    def sheets(self) -> list[str]:
        return [LEAFLET_CSS] + [path for name in self.plugins for path in PLUGINS[name][1]]


def base_map(
    *,
    center: tuple[float, float],
    zoom: int,
    tile_url: str,
    attribution: str,
    plugins: Sequence[str] = (),
) -> MapSpec:
    """An empty map at ``center`` (lat, lon) with the ``plugins`` asked for."""
    return MapSpec(center, zoom, tile_url, attribution, plugins=list(plugins))


def station_map(*, lat: float, lon: float, name: str, tile_url: str, attribution: str) -> MapSpec:
    """A small map of one station (a vector marker: no icon files to load)."""
    figure = base_map(center=(lat, lon), zoom=16, tile_url=tile_url, attribution=attribution)
    figure.layers.append({"type": "circle", "at": [lat, lon], "label": name})
    return figure


@dataclass(frozen=True)
class TourStop:
    lat: float
    lon: float
    label: str
    """Shown on the stop's tooltip (place, time, places booked / capacity)."""


@dataclass(frozen=True)
class VanRoute:
    van: str
    stops: Sequence[TourStop]


ROUTE_COLOURS = ["#1565c0", "#c62828", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#4e342e"]


def tours_map(
    *,
    center: tuple[float, float],
    routes: Sequence[VanRoute],
    gaps: Sequence[tuple[float, float, float]],
    tile_url: str,
    attribution: str,
) -> MapSpec:
    """Van tours as routes with numbered stops, coloured per van, over a heat layer of the
    demand no check-up has reached lately (``gaps``: lat, lon, weight)."""
    figure = base_map(
        center=center, zoom=11, tile_url=tile_url, attribution=attribution, plugins=["heat"]
    )
    if gaps:
        figure.layers.append(
            {"type": "heat", "name": _("No check-up nearby lately"), "points": list(gaps)}
        )
    for index, route in enumerate(routes):
        figure.layers.append(
            {
                "type": "route",
                "name": route.van,
                "colour": ROUTE_COLOURS[index % len(ROUTE_COLOURS)],
                "stops": [
                    {"at": [stop.lat, stop.lon], "label": stop.label} for stop in route.stops
                ],
            }
        )
    figure.layer_control = bool(routes or gaps)
    return figure


# Distance bands of the coverage map: (up to metres, colour), the last catching the rest.
COVERAGE_BANDS = [(500, "#1b5e20"), (1000, "#66bb6a"), (2000, "#ffa726"), (math.inf, "#e53935")]


def coverage_map(
    *, center: tuple[float, float], layer_url: str, tile_url: str, attribution: str
) -> MapSpec:
    """Grid cells coloured by the distance from their centre to the nearest open station,
    loaded by the page from ``layer_url`` (the compact layer of ``/api/v1/stations/coverage/``,
    which a browser keeps and revalidates)."""
    figure = base_map(center=center, zoom=10, tile_url=tile_url, attribution=attribution)
    figure.layers.append(
        {
            "type": "grid",
            "name": _("Distance to the nearest open station"),
            "url": layer_url,
            "bands": [
                [None if limit == math.inf else limit, colour] for limit, colour in COVERAGE_BANDS
            ],
        }
    )
    return figure
