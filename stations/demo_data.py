"""Load the demo data in fixtures/ (real boundaries, synthetic stations): validate every row
first, then write everything in one transaction, or nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from stations.bulk import BadRows, FileError, NumberedFeature, read_features, validate_features
from stations.records import StationRecord
from stations.services import admin_areas_upsert, stations_create_missing

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
MAX_REPORTED_ERRORS = 20


class DemoDataError(Exception):
    """The fixture is unusable; the message names the file and every bad row."""


@dataclass(frozen=True)
class LoadReport:
    areas: int
    created: int
    already_present: int


def _features(path: Path) -> list[NumberedFeature]:
    try:
        return read_features(path, fmt="geojson", crs="wgs84")
    except FileError as exc:
        raise DemoDataError(str(exc)) from exc


def validate_stations(
    features: list[NumberedFeature],
    *,
    file_name: str,
    progress: Callable[[Iterable], Iterable] = iter,
) -> list[StationRecord]:
    try:
        return validate_features(features, progress=progress)
    except BadRows as exc:
        shown = "\n  ".join(exc.errors[:MAX_REPORTED_ERRORS])
        more = len(exc.errors) - MAX_REPORTED_ERRORS
        tail = f"\n  … and {more} more" if more > 0 else ""
        raise DemoDataError(
            f"{file_name}: {len(exc.errors)} bad row(s), nothing loaded:\n  {shown}{tail}"
        ) from exc


def demo_data_load(
    *, directory: Path = FIXTURES_DIR, progress: Callable[[Iterable], Iterable] = iter
) -> LoadReport:
    boundaries = [feature for _n, feature in _features(directory / "boundaries.geojson")]
    stations = _features(directory / "stations.geojson")
    with transaction.atomic():
        areas = admin_areas_upsert(features=boundaries)
        records = validate_stations(stations, file_name="stations.geojson", progress=progress)
        created, present = stations_create_missing(records=records)
    return LoadReport(areas=areas, created=created, already_present=present)
