"""The map's grid: cells of 64 × 64 screen pixels on Web Mercator tiles of 256 pixels, the
grid every web map draws at each zoom. Stations are counted per cell to draw a zoomed-out map
as clusters (one marker per cell, at the mean position of its stations) instead of one marker
per station.

Zooms up to ``LAST_STORED_ZOOM`` are counted ahead for the whole registry, in the materialized
view ``stations_mapcell`` (migration 0007 writes the same formulas in SQL; a test keeps the two
in step), refreshed by a job when stations change (:mod:`stations.jobs`). Filtered views and
crowded street-level views are counted when asked, with the same formulas as expressions."""

from __future__ import annotations

import math

from django.db.models import F, FloatField, Value
from django.db.models.expressions import CombinedExpression, Func
from django.db.models.functions import Cos, Floor, Ln, Pi, Radians, Tan

from stations.models import PointX, PointY

TILE_PX = 256
CELL_PX = 64
FIRST_STORED_ZOOM = 3
LAST_STORED_ZOOM = 12
FIRST_STATION_ZOOM = LAST_STORED_ZOOM + 1  # from street level, stations one by one
MAX_ZOOM = 20
MERCATOR_MAX_LAT = 85.0511  # Web Mercator's edge; all of China is well inside


def cells_across(zoom: int) -> int:
    """How many cells span the world's width (and height) at ``zoom``."""
    return (TILE_PX // CELL_PX) << zoom


def cell_of(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    """The cell (x from the antimeridian, y from the north edge) holding a WGS-84 point."""
    across = cells_across(zoom)
    lat = max(-MERCATOR_MAX_LAT, min(MERCATOR_MAX_LAT, lat))
    phi = math.radians(lat)
    x = math.floor((lon + 180) / 360 * across)
    y = math.floor((1 - math.log(math.tan(phi) + 1 / math.cos(phi)) / math.pi) / 2 * across)
    return min(x, across - 1), min(y, across - 1)


def _times(left, right) -> CombinedExpression:
    return CombinedExpression(left, "*", right, output_field=FloatField())


def cell_x(zoom: int) -> Func:
    """The cell column of each station's ``location`` at ``zoom``, as an expression."""
    lon = PointX(F("location"))
    return Floor(_times((lon + Value(180.0)) / Value(360.0), Value(float(cells_across(zoom)))))


def cell_y(zoom: int) -> Func:
    """The cell row of each station's ``location`` at ``zoom``, as an expression."""
    phi = Radians(PointY(F("location")))
    mercator = Ln(Tan(phi) + Value(1.0) / Cos(phi)) / Pi()
    return Floor(_times((Value(1.0) - mercator) / Value(2.0), Value(float(cells_across(zoom)))))
