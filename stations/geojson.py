"""The stations as GeoJSON, built as text from :class:`~stations.selectors.StationView` values:
GeoJSON by hand is several times cheaper than a serializer per feature (the nearest endpoint's
throughput, bench/results/latest.md), and the shape is fixed by the API contract. A station's
Feature is encoded once per version and language and kept (:data:`encoded_stations`); what
each request decides (distance, open now, coordinate system) is filled in per request."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from core.coordinates import Crs, in_every_crs
from core.fields import (
    point_output,
    rounded,
)
from core.language import is_english
from core.localtime import LOCAL_TZ
from core.lru import LruCache
from stations.opening_hours import Schedule
from stations.selectors import (
    Cluster,
    StationRef,
    StationView,
    exceptions_since,
    stale_before,
)


def _overnight(opens: str, closes: str) -> bool:
    """Runs past midnight (not the whole day 00:00–00:00); "HH:MM:SS" texts compare as times."""
    return closes <= opens and not opens == closes == "00:00:00"


def opening_hours_output(station: StationView, schedule: Schedule) -> dict[str, Any]:
    return {
        "weekly": [
            {
                "weekday": weekday,
                "opens": opens[:5],
                "closes": closes[:5],
                "overnight": _overnight(opens, closes),
            }
            for weekday, opens, closes in station.weekly
        ],
        "exceptions": [
            {
                "date": date,
                "closed": closed,
                "opens": opens and opens[:5],
                "closes": closes and closes[:5],
                "overnight": not closed and _overnight(opens, closes),
                "note": note,
            }
            for date, closed, opens, closes, note in station.exceptions
        ],
        "during_warnings": [
            {
                "warning": kind,
                "opens": opens and opens[:5],
                "closes": closes and closes[:5],
                "overnight": opens is not None and _overnight(opens, closes),
                "services": services,
                "dates": dates,
            }
            for kind, opens, closes, services, dates in station.warning_rules
        ],
        "always_open": schedule.is_always_open,
        "text": {"zh": schedule.describe("zh-hans"), "en": schedule.describe("en")},
    }


def navigation_links(station: StationView, where: dict[Crs, tuple[float, float]]) -> dict[str, str]:
    """Amap wants GCJ-02, Baidu BD-09; both open the app (or the web page) at the station."""
    gcj_lon, gcj_lat = where[Crs.GCJ02]
    bd_lon, bd_lat = where[Crs.BD09]
    amap = {
        "position": f"{gcj_lon:.6f},{gcj_lat:.6f}",
        "name": station.name,
        "coordinate": "gaode",
        "callnative": 1,
        "src": "yizhan",
    }
    baidu = {
        "location": f"{bd_lat:.6f},{bd_lon:.6f}",
        "title": station.name,
        "content": station.address,
        "coord_type": "bd09ll",
        "output": "html",
        "src": "yizhan",
    }
    return {
        "amap": "https://uri.amap.com/marker?" + urlencode(amap),
        "baidu": "https://api.map.baidu.com/marker?" + urlencode(baidu),
    }


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class OpenState:
    """Open now or not, and when that changes (None: not within a week, or never)."""

    open_now: bool
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None

    @classmethod
    def of(cls, schedule: Schedule, open_status: bool, moment: dt.datetime) -> OpenState:
        if not open_status:  # closed for now, whatever the hours say: no time to promise
            return cls(False, None, None)
        is_open, change = schedule.is_open_at(moment), schedule.next_change(moment)
        return cls(is_open, None if is_open else change, change if is_open else None)

    def json(self) -> str:
        """The three properties as JSON text (with a trailing comma)."""
        opens = "null" if self.opens_at is None else f'"{self.opens_at.isoformat()}"'
        closes = "null" if self.closes_at is None else f'"{self.closes_at.isoformat()}"'
        now = "true" if self.open_now else "false"
        return f'"open_now":{now},"opens_at":{opens},"closes_at":{closes},'


@dataclass(slots=True)
class EncodedStation:
    """A station's GeoJSON Feature as JSON text, but for what each request decides (distance,
    open now, which crs): ``heads`` (per crs) and ``tail`` are the text before and after those.
    Only ``known_state`` changes once made (not frozen: a holder for it would be one more object
    per cached station for the garbage collector to walk)."""

    schedule: Schedule
    open_status: bool
    confirmed_at: dt.datetime | None
    stale_notice: str
    """JSON text of the notice shown while the station is stale."""
    heads: dict[str, str]
    """Per crs: the Feature up to and including the fixed leading properties."""
    tail: str
    known_state: tuple[dt.datetime, dt.datetime, str] | None = None
    """The last open state worked out, with the moments it holds for: (from, until, text)."""

    def open_state_json(self, moment: dt.datetime) -> str:
        """The open state at ``moment`` as JSON text. It holds until its next change, so it is
        worked out once per station and change of state, not once per request."""
        known = self.known_state
        if known is not None and known[0] <= moment < known[1]:
            return known[2]
        state = OpenState.of(self.schedule, self.open_status, moment)
        change = state.opens_at or state.closes_at
        until = change or moment + dt.timedelta(hours=1)  # no change within a week: ask again
        text = state.json()
        self.known_state = (moment, until, text)
        return text

    def feature(
        self, *, crs: str, moment: dt.datetime, distance_m: float | None, stale_before: dt.datetime
    ) -> str:
        # repr of a float is its JSON text
        middle = "" if distance_m is None else f'"distance_m":{round(distance_m, 1)!r},'
        if self.confirmed_at is None or self.confirmed_at < stale_before:
            freshness = f'"stale":true,"stale_notice":{self.stale_notice},'
        else:
            freshness = '"stale":false,"stale_notice":null,'
        state = self.open_state_json(moment)
        return f"{self.heads[crs]}{middle}{state}{freshness}{self.tail}}}}}"

    def marker(self, *, crs: str, moment: dt.datetime) -> str:
        """The Feature a map marker needs: the leading properties and the open state."""
        return f"{self.heads[crs]}{self.open_state_json(moment)[:-1]}}}}}"


STALE_NOTICE = _("Not confirmed for a while: call the station to confirm before you go.")


def _fixed_properties(
    station: StationView, schedule: Schedule, where: dict[Crs, tuple[float, float]], english: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The properties that do not depend on the request: those before the per-request ones
    (distance, open now, staleness) and those after, in the API's order."""
    name_index = 2 if english else 1
    head = {
        "code": station.code,
        "name": station.name,
        "name_en": station.name_en,
        "address": station.address,
        "city": station.city,
        "district": station.district,
        "kind": station.kind,
        "status": station.status,
    }
    tail = {
        "opening_hours": opening_hours_output(station, schedule),
        "amenities": [
            {"code": a[0], "name": a[name_index], "status": a[3], "details": a[4]}
            for a in station.amenities
        ],
        "phone": station.phone,
        "last_verified_at": station.last_verified_at and station.last_verified_at.isoformat(),
        "is_synthetic": station.is_synthetic,
        "navigation": navigation_links(station, where),
    }
    return head, tail


def station_properties(
    station: StationView, *, moment: dt.datetime, language: str
) -> dict[str, Any]:
    """One station's Feature properties as a dict (for a page), as the API gives them."""
    schedule = station.schedule()
    where = in_every_crs(station.lon, station.lat)
    head, tail = _fixed_properties(station, schedule, where, is_english(language))
    stale = station.confirmed_at is None or station.confirmed_at < stale_before()
    state = OpenState.of(schedule, station.is_open_status, moment.astimezone(LOCAL_TZ))
    return {
        **head,
        "open_now": state.open_now,
        "opens_at": state.opens_at and state.opens_at.isoformat(),
        "closes_at": state.closes_at and state.closes_at.isoformat(),
        "stale": stale,
        "stale_notice": str(STALE_NOTICE) if stale else None,
        **tail,
    }


def encode_station(station: StationView, *, english: bool) -> EncodedStation:
    """Encoded in the active language (the stale notice); ``english`` picks the amenity names
    (the caller's language, which is the active one)."""
    schedule = station.schedule()
    where = in_every_crs(station.lon, station.lat)
    head, tail = _fixed_properties(station, schedule, where, english)
    heads = {
        crs.value: to_json(
            {
                "type": "Feature",
                "id": station.code,
                "geometry": {"type": "Point", "coordinates": rounded(point)},
                "properties": head,
            }
        )[:-2]  # open the properties again: the per-request ones follow
        + ","
        for crs, point in where.items()
    }
    return EncodedStation(
        schedule=schedule,
        open_status=station.is_open_status,
        confirmed_at=station.confirmed_at,
        stale_notice=to_json(str(STALE_NOTICE)),
        heads=heads,
        tail=to_json(tail)[1:-1],
    )


def station_feature(station: StationView, *, crs: str, moment: dt.datetime, language: str) -> str:
    """One station as a GeoJSON Feature text (no distance), in the caller's language."""
    encoded = encode_station(station, english=is_english(language))
    return encoded.feature(crs=crs, moment=moment, distance_m=None, stale_before=stale_before())


# By (id, version, first exception date shown, english). The version comes from the query that
# found the station, and the database raises it on every change, so an entry is never stale;
# only encoding is saved.
encoded_stations: LruCache[EncodedStation] = LruCache(settings.YIZHAN_ENCODED_STATION_CACHE_SIZE)


@dataclass(frozen=True, slots=True)
class Encodings:
    """The cache's answer for a list of found stations: each one's encoding, or None for
    those to fetch (:attr:`missing`) and encode."""

    found: dict[int, EncodedStation | None]
    since: dt.date
    english: bool

    @property
    def missing(self) -> list[int]:
        return [station_id for station_id, entry in self.found.items() if entry is None]


def cached_encodings(
    refs: Sequence[StationRef], *, moment: dt.datetime, language: str
) -> Encodings:
    """One cache lookup per station found."""
    english, since = is_english(language), exceptions_since(moment.astimezone(LOCAL_TZ))
    found = {ref.id: encoded_stations.get((ref.id, ref.version, since, english)) for ref in refs}
    return Encodings(found, since, english)


def features_json(
    refs: Sequence[StationRef],
    encodings: Encodings,
    fetched: Sequence[StationView],
    *,
    crs: str,
    moment: dt.datetime,
    markers: bool = False,
) -> list[str]:
    """The stations found, as GeoJSON Feature texts in the order given: from the cache's
    ``encodings``, and from ``fetched`` (the views of the missing ones), encoded and cached.
    ``markers``: only what a map marker needs (:meth:`EncodedStation.marker`)."""
    for view in fetched:
        entry = encode_station(view, english=encodings.english)
        encoded_stations.put((view.id, view.version, encodings.since, encodings.english), entry)
        encodings.found[view.id] = entry
    moment = moment.astimezone(LOCAL_TZ)  # once, not once per station
    if markers:
        return [
            entry.marker(crs=crs, moment=moment)
            for ref in refs
            if (entry := encodings.found.get(ref.id)) is not None
        ]
    cutoff = stale_before()
    return [
        entry.feature(crs=crs, moment=moment, distance_m=ref.distance_m, stale_before=cutoff)
        for ref in refs
        if (entry := encodings.found.get(ref.id)) is not None
    ]


def json_response(document: dict[str, Any], features: list[str]) -> HttpResponse:
    """``document`` as JSON with the already-encoded features spliced in as its "features"
    array (encoding them again would cost more than the rest of the request)."""
    text = f'{to_json(document)[:-1]},"features":[{",".join(features)}]}}'
    return HttpResponse(text, content_type="application/json")


def cluster_feature(cluster: Cluster, crs: str) -> str:
    point = point_output(cluster.lon, cluster.lat, crs)
    return (
        f'{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{point[0]!r},'
        f'{point[1]!r}]}},"properties":{{"cluster":true,"count":{cluster.count}}}}}'
    )
