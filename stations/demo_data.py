"""Load the demo data in fixtures/ (real boundaries, synthetic stations): every row checked
and written in one transaction; one bad row and nothing is written."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from stations.bulk import (
    BadRows,
    FileError,
    NumberedFeature,
    checked_batches,
    read_features,
)
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


def _features(path: Path) -> Iterator[NumberedFeature]:
    try:
        yield from read_features(path, fmt="geojson", crs="wgs84")
    except FileError as exc:
        raise DemoDataError(str(exc)) from exc


def _bad_rows(file_name: str, exc: BadRows) -> DemoDataError:
    return DemoDataError(
        f"{file_name}: {exc.count} bad row(s), nothing loaded:\n  "
        + exc.report(shown=MAX_REPORTED_ERRORS)
    )


def demo_data_load(
    *, directory: Path = FIXTURES_DIR, progress: Callable[[Iterable], Iterable] = iter
) -> LoadReport:
    boundaries = [feature for _n, feature in _features(directory / "boundaries.geojson")]
    stations = directory / "stations.geojson"
    created = present = 0
    with transaction.atomic():
        areas = admin_areas_upsert(features=boundaries)
        try:
            for records in checked_batches(_features(stations), progress=progress):
                batch_created, batch_present = stations_create_missing(records=records)
                created, present = created + batch_created, present + batch_present
        except BadRows as exc:
            raise _bad_rows(stations.name, exc) from exc
    return LoadReport(areas=areas, created=created, already_present=present)
