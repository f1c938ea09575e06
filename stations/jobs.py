"""Station work that runs as a job on the task queue, never for an anonymous request in a
server worker: a city's coverage grid (seconds of spatial SQL) and the open-data export of the
whole registry. Pages and the API serve the latest result and start a new job when it is older
than its setting allows (asking while one is under way joins it)."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone

from core.coordinates import from_wgs84
from core.jobs import Progress, job_kind, job_latest, job_start
from core.localtime import local_iso
from core.models import Job
from stations.bulk import geojson_chunks, registry_records
from stations.models import Station, StationRemoval
from stations.selectors import Coverage, station_coverage
from stations.services import map_cells_refresh

COVERAGE = "coverage"
EXPORT = "export"
MAP_CELLS = "map-cells"
MAP_CELLS_CHECK_INTERVAL_S = 30.0
COVERAGE_TARGET_M = 1000  # the national target: a station within 1 km (a 15-minute walk)


def fresh_or_refreshed(*, kind: str, key: str, parameters: dict, max_age: dt.timedelta):
    """The latest finished result for ``key`` (or None), and the job computing a newer one
    when that result is missing or older than ``max_age`` (else None)."""
    latest = job_latest(key=key)
    if latest is not None and latest.finished_at >= timezone.now() - max_age:
        return latest, None
    return latest, job_start(kind=kind, key=key, parameters=parameters)


def coverage_of(city: str) -> tuple[Job | None, Job | None]:
    """The latest coverage of ``city`` (None when there is none) and
    the job computing a newer one: when that one is older than its setting allows, or a
    station of the city changed (opened, closed, moved, or anything else) or any station was
    removed since it began."""
    key = f"{COVERAGE}:grid:{city}"  # ":grid": results of the compact form only
    latest = job_latest(key=key)
    max_age = dt.timedelta(minutes=settings.YIZHAN_COVERAGE_MAX_AGE_MINUTES)
    fresh = latest is not None and latest.finished_at >= timezone.now() - max_age
    if fresh and not stations_changed_since(latest.started_at, city=city):
        return latest, None
    return latest, job_start(kind=COVERAGE, key=key, parameters={"city": city})


def stations_changed_since(moment: dt.datetime, *, city: str) -> bool:
    """Two index lookups: the city's latest change, any removal at all (a removal keeps only
    the code)."""
    changed = Station.objects.filter(city=city).aggregate(at=Max("updated_at"))["at"]
    return (changed is not None and changed >= moment) or StationRemoval.objects.filter(
        removed_at__gte=moment
    ).exists()


def coverage_result(job: Job) -> Coverage:
    result = job.result
    west, south, dx, dy = result["grid"]
    cells = [(column, row, metres) for column, row, metres in result["cells"]]
    stations, isolated = result["stations"], result["isolated_stations"]
    return Coverage(result["cell_m"], west, south, dx, dy, cells, stations, isolated)


def coverage_layer_text(job: Job, crs: str) -> str:
    """A finished coverage job as the compact layer the coverage page draws, JSON text made
    once per job and crs and kept in the cache: each cell as its south-west corner in ``crs``
    (5 decimals, ≈1 m) and its distance in whole metres, the cells' size in degrees. About
    50 KB for Shenzhen's 4,000 cells, 15 KB gzipped."""
    key = f"coverage-layer:{job.pk}:{crs}"
    text = cache.get(key)
    if text is None:
        coverage = coverage_result(job)
        cells = []
        for column, row, metres in coverage.cells:
            west, south, _, _ = coverage.bounds(column, row)
            x, y = from_wgs84(west, south, crs)
            cells.append([round(x, 5), round(y, 5), round(metres)])
        text = json.dumps(
            {
                "city": job.result["city"],
                "computed_at": local_iso(job.finished_at),
                "target_m": COVERAGE_TARGET_M,
                "cell_m": round(coverage.cell_m),
                "size": [round(coverage.dx, 7), round(coverage.dy, 7)],
                "area_share_beyond_target": round(coverage.area_share_beyond(COVERAGE_TARGET_M), 4),
                "stations": coverage.stations,
                "isolated_stations": coverage.isolated_stations,
                "cells": cells,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        cache.set(key, text, timeout=settings.YIZHAN_COVERAGE_MAX_AGE_MINUTES * 60)
    return text


@job_kind(COVERAGE)
def coverage_job(parameters: dict[str, Any], progress: Progress) -> dict[str, Any]:
    coverage = station_coverage(city=parameters["city"], target_m=COVERAGE_TARGET_M)
    return {
        "city": parameters["city"],
        "cell_m": coverage.cell_m,
        "grid": [coverage.west, coverage.south, coverage.dx, coverage.dy],
        "cells": [[column, row, round(metres, 1)] for column, row, metres in coverage.cells],
        "stations": coverage.stations,
        "isolated_stations": coverage.isolated_stations,
    }


def export_of(crs: str) -> tuple[Job | None, Job | None]:
    return fresh_or_refreshed(
        kind=EXPORT,
        key=f"{EXPORT}:{crs}",
        parameters={"crs": crs},
        max_age=dt.timedelta(minutes=settings.YIZHAN_EXPORT_MAX_AGE_MINUTES),
    )


def export_path(job: Job) -> Path | None:
    """The file a finished export job wrote, if it is still there."""
    path = Path(settings.YIZHAN_EXPORT_DIR) / job.result["file"]
    return path if path.is_file() else None


@job_kind(EXPORT)
def export_job(parameters: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """The whole registry as GeoJSON in a file, written aside and renamed into place; the
    previous file of the same coordinate system is removed once the new one is there."""
    crs = parameters["crs"]
    directory = Path(settings.YIZHAN_EXPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    total = Station.objects.count() or 1
    name = f"yizhan-stations-{crs}-{timezone.now():%Y%m%dT%H%M%S%f}.geojson"
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=directory, delete=False) as out:
        for index, chunk in enumerate(geojson_chunks(registry_records(), crs)):
            out.write(chunk)
            if index % 1000 == 0:
                progress(index / total)
    os.replace(out.name, directory / name)
    for old in directory.glob(f"yizhan-stations-{crs}-*.geojson"):
        if old.name != name:
            old.unlink(missing_ok=True)
    return {"file": name, "bytes": (directory / name).stat().st_size, "stations": total}


_map_cells_next_check = [0.0]  # per process: the monotonic moment of the next check


def map_cells_kept_fresh() -> None:
    """Start the job that counts the map cells again when a station changed since the last
    count began, or that count is older than ``YIZHAN_MAP_CELLS_MAX_AGE_MINUTES`` (a deleted
    station leaves no change behind). Checked at most every 30 s per server process; a count
    under way is joined. Until it is done, maps show the previous count."""
    now = time.monotonic()
    if now < _map_cells_next_check[0]:
        return
    _map_cells_next_check[0] = now + MAP_CELLS_CHECK_INTERVAL_S
    latest = job_latest(key=MAP_CELLS)
    if latest is not None:
        changed = Station.objects.aggregate(at=Max("updated_at"))["at"]
        max_age = dt.timedelta(minutes=settings.YIZHAN_MAP_CELLS_MAX_AGE_MINUTES)
        if (changed is None or changed < latest.started_at) and (
            latest.finished_at >= timezone.now() - max_age
        ):
            return
    job_start(kind=MAP_CELLS, key=MAP_CELLS, parameters={})


@job_kind(MAP_CELLS)
def map_cells_job(parameters: dict[str, Any], progress: Progress) -> dict[str, Any]:
    return {"cells": map_cells_refresh()}
