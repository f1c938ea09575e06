"""Load the demo data in fixtures/ (real boundaries, synthetic stations): validate every row
first, then write everything in one transaction, or nothing."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from stations.models import Amenity
from stations.opening_hours import LOCAL_TZ
from stations.records import RowError, StationRecord, record_from_feature
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


def read_features(path: Path) -> list[dict[str, Any]]:
    try:
        collection = json.loads(path.read_text(encoding="utf-8"))
        features = collection["features"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DemoDataError(
            f"{path.name}: not a readable GeoJSON FeatureCollection ({exc})"
        ) from exc
    if not isinstance(features, list):
        raise DemoDataError(f"{path.name}: 'features' is not a list")
    return features


def validate_stations(
    features: list[Any], *, file_name: str, progress: Callable[[Iterable], Iterable] = iter
) -> list[StationRecord]:
    catalogue = set(Amenity.objects.values_list("code", flat=True))
    now = timezone.now()
    today = now.astimezone(LOCAL_TZ).date()
    records, errors, first_row_of = [], [], {}
    for row, feature in enumerate(progress(features), start=1):
        try:
            record = record_from_feature(
                feature, row=row, catalogue=catalogue, now=now, today=today
            )
        except RowError as exc:
            errors.append(str(exc))
            continue
        code = record.station.code
        if code in first_row_of:
            errors.append(f"row {row} ({code}): code: duplicates row {first_row_of[code]}.")
            continue
        first_row_of[code] = row
        records.append(record)
    if errors:
        shown = "\n  ".join(errors[:MAX_REPORTED_ERRORS])
        more = len(errors) - MAX_REPORTED_ERRORS
        tail = f"\n  … and {more} more" if more > 0 else ""
        raise DemoDataError(
            f"{file_name}: {len(errors)} bad row(s), nothing loaded:\n  {shown}{tail}"
        )
    return records


def demo_data_load(
    *, directory: Path = FIXTURES_DIR, progress: Callable[[Iterable], Iterable] = iter
) -> LoadReport:
    boundaries = read_features(directory / "boundaries.geojson")
    stations = read_features(directory / "stations.geojson")
    records = validate_stations(stations, file_name="stations.geojson", progress=progress)
    with transaction.atomic():
        areas = admin_areas_upsert(features=boundaries)
        created, present = stations_create_missing(records=records)
    return LoadReport(areas=areas, created=created, already_present=present)
