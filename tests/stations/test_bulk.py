"""Bulk import and export: every format and coordinate system round-trips, a file with one bad
row writes nothing, re-importing changes nothing, and imports are in the audit history."""

import csv
import io
import json
import re
import time
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from core.models import Job
from stations.bulk import registry_records
from stations.models import AdminArea, Station, StationChange
from stations.records import record_snapshot

pytestmark = pytest.mark.django_db


def registry_snapshot() -> dict[str, dict]:
    return {r.station.code: record_snapshot(r) for r in registry_records()}


def export(tmp_path, fmt, crs="wgs84"):
    path = tmp_path / f"stations.{fmt}"
    call_command("export_stations", format=fmt, crs=crs, output=path, stderr=io.StringIO())
    return path


def import_(path, **options):
    out = io.StringIO()
    call_command("import_stations", str(path), verbosity=0, stdout=out, **options)
    return out.getvalue()


def versions() -> dict[str, int]:
    return dict(Station.objects.values_list("code", "version"))


@pytest.mark.parametrize(
    ("fmt", "crs"), [("geojson", "wgs84"), ("csv", "wgs84"), ("xlsx", "gcj02"), ("csv", "bd09")]
)
def test_export_then_import_into_an_empty_registry_reproduces_it(demo_data, tmp_path, fmt, crs):
    before = registry_snapshot()
    path = export(tmp_path, fmt, crs)
    Station.objects.all().delete()
    assert "1276 created, 0 updated, 0 unchanged" in import_(path, crs=crs)
    assert registry_snapshot() == before


def test_reimporting_the_same_file_changes_nothing(demo_data, tmp_path):
    path = export(tmp_path, "csv")
    seen = versions()
    assert "0 created, 0 updated, 1276 unchanged" in import_(path)
    assert versions() == seen
    assert not StationChange.objects.exists()


def rewrite_csv(path, change):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    change(rows)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return rows


def test_a_changed_row_is_updated_and_recorded_as_made_by_the_import(demo_data, tmp_path):
    path = export(tmp_path, "csv")
    rows = rewrite_csv(path, lambda rows: rows[3].update(seats="42", status="temporarily_closed"))
    code = rows[3]["code"]
    old = Station.objects.get(code=code)
    assert "0 created, 1 updated, 1275 unchanged" in import_(path)
    station = Station.objects.get(code=code)
    assert (station.seats, station.status) == (42, "temporarily_closed")
    assert station.last_changed_at is not None
    change = StationChange.objects.get()
    assert (change.station, change.source, change.actor_name) == (station, "import", "import")
    assert change.changes["seats"] == {"before": old.seats, "after": 42}
    assert set(change.changes) == {"seats", "status"}


def test_a_row_without_verification_keeps_the_stations(demo_data, tmp_path):
    path = export(tmp_path, "csv")
    rewrite_csv(path, lambda rows: [row.update(last_verified_at="") for row in rows])
    verified = dict(Station.objects.values_list("code", "last_verified_at"))
    assert "1276 unchanged" in import_(path)
    assert dict(Station.objects.values_list("code", "last_verified_at")) == verified


def test_dry_run_counts_and_writes_nothing(demo_data, tmp_path):
    path = export(tmp_path, "geojson")
    Station.objects.filter(code__startswith="XM-").delete()
    remaining = Station.objects.count()
    output = import_(path, dry_run=True)
    assert "Dry run" in output and "73 created" in output
    assert Station.objects.count() == remaining
    assert not StationChange.objects.exists()


def test_one_bad_row_in_a_thousand_writes_nothing_and_is_reported(demo_data, tmp_path):
    path = export(tmp_path, "csv")
    Station.objects.all().delete()
    rows = rewrite_csv(
        path, lambda rows: rows.__delitem__(slice(1000, None)) or rows[499].update(lat="91")
    )
    assert len(rows) == 1000
    with pytest.raises(CommandError) as error:
        import_(path)
    message = str(error.value)
    assert "1 bad row(s), nothing imported" in message
    assert f"row 501 ({rows[499]['code']}): location:" in message  # spreadsheet numbering
    assert not Station.objects.exists()
    assert not StationChange.objects.exists()


def test_a_bad_row_after_batches_already_written_still_writes_nothing(
    demo_data, tmp_path, monkeypatch
):
    """The file is written a batch at a time as it is read: a bad row in the last batch rolls
    back the batches written before it."""
    monkeypatch.setattr("stations.bulk.BATCH_ROWS", 100)
    path = export(tmp_path, "csv")
    Station.objects.all().delete()
    rows = rewrite_csv(path, lambda rows: rows[1250].update(lat="91"))
    with pytest.raises(CommandError, match=f"row 1252 \\({rows[1250]['code']}\\): location:"):
        import_(path)
    assert not Station.objects.exists() and not StationChange.objects.exists()


def test_many_bad_rows_are_counted_and_the_first_listed(demo_data, tmp_path, monkeypatch):
    monkeypatch.setattr("stations.bulk.MAX_LISTED", 5)
    path = export(tmp_path, "csv")
    rewrite_csv(path, lambda rows: [row.update(lat="91") for row in rows[:40]])
    with pytest.raises(CommandError) as error:
        import_(path)
    message = str(error.value)
    assert "40 bad row(s), nothing imported" in message
    assert message.count("location:") == 5 and "… and 35 more" in message


def test_every_bad_row_is_listed_with_its_reason(demo_data, tmp_path):
    path = export(tmp_path, "csv")

    def spoil(rows):
        rows[0]["amenities"] = json.dumps([{"code": "jacuzzi"}])
        rows[1]["opening_hours"] = json.dumps(
            {"weekly": [[0, "08:00", "12:00"], [0, "11:00", "13:00"]], "exceptions": []}
        )
        rows[2]["district"] = "不存在区"
        rows[3]["lon"], rows[3]["lat"] = "100.0", "40.0"  # far from its district
        rows[4]["code"] = rows[5]["code"]
        rows[6]["seats"] = "many"
        rows[7]["kind"] = "castle"

    rows = rewrite_csv(path, spoil)
    with pytest.raises(CommandError) as error:
        import_(path)
    lines = str(error.value).splitlines()[1:]
    assert len(lines) == 7
    expected = [
        (2, "amenities", "jacuzzi"),
        (3, "opening_hours", "营业时段重叠"),
        (4, "district", "不存在区"),
        (5, "location", "is not in"),
        (7, "code", "duplicates row 6"),
        (8, "seats", ""),
        (9, "kind", "castle"),
    ]
    for line, (number, field, text) in zip(lines, expected, strict=True):
        assert line.strip().startswith(f"row {number} ("), line
        assert f"{field}:" in line and text in line, line
    assert rows[4]["code"] in str(error.value)


def test_a_point_just_outside_a_district_boundary_is_tolerated(db, tmp_path):
    from tests.stations.factories import AdminAreaFactory

    AdminAreaFactory(name="福田区")  # 113.99–114.02, 22.49–22.51
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [114.0215, 22.50]},  # ≈150 m east
        "properties": {
            "code": "T-EDGE",
            "name": "边界驿站",
            "address": "深圳市福田区",
            "city": "深圳市",
            "district": "福田区",
            "kind": "union_station",
        },
    }
    path = tmp_path / "edge.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    assert "1 created" in import_(path)
    feature["properties"]["code"] = "T-FAR"
    feature["geometry"]["coordinates"] = [114.03, 22.50]  # ≈1 km east
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    with pytest.raises(CommandError, match=r"row 1 \(T-FAR\): location"):
        import_(path)
    assert AdminArea.objects.count() == 1


@pytest.mark.parametrize("content", ["{not json", "code,name\nA,B\n"])
def test_an_unreadable_file_is_a_clear_error(db, tmp_path, content):
    path = tmp_path / ("bad.geojson" if content.startswith("{") else "bad.csv")
    path.write_text(content)
    with pytest.raises(CommandError, match=r"bad\.(geojson|csv): not a readable"):
        import_(path)


def test_an_unknown_importing_user_is_a_clear_error(db, tmp_path):
    path = tmp_path / "empty.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(CommandError, match="--by: no user 'nobody'"):
        import_(path, by="nobody")


def test_the_open_data_export_is_a_snapshot_made_by_a_job(demo_data, run_jobs):
    first = Client().get("/api/v1/stations/export.geojson", {"crs": "gcj02"})
    assert first.status_code == 202  # the first snapshot is being made
    assert first.json()["kind"] == "export"
    run_jobs()
    response = Client().get("/api/v1/stations/export.geojson", {"crs": "gcj02"})
    assert response.status_code == 200 and response["Last-Modified"]
    assert response["Content-Type"] == "application/geo+json"
    body = json.loads(b"".join(response.streaming_content))
    assert len(body["features"]) == 1276
    first = body["features"][0]
    assert set(first["properties"]) >= {"code", "amenities", "opening_hours", "last_verified_at"}
    assert Job.objects.filter(kind="export").count() == 1  # fresh: no new job
    bad = Client().get("/api/v1/stations/export.geojson", {"crs": "utm"})
    assert bad.status_code == 400 and "crs" in bad.json()["errors"]


def test_hostile_rows_are_named_not_crashed_on(demo_data, tmp_path):
    """Each of these used to end the import with a traceback."""
    path = export(tmp_path, "csv")

    def spoil(rows):
        rows[0]["opening_hours"] = "Mon–Fri 9–5"  # not JSON
        amenities = json.loads(rows[1]["amenities"]) or [{"code": "wifi"}]
        amenities[0]["details"] = "很长" * 200  # over its column's 200 characters
        rows[1]["amenities"] = json.dumps(amenities, ensure_ascii=False)
        rows[2]["opening_hours"] = json.dumps(
            {
                "weekly": [],
                "exceptions": [{"date": "2027-01-01", "closed": True, "note": "x" * 300}],
            }
        )
        rows[3]["name"] = "有\x00空字符"
        rows[4]["amenities"] = json.dumps({"code": "wifi"})  # an object, not a list

    rewrite_csv(path, spoil)
    with pytest.raises(CommandError) as error:
        import_(path)
    lines = str(error.value).splitlines()[1:]
    expected = [
        (2, "opening_hours", "not a JSON object"),
        (3, "amenities", "longer than 200"),
        (4, "opening_hours", "longer than 200"),
        (5, "name", "NUL"),
        (6, "amenities", "not a JSON list"),
    ]
    assert len(lines) == len(expected), lines
    for line, (number, field, text) in zip(lines, expected, strict=True):
        assert line.strip().startswith(f"row {number} ("), line
        assert f"{field}:" in line and text in line, line


def test_a_cell_too_long_or_json_too_deep_is_a_clear_error(db, tmp_path):
    long_cell = tmp_path / "long.csv"
    long_cell.write_text("code,lon,lat,name\nA,114,22.5," + "长" * 140_000 + "\n")
    with pytest.raises(CommandError, match=r"long\.csv: not a readable CSV file \(row 2"):
        import_(long_cell)
    deep = tmp_path / "deep.geojson"
    deep.write_text(
        '{"type": "FeatureCollection", "features": ' + "[" * 50_000 + "]" * 50_000 + "}"
    )
    with pytest.raises(CommandError, match=r"deep\.geojson: nested too deeply"):
        import_(deep)


def xlsx_with(tmp_path, name: str, edit) -> Path:
    """A station workbook whose parts ``edit(name, data) -> data`` rewrites."""
    from openpyxl import Workbook

    plain = tmp_path / "plain.xlsx"
    workbook = Workbook()
    workbook.active.append(["code", "lon", "lat", "name"])
    workbook.active.append(["X-1", 114.0, 22.5, "站"])
    workbook.save(plain)
    path = tmp_path / name
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for part in source.infolist():
            out.writestr(part.filename, edit(part.filename, source.read(part.filename)))
    return path


def test_an_xlsx_declaring_a_whole_sheet_is_read_as_the_rows_it_has(db, tmp_path):
    def claim_everything(name, data):
        if name.endswith("sheet1.xml"):
            return re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:XFD1048576"', data)
        return data

    path = xlsx_with(tmp_path, "claims.xlsx", claim_everything)
    started = time.monotonic()
    with pytest.raises(CommandError, match="row 2"):  # read, then refused for its contents
        import_(path)
    assert time.monotonic() - started < 10


def test_an_xlsx_that_unpacks_too_large_is_refused_before_reading(db, tmp_path, monkeypatch):
    monkeypatch.setattr("stations.bulk.MAX_UNPACKED_BYTES", 1_000_000)

    def inflate(name, data):
        if name.endswith("sheet1.xml"):
            return data.replace(b"</worksheet>", b"<!--" + b" " * 2_000_000 + b"--></worksheet>")
        return data

    path = xlsx_with(tmp_path, "bomb.xlsx", inflate)
    assert path.stat().st_size < 100_000
    with pytest.raises(CommandError, match=r"bomb\.xlsx: .*unpacks to [\d,]+ bytes"):
        import_(path)
