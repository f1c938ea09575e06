"""Folium maps as pure functions: data in, map out, no queries.

Every map loads Leaflet from yizhan's own static files (folium's defaults would fetch eight
files from four CDNs, and offline the map stays blank) and tiles from the one configurable tile
URL (``YIZHAN_TILE_URL``), which is the user's browser's business."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import folium
from django.templatetags.static import static
from django.utils.translation import gettext as _
from folium.plugins import HeatMap

LEAFLET_JS = "maps/vendor/leaflet/leaflet.js"
LEAFLET_CSS = "maps/vendor/leaflet/leaflet.css"
HEAT_JS = "maps/vendor/leaflet.heat/leaflet-heat.js"
# Leaflet plugins a map may ask for: (JavaScript files, style sheets).
PLUGINS = {
    "cluster": (
        ["maps/vendor/leaflet.markercluster/leaflet.markercluster.js"],
        ["maps/vendor/leaflet.markercluster/MarkerCluster.css",
         "maps/vendor/leaflet.markercluster/MarkerCluster.Default.css"],
    ),
}  # fmt: skip


@dataclass(frozen=True)
class MapParts:
    """A rendered map, in the pieces a page template places: ``header`` (links) in the head,
    ``html`` where the map goes, ``script`` at the end; ``name`` is its JavaScript variable."""

    header: str
    html: str
    script: str
    name: str


def base_map(
    *,
    center: tuple[float, float],
    zoom: int,
    tile_url: str,
    attribution: str,
    height: str = "100%",
    plugins: Sequence[str] = (),
) -> folium.Map:
    """An empty map at ``center`` (lat, lon) with Leaflet, and the ``plugins`` asked for, from
    local static files."""
    figure = folium.Map(
        location=list(center), zoom_start=zoom, tiles=None, height=height, control_scale=True
    )
    figure.default_js = [("leaflet", static(LEAFLET_JS))]
    figure.default_css = [("leaflet_css", static(LEAFLET_CSS))]
    for plugin in plugins:
        scripts, sheets = PLUGINS[plugin]
        figure.default_js += [(f"{plugin}_{n}", static(path)) for n, path in enumerate(scripts)]
        figure.default_css += [(f"{plugin}_css_{n}", static(p)) for n, p in enumerate(sheets)]
    folium.TileLayer(tiles=tile_url, attr=attribution, max_zoom=19, name=_("Map")).add_to(figure)
    return figure


def map_parts(figure: folium.Map) -> MapParts:
    root = figure.get_root()
    root.render()
    return MapParts(
        header=root.header.render(),
        html=root.html.render(),
        script=root.script.render(),
        name=figure.get_name(),
    )


def station_map(
    *, lat: float, lon: float, name: str, tile_url: str, attribution: str
) -> folium.Map:
    """A small map of one station (a vector marker: no icon files to load)."""
    figure = base_map(center=(lat, lon), zoom=16, tile_url=tile_url, attribution=attribution)
    folium.CircleMarker(
        location=[lat, lon], radius=9, color="#b3261e", fill=True, fill_opacity=0.9, tooltip=name
    ).add_to(figure)
    return figure


@dataclass(frozen=True)
class TourStop:
    lat: float
    lon: float
    label: str
    """Shown on the stop's popup (place, time, places booked / capacity)."""


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
) -> folium.Map:
    """Van tours as routes with numbered stops, coloured per van, over a heat layer of the
    demand no check-up has reached lately (``gaps``: lat, lon, weight)."""
    figure = base_map(center=center, zoom=11, tile_url=tile_url, attribution=attribution)
    if gaps:
        heat = HeatMap(
            [list(gap) for gap in gaps],
            name=_("No check-up nearby lately"),
            radius=30,
            blur=20,
            min_opacity=0.3,
        )
        heat.default_js = [("leaflet-heat.js", static(HEAT_JS))]
        heat.add_to(figure)
    for index, route in enumerate(routes):
        colour = ROUTE_COLOURS[index % len(ROUTE_COLOURS)]
        points = [[stop.lat, stop.lon] for stop in route.stops]
        layer = folium.FeatureGroup(name=route.van).add_to(figure)
        if len(points) > 1:
            folium.PolyLine(points, color=colour, weight=4, opacity=0.8, tooltip=route.van).add_to(
                layer
            )
        for number, stop in enumerate(route.stops, start=1):
            folium.Marker(
                [stop.lat, stop.lon],
                icon=folium.DivIcon(
                    html=f'<span class="stop" style="background:{colour}">{number}</span>',
                    icon_size=(24, 24),
                    icon_anchor=(12, 12),
                    class_name="stop-marker",
                ),
                # A tooltip, not a folium Popup: its HTML popups need jQuery.
                tooltip=f"{route.van} · {number}. {stop.label}",
            ).add_to(layer)
    if routes or gaps:
        folium.LayerControl(collapsed=False).add_to(figure)
    return figure


# Distance bands of the coverage map: (up to metres, colour), the last catching the rest.
COVERAGE_BANDS = [(500, "#1b5e20"), (1000, "#66bb6a"), (2000, "#ffa726"), (math.inf, "#e53935")]


def band_colour(metres: float) -> str:
    return next(colour for limit, colour in COVERAGE_BANDS if metres <= limit)


def coverage_map(
    *,
    center: tuple[float, float],
    cells: Sequence[tuple[dict, float]],
    tile_url: str,
    attribution: str,
) -> folium.Map:
    """Grid cells coloured by the distance from their centre to the nearest open station."""
    figure = base_map(center=center, zoom=10, tile_url=tile_url, attribution=attribution)
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {"colour": band_colour(metres), "metres": round(metres)},
            }
            for geometry, metres in cells
        ],
    }
    folium.GeoJson(
        collection,
        name=_("Distance to the nearest open station"),
        style_function=lambda feature: {
            "fillColor": feature["properties"]["colour"],
            "fillOpacity": 0.45,
            "weight": 0,
        },
    ).add_to(figure)
    return figure
