"""The HSDS export as a tabular data package (Frictionless Data): one CSV per HSDS table —
organizations, services, locations, service_at_locations, addresses, phones, schedules — and a
``datapackage.json`` describing them with HSDS 3.0's own table schemas (vendored in
``schema/``, CC BY-SA 4.0), zipped. The rows are the same documents the JSON API gives, laid
flat: each entity once, linked by its id."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
TABLES = (
    "organization",
    "service",
    "location",
    "service_at_location",
    "address",
    "phone",
    "schedule",
)


@cache
def table_schema(table: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / f"{table}.json").read_text(encoding="utf-8"))


def table_columns(table: str) -> list[str]:
    """The table's columns: its schema's fields that are not nested lists or objects (nor
    references to another table's object)."""
    properties = table_schema(table)["properties"]
    return [
        name
        for name, field in properties.items()
        if field.get("type") not in (None, "array", "object")
    ]


def flat_tables(services: Iterable[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    """Fully nested service documents laid out as tables: {table: {id: row}}, each entity
    once, a row holding only its own (scalar) fields."""
    tables: dict[str, dict[str, dict[str, Any]]] = {table: {} for table in TABLES}

    def put(table: str, document: dict[str, Any]) -> None:
        tables[table].setdefault(
            document["id"],
            {k: v for k, v in document.items() if not isinstance(v, list | dict)},
        )

    for service in services:
        put("organization", service["organization"])
        put("service", service)
        for link in service["service_at_locations"]:
            put("service_at_location", link)
            for row in link.get("schedules", []):  # a check-up's sessions
                put("schedule", row)
            location = link["location"]
            put("location", location)
            for table, rows in (
                ("address", location["addresses"]),
                ("phone", location["phones"]),
                ("schedule", location["schedules"]),
            ):
                for row in rows:
                    put(table, row)
    return tables


def descriptor(created: str) -> dict[str, Any]:
    """``datapackage.json``: each table's file and fields, typed as HSDS's schemas type them."""
    resources = []
    for table in TABLES:
        schema = table_schema(table)
        fields = [
            {
                "name": name,
                "type": field.get("datapackage_type") or field["type"],
                "description": field.get("description", ""),
            }
            for name, field in schema["properties"].items()
            if name in table_columns(table)
        ]
        resources.append(
            {
                "name": table,
                "path": schema["path"],
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": fields, "primaryKey": "id", **_missing_values(fields)},
            }
        )
    return {
        "name": "yizhan-hsds",
        "title": "yizhan: outdoor workers' stations (HSDS 3.0)",
        "profile": "tabular-data-package",
        "created": created,
        "resources": resources,
    }


def _missing_values(fields: list[dict[str, Any]]) -> dict[str, Any]:
    """A table of text alone says that an empty cell is empty text, not a missing value: HSDS
    requires an address's postal code, which yizhan does not know and leaves empty."""
    return {"missingValues": []} if all(f["type"] == "string" for f in fields) else {}


def _csv(table: str, rows: Iterable[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=table_columns(table), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def data_package_zip(services: Iterable[dict[str, Any]], *, created: str) -> bytes:
    tables = flat_tables(services)
    package = descriptor(created)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", json.dumps(package, ensure_ascii=False, indent=2))
        for resource in package["resources"]:
            rows = tables[resource["name"]].values()
            archive.writestr(resource["path"], _csv(resource["name"], rows))
    return buffer.getvalue()
