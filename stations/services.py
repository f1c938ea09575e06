"""Writes to the station registry, with their rules. Every function here is atomic."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.db import transaction

from stations.models import AdminArea, OpeningException, OpeningPeriod, Station, StationAmenity
from stations.records import StationRecord

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


@transaction.atomic
def stations_create_missing(*, records: Sequence[StationRecord]) -> tuple[int, int]:
    """Create the stations whose code is not in the registry yet, with their amenities and hours.

    Stations already present are left as they are (a manager may have changed them since), so
    loading the same data twice adds nothing. Returns (created, already present).
    """
    codes = [r.station.code for r in records]
    existing = set(Station.objects.filter(code__in=codes).values_list("code", flat=True))
    new = [r for r in records if r.station.code not in existing]
    Station.objects.bulk_create([r.station for r in new], batch_size=500)
    amenities: list[StationAmenity] = []
    periods: list[OpeningPeriod] = []
    exceptions: list[OpeningException] = []
    for record in new:
        for child in (*record.amenities, *record.periods, *record.exceptions):
            child.station = record.station
        amenities += record.amenities
        periods += record.periods
        exceptions += record.exceptions
    StationAmenity.objects.bulk_create(amenities, batch_size=2000)
    OpeningPeriod.objects.bulk_create(periods, batch_size=2000)
    OpeningException.objects.bulk_create(exceptions, batch_size=2000)
    return len(new), len(existing)
