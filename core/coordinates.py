"""WGS-84 ↔ GCJ-02 (Amap, Tencent) ↔ BD-09 (Baidu): the one place where coordinates change system.

yizhan stores WGS-84. Clients may send and receive the Chinese map systems; the API converts at
its edge with these functions. GCJ-02 is an obfuscation applied only in mainland China: points in
Hong Kong, Macau, Taiwan and outside China are returned unchanged. Inverses are iterative
(``prcoords``' "bored" functions, millimetre-level), not the one-step ≈2.5 m approximations.
"""

from __future__ import annotations

import json
import warnings
from enum import StrEnum
from functools import cache
from pathlib import Path

import numpy as np
import prcoords
from django.contrib.gis.geos import GEOSGeometry, Point
from django.contrib.gis.geos.prepared import PreparedGeometry

OUTSIDE_MAINLAND_FILE = Path(__file__).resolve().parent / "data" / "outside_mainland.geojson"


class Crs(StrEnum):
    WGS84 = "wgs84"
    GCJ02 = "gcj02"
    BD09 = "bd09"


@cache
def _outside_mainland() -> list[PreparedGeometry]:
    features = json.loads(OUTSIDE_MAINLAND_FILE.read_text(encoding="utf-8"))["features"]
    return [GEOSGeometry(json.dumps(f["geometry"]), srid=4326).prepared for f in features]


def in_mainland_china(lon: float, lat: float) -> bool:
    if not prcoords.sanity_in_china_p(prcoords.Coords(lat, lon)):
        return False
    point = Point(lon, lat, srid=4326)
    return not any(area.contains(point) for area in _outside_mainland())


_FROM_WGS = {Crs.GCJ02: prcoords.wgs_gcj, Crs.BD09: prcoords.wgs_bd}
_TO_WGS = {Crs.GCJ02: prcoords.gcj_wgs_bored, Crs.BD09: prcoords.bd_wgs_bored}


def _convert(function, lon: float, lat: float) -> tuple[float, float]:
    with warnings.catch_warnings():  # prcoords warns about non-Chinese points; we never pass any
        warnings.simplefilter("ignore")
        result = function(prcoords.Coords(lat, lon))
    return result.lon, result.lat


def from_wgs84(lon: float, lat: float, crs: Crs | str) -> tuple[float, float]:
    """A WGS-84 point expressed in ``crs`` (lon, lat)."""
    crs = Crs(crs)
    if crs is Crs.WGS84 or not in_mainland_china(lon, lat):
        return lon, lat
    return _convert(_FROM_WGS[crs], lon, lat)


def in_every_crs(lon: float, lat: float) -> dict[Crs, tuple[float, float]]:
    """A WGS-84 point expressed in each system (one mainland test for all three)."""
    if not in_mainland_china(lon, lat):
        return dict.fromkeys(Crs, (lon, lat))
    gcj = _convert(prcoords.wgs_gcj, lon, lat)
    return {Crs.WGS84: (lon, lat), Crs.GCJ02: gcj, Crs.BD09: _convert(prcoords.gcj_bd, *gcj)}


def to_wgs84(lon: float, lat: float, crs: Crs | str) -> tuple[float, float]:
    """A point given in ``crs`` (lon, lat) converted to WGS-84."""
    crs = Crs(crs)
    # Far outside China's box no point was shifted (and the iterative inverse can fail there:
    # a math domain error at the pole).
    if crs is Crs.WGS84 or not prcoords.sanity_in_china_p(prcoords.Coords(lat, lon)):
        return lon, lat
    wgs = _convert(_TO_WGS[crs], lon, lat)
    return wgs if in_mainland_china(*wgs) else (lon, lat)


# GCJ-02 for whole boundaries at once: the published forward formula (as prcoords has it per
# point) on numpy arrays, inverted by fixed-point iteration. Three rounds agree with prcoords'
# iterative inverse within 1e-7° (1 cm) across China, and convert ten million vertices in a
# few seconds where a point at a time takes minutes.
_GCJ_AXIS = 6378245.0
_GCJ_EE = 0.00669342162296594323


def _gcj_offsets(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, y, pi = lon - 105.0, lat - 35.0, np.pi
    waves = (20 * np.sin(6 * x * pi) + 20 * np.sin(2 * x * pi)) * 2 / 3
    dlat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x)) + waves
    dlat += (20 * np.sin(y * pi) + 40 * np.sin(y / 3 * pi)) * 2 / 3
    dlat += (160 * np.sin(y / 12 * pi) + 320 * np.sin(y * pi / 30)) * 2 / 3
    dlon = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x)) + waves
    dlon += (20 * np.sin(x * pi) + 40 * np.sin(x / 3 * pi)) * 2 / 3
    dlon += (150 * np.sin(x / 12 * pi) + 300 * np.sin(x / 30 * pi)) * 2 / 3
    radians = lat / 180 * pi
    magic = 1 - _GCJ_EE * np.sin(radians) ** 2
    root = np.sqrt(magic)
    dlat = dlat * 180 / ((_GCJ_AXIS * (1 - _GCJ_EE)) / (magic * root) * pi)
    dlon = dlon * 180 / (_GCJ_AXIS / root * np.cos(radians) * pi)
    return dlon, dlat


def gcj02_to_wgs84_arrays(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mainland points given in GCJ-02 (arrays of lon, lat) in WGS-84."""
    wgs_lon, wgs_lat = lon.astype(float), lat.astype(float)
    for _round in range(3):
        dlon, dlat = _gcj_offsets(wgs_lon, wgs_lat)
        wgs_lon -= wgs_lon + dlon - lon
        wgs_lat -= wgs_lat + dlat - lat
    return wgs_lon, wgs_lat
