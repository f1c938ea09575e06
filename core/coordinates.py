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
