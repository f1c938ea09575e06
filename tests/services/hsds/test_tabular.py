"""The HSDS export as a tabular data package: a zip of datapackage.json and one CSV per table;
every CSV's header is its table's fields as the descriptor lists them, each entity appears once,
every link resolves, and the tables, read back with the descriptor's types, validate against
HSDS 3.0's tabular schema."""

import csv
import io
import json
import zipfile

import pytest
from django.test import Client
from jsonschema import Draft202012Validator

from services.hsds.tabular import SCHEMA_DIR
from tests.services.hsds.test_export import registry  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

CASTS = {"number": float, "integer": int}


def read_package(answer) -> tuple[dict, dict[str, list[dict]]]:
    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    package = json.loads(archive.read("datapackage.json"))
    tables = {}
    for resource in package["resources"]:
        text = archive.read(resource["path"]).decode("utf-8")
        reader = csv.DictReader(io.StringIO(text))
        fields = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
        missing = resource["schema"].get("missingValues", [""])  # Frictionless' default
        assert reader.fieldnames == list(fields)
        tables[resource["name"]] = [
            {k: CASTS.get(fields[k], str)(v) for k, v in row.items() if v not in missing}
            for row in reader
        ]
    return package, tables


def test_the_data_package_validates_and_its_links_resolve(registry):  # noqa: F811
    answer = Client().get("/api/v1/hsds/datapackage.zip")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/zip"
    package, tables = read_package(answer)
    assert package["profile"] == "tabular-data-package"
    tabular = json.loads((SCHEMA_DIR / "compiled" / "tabular.json").read_text(encoding="utf-8"))
    errors = [e.message for e in Draft202012Validator(tabular).iter_errors(tables)]
    assert errors == []

    ids = {name: [row["id"] for row in rows] for name, rows in tables.items()}
    assert all(len(values) == len(set(values)) for values in ids.values())
    assert len(tables["service"]) == 3 and len(tables["location"]) == 2  # real stations only
    for service in tables["service"]:
        assert service["organization_id"] in ids["organization"]
    for link in tables["service_at_location"]:
        assert link["service_id"] in ids["service"] and link["location_id"] in ids["location"]
    for table in ("address", "phone", "schedule"):
        assert all(row["location_id"] in ids["location"] for row in tables[table])
    (monday,) = [row for row in tables["schedule"] if row.get("byday") == "MO"]
    assert (monday["opens_at"], monday["timezone"]) == ("22:00+08:00", 8.0)
