"""Folium maps as pure functions: data in, map out, no queries.

Every map loads Leaflet from yizhan's own static files (folium's defaults would fetch eight
files from four CDNs, and offline the map stays blank) and tiles from the one configurable tile
URL (``YIZHAN_TILE_URL``), which is the user's browser's business."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import folium
from django.templatetags.static import static

LEAFLET_JS = "maps/vendor/leaflet/leaflet.js"
LEAFLET_CSS = "maps/vendor/leaflet/leaflet.css"
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
    folium.TileLayer(tiles=tile_url, attr=attribution, max_zoom=19).add_to(figure)
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
