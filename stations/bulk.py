"""Station data in bulk: reading and writing the interchange formats (GeoJSON, CSV, XLSX) in any
of the three coordinate systems, and validating a whole file before anything is written.

A file row is one station, in the shape of :func:`stations.records.record_properties`. In CSV and
XLSX, the point is two columns (``lon``, ``lat``) and the nested ``amenities`` and
``opening_hours`` are JSON text; rows are numbered as a spreadsheet shows them (the header is
row 1). GeoJSON features are numbered from 1.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import IO, Any

import ijson
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import load_workbook

from core.coordinates import from_wgs84, to_wgs84
from core.localtime import LOCAL_TZ
from core.tables import write_table
from stations.models import AdminArea, Amenity, Station
from stations.records import (
    RECORD_CHILDREN,
    STATION_FIELDS,
    RowError,
    StationRecord,
    record_coordinates,
    record_from_feature,
    record_properties,
    station_records,
)

FORMAT_LABELS = {"geojson": "GeoJSON FeatureCollection", "csv": "CSV file", "xlsx": "XLSX workbook"}
FORMATS = tuple(FORMAT_LABELS)
TABLE_COLUMNS = (*STATION_FIELDS, "lon", "lat", "last_verified_at", "amenities", "opening_hours")
JSON_COLUMNS = ("amenities", "opening_hours")
DISTRICT_TOLERANCE_M = 300
"""How far outside its district's boundary a station may lie (the boundaries are simplified)."""

NumberedFeature = tuple[int, dict[str, Any]]
BATCH_ROWS = 1000  # rows validated and written together
MAX_LISTED = 1000  # bad rows listed (all are counted)


class FileError(Exception):
    """The file cannot be read at all (not the format it claims, no header…)."""


class BadRows(Exception):
    """Some rows are invalid: ``errors`` lists them (row number, code, reason), the first
    :data:`MAX_LISTED` of ``count``."""

    def __init__(self, errors: Sequence[str], count: int | None = None) -> None:
        self.errors = list(errors)
        self.count = len(self.errors) if count is None else count
        super().__init__(f"{self.count} bad row(s), nothing written")

    def report(self, shown: int = MAX_LISTED) -> str:
        """The bad rows, one a line, and how many more there are."""
        more = self.count - min(shown, len(self.errors))
        lines = self.errors[:shown] + ([f"… and {more:,} more"] if more > 0 else [])
        return "\n  ".join(lines)


SUFFIX_FORMATS = {".geojson": "geojson", ".json": "geojson", ".csv": "csv", ".xlsx": "xlsx"}

# What an import reads at most, checked before or while reading, so that a hostile file is
# refused with a clear error instead of exhausting the machine (an XLSX of 1.8 KB can declare
# a sheet of 17 billion cells; one of 1.5 MB can unpack to gigabytes of shared strings).
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_UNPACKED_BYTES = 500 * 1024 * 1024  # XLSX: all its parts, uncompressed
MAX_ROWS = 1_000_000
MAX_COLUMNS = 64
MAX_CELL_CHARS = 20_000
MAX_DEPTH = 32  # GeoJSON: how deeply a feature may nest (a station feature needs 5)


def format_of(path: Path, given: str | None = None) -> str:
    """The file's format: as given, or by its suffix."""
    fmt = given or SUFFIX_FORMATS.get(path.suffix.lower())
    if fmt not in FORMATS:
        raise FileError(f"{path.name}: unknown format; use one of {', '.join(FORMATS)}")
    return fmt


# Reading ----------------------------------------------------------------------------------


def read_features(path: Path, *, fmt: str, crs: str) -> Iterator[NumberedFeature]:
    """Every row of the file as a numbered GeoJSON feature with WGS-84 coordinates, read as a
    stream (one row in memory at a time, whatever the file's size). Each call reads the file
    anew, so an import can make one pass to validate and another to write. A file that turns
    out unreadable part-way raises :class:`FileError` there."""
    size = path.stat().st_size if path.exists() else 0
    if size > MAX_FILE_BYTES:
        raise FileError(f"{path.name}: {size:,} bytes; at most {MAX_FILE_BYTES:,} are read")
    return _guarded(path, fmt, crs)


def _guarded(path: Path, fmt: str, crs: str) -> Iterator[NumberedFeature]:
    try:
        if fmt == "geojson":
            features = _geojson_features(path)
        else:
            rows = _csv_rows(path) if fmt == "csv" else _xlsx_rows(path)
            features = ((number, _row_feature(number, row)) for number, row in rows)
        for number, feature in features:
            yield number, _to_wgs84(feature, crs)
    except RecursionError:
        raise FileError(f"{path.name}: nested too deeply to be a station file") from None
    except (
        OSError,
        UnicodeDecodeError,
        ValueError,
        KeyError,
        TypeError,
        csv.Error,
        zipfile.BadZipFile,
        ijson.JSONError,
    ) as exc:
        raise FileError(f"{path.name}: not a readable {FORMAT_LABELS[fmt]} ({exc})") from exc


def _geojson_features(path: Path) -> Iterator[NumberedFeature]:
    """The items of the file's ``features`` list, built from the parser's events with their
    depth counted as they come: a file nested far deeper than a station is refused at depth
    MAX_DEPTH, before any of it is built (ijson's own item builder took ~25 s on 50,000
    levels)."""
    with path.open("rb") as handle:
        events = ijson.basic_parse(handle, use_float=True)
        _enter_feature_list(events)
        for number, (event, value) in enumerate(events, start=1):
            if event == "end_array":  # the end of the features list; the rest is not read
                return
            yield number, _built(event, value, events)


OPENS, CLOSES = {"start_map", "start_array"}, {"end_map", "end_array"}


def _enter_feature_list(events: Iterator[tuple[str, Any]]) -> None:
    """Read up to where the top-level object's ``features`` list opens, skipping the other
    members; ValueError when the file is not an object with such a list."""
    if next(events, (None, None))[0] != "start_map":
        raise ValueError("not a JSON object")
    for event, value in events:
        if event == "end_map":
            break
        if event == "map_key" and value == "features":
            if next(events, (None, None))[0] != "start_array":
                raise ValueError("'features' is not a list")
            return
        _built(*next(events, (None, None)), events)  # another member's value: skipped
    raise ValueError("no 'features' list")


def _built(event: str | None, value: Any, events: Iterator[tuple[str, Any]]) -> Any:
    """The JSON value that starts with (event, value), built from the events that follow;
    RecursionError once it nests deeper than MAX_DEPTH."""
    if event is None:
        raise ValueError("the file ends too early")
    if event not in OPENS:
        return value
    builder = ijson.ObjectBuilder()
    builder.event(event, value)
    depth = 1
    while depth:
        event, value = next(events, (None, None))
        if event is None:
            raise ValueError("the file ends too early")
        depth += (event in OPENS) - (event in CLOSES)
        if depth > MAX_DEPTH:
            raise RecursionError
        builder.event(event, value)
    return builder.value


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    csv.field_size_limit(MAX_CELL_CHARS)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        last_read = 0  # rows as a spreadsheet numbers them; the header is row 1
        try:
            _check_header(reader.fieldnames or [])
            last_read = 1
            for number, row in enumerate(reader, start=2):
                _check_size(number, row.values())
                yield number, row
                last_read = number
        except csv.Error as exc:  # e.g. a cell over MAX_CELL_CHARS, in the row after the last
            raise ValueError(f"row {last_read + 1}: {exc}") from None


def _check_size(number: int, values: Iterable[Any]) -> None:
    if number > MAX_ROWS + 1:
        raise ValueError(f"more than {MAX_ROWS:,} rows")
    for value in values:
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            raise ValueError(f"row {number}: a cell of over {MAX_CELL_CHARS:,} characters")


def _check_unpacked_size(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(part.file_size for part in archive.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        raise ValueError(f"unpacks to {unpacked:,} bytes; at most {MAX_UNPACKED_BYTES:,} are read")


def _xlsx_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Rows of the first sheet, read as a stream (read-only mode) and only as wide as a
    station file can be, whatever size the sheet declares."""
    _check_unpacked_size(path)
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.active
        sheet.reset_dimensions()  # the rows there are, not the size the sheet claims
        lines = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        header = [str(cell or "").strip() for cell in next(lines, ())]
        _check_header(header)
        for number, values in enumerate(lines, start=2):
            _check_size(number, values)
            if any(value not in (None, "") for value in values):
                yield number, dict(zip(header, values, strict=False))
    finally:
        workbook.close()


def _check_header(header: Sequence[str]) -> None:
    missing = [name for name in ("code", "lon", "lat") if name not in header]
    if missing:
        raise ValueError(f"header lacks column(s) {', '.join(missing)}")


def _cell(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _row_feature(number: int, row: dict[str, Any]) -> dict[str, Any]:
    """A table row as a feature; cells that do not parse are left for validation to name."""
    props: dict[str, Any] = {}
    for name in STATION_FIELDS:
        value = _cell(row.get(name))
        if value not in (None, ""):
            props[name] = value
    if "seats" in props:
        props["seats"] = _number(props["seats"], int)
    if "is_synthetic" in props:
        props["is_synthetic"] = str(props["is_synthetic"]).lower() in {"true", "1", "yes"}
    for name in ("code", "phone"):  # spreadsheets turn digit strings into numbers
        if isinstance(props.get(name), int | float):
            props[name] = str(int(props[name]))
    verified = _cell(row.get("last_verified_at"))
    if isinstance(verified, dt.datetime):
        verified = verified.isoformat()
    if verified:
        props["last_verified_at"] = verified
    for name in JSON_COLUMNS:
        text = _cell(row.get(name))
        if text:
            try:
                props[name] = json.loads(text)
            except (TypeError, ValueError):
                props[name] = text  # not JSON: validation names the column
    coordinates = [_number(_cell(row.get("lon")), float), _number(_cell(row.get("lat")), float)]
    geometry = {"type": "Point", "coordinates": coordinates}
    return {"type": "Feature", "geometry": geometry, "properties": props}


def _number(value: Any, kind: type) -> Any:
    try:
        return kind(value)
    except (TypeError, ValueError):
        return value


def _to_wgs84(feature: Any, crs: str) -> Any:
    try:
        lon, lat = (float(v) for v in feature["geometry"]["coordinates"])
    except (KeyError, TypeError, ValueError):
        return feature  # validation names the row
    feature["geometry"]["coordinates"] = list(to_wgs84(lon, lat, crs))
    return feature


# Validating -------------------------------------------------------------------------------


def row_error(number: int, code: str, field: str, message: str) -> tuple[int, str]:
    return number, str(RowError(number, code, {field: [message]}))


class _RowChecker:
    """Checks rows a batch at a time, remembering across batches only each code's first row
    (to find duplicates): the memory a file's validation needs does not grow with its rows'
    contents."""

    def __init__(self) -> None:
        self.catalogue = set(Amenity.objects.values_list("code", flat=True))
        self.now = timezone.now()
        self.today = self.now.astimezone(LOCAL_TZ).date()
        self.first_row_of: dict[str, int] = {}

    def check(
        self, batch: Sequence[NumberedFeature]
    ) -> tuple[list[tuple[int, StationRecord]], list[tuple[int, str]]]:
        """The batch's valid records, and its errors (row number, message) in row order."""
        records: list[tuple[int, StationRecord]] = []
        errors: list[tuple[int, str]] = []
        for number, feature in batch:
            try:
                record = record_from_feature(
                    feature, row=number, catalogue=self.catalogue, now=self.now, today=self.today
                )
            except RowError as exc:
                errors.append((number, str(exc)))
                continue
            except (TypeError, ValueError, AttributeError, KeyError, RecursionError) as exc:
                # A shape no check above foresaw: still this row's error, never a traceback.
                message = f"unreadable ({type(exc).__name__})."
                errors.append(row_error(number, "", "detail", message))
                continue
            code = record.station.code
            if code in self.first_row_of:
                message = f"duplicates row {self.first_row_of[code]}."
                errors.append(row_error(number, code, "code", message))
                continue
            self.first_row_of[code] = number
            records.append((number, record))
        errors += _district_errors(records)
        bad = {number for number, _message in errors}
        return [(n, r) for n, r in records if n not in bad], sorted(errors)


def _batches(features: Iterable[NumberedFeature]) -> Iterator[list[NumberedFeature]]:
    rows = iter(features)
    while batch := list(islice(rows, BATCH_ROWS)):
        yield batch


def checked_batches(
    features: Iterable[NumberedFeature], *, progress: Callable[[Iterable], Iterable] = iter
) -> Iterator[list[StationRecord]]:
    """Every row checked (fields, coordinates, hours, amenity codes, unique codes, district
    within its city and the point within its district) and given as records, a batch at a
    time, for the caller to write inside one transaction: the file is read as a stream and
    memory stays flat. From the first bad row on no more batches are given, but every row is
    still checked, and :class:`BadRows` listing them is raised at the end: the caller's
    transaction then rolls back and nothing is written."""
    checker = _RowChecker()
    errors: list[str] = []
    bad_rows = 0
    for batch in _batches(progress(features)):
        records, batch_errors = checker.check(batch)
        if batch_errors:
            bad_rows += len(batch_errors)
            errors += [message for _number, message in batch_errors][: MAX_LISTED - len(errors)]
        elif not bad_rows:
            yield [record for _number, record in records]
    if bad_rows:
        raise BadRows(errors, count=bad_rows)


def _district_errors(records: Sequence[tuple[int, StationRecord]]) -> list[tuple[int, str]]:
    """A station's district must be one of its city's (where yizhan knows the city's districts)
    and its point inside that district, within :data:`DISTRICT_TOLERANCE_M`."""
    known: dict[str, set[str]] = {}
    for city, name in AdminArea.objects.values_list("city", "name"):
        known.setdefault(city, set()).add(name)
    errors, to_check = [], []
    for number, record in records:
        station = record.station
        if station.city not in known:
            continue
        if station.district not in known[station.city]:
            message = f"{station.district!r} is not a district of {station.city}."
            errors.append(row_error(number, station.code, "district", message))
        else:
            to_check.append((number, record))
    if not to_check:
        return errors
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT r.n FROM unnest(%s::int[], %s::float8[], %s::float8[], %s::text[], %s::text[])
                   AS r(n, lon, lat, city, district)
              JOIN stations_adminarea a ON a.city = r.city AND a.name = r.district
             WHERE NOT ST_Covers(a.boundary, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326))
               AND NOT ST_DWithin(a.boundary::geography,
                                  ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326)::geography, %s)
            """,
            [
                [n for n, _r in to_check],
                [r.station.location.x for _n, r in to_check],
                [r.station.location.y for _n, r in to_check],
                [r.station.city for _n, r in to_check],
                [r.station.district for _n, r in to_check],
                DISTRICT_TOLERANCE_M,
            ],
        )
        outside = {n for (n,) in cursor.fetchall()}
    for number, record in to_check:
        if number in outside:
            station = record.station
            where = f"({station.location.x}, {station.location.y})"
            message = f"{where} is not in {station.city}{station.district}."
            errors.append(row_error(number, station.code, "location", message))
    return errors


# Writing ----------------------------------------------------------------------------------


def registry_records(
    chunk_size: int = 500, stations: QuerySet[Station] | None = None
) -> Iterator[StationRecord]:
    """Every station (of ``stations``, if given) with its amenities and hours, by code, a chunk
    at a time."""
    chosen = (stations if stations is not None else Station.objects.all()).order_by("code")
    return station_records(
        chosen.prefetch_related(*RECORD_CHILDREN).iterator(chunk_size=chunk_size)
    )


def record_feature(record: StationRecord, crs: str) -> dict[str, Any]:
    lon, lat = record_coordinates(record)
    point = [round(v, 7) for v in from_wgs84(lon, lat, crs)]
    geometry = {"type": "Point", "coordinates": point}
    return {"type": "Feature", "geometry": geometry, "properties": record_properties(record)}


def geojson_chunks(records: Iterable[StationRecord], crs: str) -> Iterator[str]:
    """A FeatureCollection as text, a feature at a time (for streaming)."""
    yield '{"type":"FeatureCollection","features":[\n'
    for index, record in enumerate(records):
        text = json.dumps(record_feature(record, crs), ensure_ascii=False, separators=(",", ":"))
        yield ("," if index else "") + text + "\n"
    yield "]}\n"


def _table_row(record: StationRecord, crs: str) -> list[Any]:
    feature = record_feature(record, crs)
    props = feature["properties"]
    lon, lat = feature["geometry"]["coordinates"]
    row = props | {"lon": lon, "lat": lat}
    for name in JSON_COLUMNS:
        row[name] = json.dumps(props[name], ensure_ascii=False, separators=(",", ":"))
    return [row[name] for name in TABLE_COLUMNS]


def write_export(out: IO[bytes], records: Iterable[StationRecord], *, fmt: str, crs: str) -> int:
    """Write the records to a binary stream in ``fmt``; returns how many were written."""
    count = 0

    def counted() -> Iterator[StationRecord]:
        nonlocal count
        for record in records:
            count += 1
            yield record

    if fmt == "geojson":
        for chunk in geojson_chunks(counted(), crs):
            out.write(chunk.encode())
    else:
        rows = (_table_row(record, crs) for record in counted())
        write_table(out, TABLE_COLUMNS, rows, fmt=fmt, sheet_name="stations")
    return count
