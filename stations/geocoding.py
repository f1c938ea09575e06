"""Place names and addresses to a point, through geopy.

With no online geocoder configured (the default, and always in tests) an offline gazetteer built
from the project's own data answers: district names, district + sub-district names, station
names and addresses. Set ``YIZHAN_GEOCODER`` to a geopy service name (e.g. ``nominatim``) and
``YIZHAN_GEOCODER_OPTIONS`` to its keyword arguments to use an online one.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.contrib.gis.db.models import Collect
from django.contrib.gis.db.models.functions import Centroid, PointOnSurface
from django.db.models import Q
from geopy.exc import GeopyError
from geopy.geocoders import get_geocoder_for_service
from geopy.location import Location
from geopy.point import Point as GeopyPoint

from stations.models import AdminArea, Station

ADMIN_SUFFIXES = ("新区", "区", "县", "市")
SUBDISTRICT_SUFFIXES = ("街道", "镇")


def _normalise(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _stem(name: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _location(address: str, point) -> Location:
    return Location(address, GeopyPoint(point.y, point.x), raw={"source": "gazetteer"})


def _district(query: str) -> tuple[tuple[str, str] | None, str]:
    """The (city, district) named at the start of the query, and what follows it. Districts come
    from the boundary table (tens of rows), never from a scan of the stations."""
    known = AdminArea.objects.values_list("city", "name")
    for city, district in sorted(known, key=lambda pair: -len(pair[1])):
        for name in (f"{city}{district}", district, _stem(district, ADMIN_SUFFIXES)):
            if query.startswith(name):
                return (city, district), query[len(name) :]
    return None, query


def _district_point(city: str, district: str) -> Location:
    area = AdminArea.objects.annotate(p=PointOnSurface("boundary")).get(city=city, name=district)
    return _location(f"{city}{district}", area.p)


def _subdistrict_point(area: tuple[str, str] | None, rest: str) -> Location | None:
    if not rest:
        return None
    stem = _stem(rest, SUBDISTRICT_SUFFIXES)
    stations = Station.objects.filter(subdistrict__in=[rest, f"{stem}街道", f"{stem}镇"])
    if area is not None:
        stations = stations.filter(city=area[0], district=area[1])
    found = stations.values("city", "district", "subdistrict").annotate(
        c=Centroid(Collect("location"))
    )
    first = found.order_by("city", "district").first()
    if first is None:
        return None
    return _location(f"{first['city']}{first['district']}{first['subdistrict']}", first["c"])


def gazetteer_geocode(query: str) -> Location | None:
    """Look a place up in yizhan's own data; None when nothing matches."""
    text = _normalise(query)
    if not text:
        return None
    area, rest = _district(text)
    subdistrict = _subdistrict_point(area, rest)
    if subdistrict is not None:
        return subdistrict
    if area is not None and not rest:
        return _district_point(*area)
    station = (
        Station.objects.filter(Q(name=text) | Q(address=text)).order_by("code").first()
        or Station.objects.filter(Q(name__contains=text) | Q(address__contains=text))
        .order_by("code")
        .first()
    )
    if station is not None:
        return _location(f"{station.name}（{station.address}）", station.location)
    return None


def _online_geocoder() -> Callable[[str], Location | None] | None:
    service = getattr(settings, "YIZHAN_GEOCODER", None)
    if not service:
        return None
    options = getattr(settings, "YIZHAN_GEOCODER_OPTIONS", {})
    return get_geocoder_for_service(service)(**options).geocode


def geocode(query: str) -> Location | None:
    """The configured online geocoder if any (falling back to the gazetteer when it fails or
    finds nothing), else the gazetteer."""
    online = _online_geocoder()
    if online is not None:
        try:
            found = online(query)
        except GeopyError:
            found = None
        if found is not None:
            return found
    return gazetteer_geocode(query)
