"""Place names and addresses to a point, through geopy.

With no online geocoder configured (the default, and always in tests) an offline gazetteer built
from the project's own data answers: every province, city and county by its Chinese, pinyin or
English name (stations.places), those + a sub-district's name, station names and addresses.
Set ``YIZHAN_GEOCODER`` to a geopy service name (e.g. ``nominatim``) and
``YIZHAN_GEOCODER_OPTIONS`` to its keyword arguments to use an online one (landmarks: 车公庙,
深圳北站); the answer says which one found the place.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.contrib.gis.db.models import Collect
from django.contrib.gis.db.models.functions import Centroid
from django.db.models import Q
from geopy.exc import GeopyError
from geopy.geocoders import get_geocoder_for_service
from geopy.location import Location
from geopy.point import Point as GeopyPoint

from stations.models import Station
from stations.names import without_suffix
from stations.places import PlaceMatch, find_admin_place

SUBDISTRICT_SUFFIXES = ("街道", "镇")


def _normalise(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _location(address: str, point) -> Location:
    return Location(address, GeopyPoint(point.y, point.x), raw={"source": "gazetteer"})


def _admin_location(match: PlaceMatch) -> Location:
    """A province, city or county at a point inside it; the other places of the same name
    travel with it (``alternatives``), so that the answer can say the name was ambiguous."""
    place = match.place
    raw = {
        "source": "gazetteer",
        "level": place.level,
        "name_en": place.name_en,
        "alternatives": [
            {"place": other.label, "level": other.level, "lon": other.lon, "lat": other.lat}
            for other in match.alternatives[:5]
        ],
    }
    return Location(place.label, GeopyPoint(place.lat, place.lon), raw=raw)


def _subdistrict_point(area: tuple[str, str] | None, rest: str) -> Location | None:
    if not rest:
        return None
    stem = without_suffix(rest, SUBDISTRICT_SUFFIXES)
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


def gazetteer_geocode(query: str, near: tuple[float, float] | None = None) -> Location | None:
    """Look a place up in yizhan's own data; None when nothing matches. ``near`` (lon, lat),
    the client's position, ranks the places of one name."""
    text = _normalise(query)
    if not text:
        return None
    match = find_admin_place(text, near=near)
    county = match.place if match and match.place.level == "county" else None
    subdistrict = _subdistrict_point(
        (county.city, county.name) if county else None, match.rest if match else text
    )
    if subdistrict is not None:
        return subdistrict
    if match is not None and not match.rest:
        return _admin_location(match)
    station = (
        Station.objects.filter(Q(name=text) | Q(address=text)).order_by("code").first()
        or Station.objects.filter(Q(name__contains=text) | Q(address__contains=text))
        .order_by("code")
        .first()
    )
    if station is not None:
        return _location(f"{station.name}（{station.address}）", station.location)
    return None


def geocoder_name() -> str:
    """The online geocoder configured (its geopy service name), or "gazetteer"."""
    return getattr(settings, "YIZHAN_GEOCODER", None) or "gazetteer"


def _online_geocoder() -> Callable[[str], Location | None] | None:
    service = getattr(settings, "YIZHAN_GEOCODER", None)
    if not service:
        return None
    options = getattr(settings, "YIZHAN_GEOCODER_OPTIONS", {})
    return get_geocoder_for_service(service)(**options).geocode


def geocode(query: str, near: tuple[float, float] | None = None) -> Location | None:
    """The configured online geocoder if any (falling back to the gazetteer when it fails or
    finds nothing), else the gazetteer (``near``: the client's position, lon and lat)."""
    online = _online_geocoder()
    if online is not None:
        try:
            found = online(query)
        except GeopyError:
            found = None
        if found is not None:
            return found
    return gazetteer_geocode(query, near)
