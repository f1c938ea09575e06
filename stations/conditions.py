"""Station filters as SQL conditions over ``stations_station``: one definition, used as text by
the hand-written nearest query and as :class:`~django.db.models.expressions.RawSQL` by ORM
querysets (the viewport list). Hand-written because compiling the equivalent ORM expression on
every request cost more than running the query."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from core.localtime import LOCAL_TZ
from stations.models import Station


@dataclass(frozen=True)
class Condition:
    sql: str
    params: tuple = ()


def amenity_key(code: str) -> int:
    """The amenity's key in ``usable_amenities``, as migration 0008's ``stations_amenity_key``
    computes it: the first 32 bits of the code's MD5, as a signed integer. Computed here, not
    by the function in the statement: PostgreSQL inlining it in every filtered nearest
    statement doubled its planning (0.04 → 0.08–0.10 ms a round, demo data)."""
    unsigned = int(hashlib.md5(code.encode(), usedforsecurity=False).hexdigest()[:8], 16)
    return unsigned - (1 << 32) if unsigned >= 1 << 31 else unsigned


def has_usable_amenities(codes: Sequence[str], *, through_index: bool = True) -> Condition:
    """Every one of the amenities usable (available or limited): migration 0008's column of
    amenity keys. ``through_index``: intarray's operator, which the location-and-amenities
    index answers (nearest first). Otherwise PostgreSQL's own array operator, the same test
    that index cannot take: in a viewport the location index narrows first, where a bitmap of
    every station with a common amenity nationwide cost 240 ms (1M stations).

    The keys are written into the statement (integers, sorted: one text for one set of
    amenities), not passed as a parameter: a prepared statement's generic plan then knows how
    many stations have them. With ``$1`` in their place, PostgreSQL guessed a handful and, for
    the night search (the night index, :func:`open_at`), kept a plan that fetched every
    station with the amenities and sorted them, 2 ms instead of 0.2 (demo data)."""
    operator = "@>" if through_index else "OPERATOR(pg_catalog.@>)"
    keys = ",".join(str(key) for key in sorted({amenity_key(code) for code in codes}))
    return Condition(f"stations_station.usable_amenities {operator} '{{{keys}}}'::integer[]")


def kind_in(kinds: Sequence[str]) -> Condition:
    return Condition("stations_station.kind = ANY(%s)", (list(kinds),))


SECONDS_PER_DAY = 86_400
# Migration 0014's night: stations that may be open before this hour have their own index.
NIGHT_ENDS = dt.time(6)
MAY_OPEN_AT_NIGHT = "stations_station.may_open_at_night AND "


def open_at(moment: dt.datetime) -> Condition:
    """Stations open at ``moment``: status open, and covered by today's or last night's hours.
    The same rules as :meth:`stations.opening_hours.Schedule.is_open_at`, inside the query.

    The weekly hours are judged on the station's row (``weekly_open``, seconds of the week,
    migration 0008); only a station with a dated exception today or yesterday reads its hours
    tables (``stations_open_by_dated_rules``), as an exception replaces its date's weekly
    hours. Before 06:00 the condition also asks for ``may_open_at_night`` (migration 0014),
    true of every station that can be open then, so that the planner may search the index of
    those stations alone."""
    local = moment.astimezone(LOCAL_TZ)
    day, t = local.date(), local.time().replace(microsecond=0, tzinfo=None)
    yesterday = day - dt.timedelta(days=1)
    second_of_week = day.weekday() * SECONDS_PER_DAY + t.hour * 3600 + t.minute * 60 + t.second
    return Condition(
        (MAY_OPEN_AT_NIGHT if t < NIGHT_ENDS else "")
        + f"stations_station.status = '{Station.Status.OPEN.value}'"
        " AND CASE WHEN stations_station.exception_dates && %s::date[]"
        " THEN stations_open_by_dated_rules(stations_station.id, %s, %s)"
        " ELSE stations_station.weekly_open @> %s::integer END",
        ([day, yesterday], day, t, second_of_week),
    )


def city_in(cities: Sequence[str]) -> Condition:
    return Condition("stations_station.city = ANY(%s)", (list(cities),))


def station_conditions(
    *,
    amenities: Sequence[str] = (),
    kinds: Sequence[str] = (),
    open_moment: dt.datetime | None = None,
    cities: Sequence[str] = (),
    nearest_first: bool = True,
) -> list[Condition]:
    """Every listed amenity usable (available or limited), one of the kinds, open at a moment,
    in one of the cities. ``nearest_first``: for the nearest query (amenities through the
    location-and-amenities index); False for lists in a viewport."""
    conditions = [has_usable_amenities(amenities, through_index=nearest_first)] if amenities else []
    if kinds:
        conditions.append(kind_in(kinds))
    if cities:
        conditions.append(city_in(cities))
    if open_moment is not None:
        conditions.append(open_at(open_moment))
    return conditions


def where_clause(conditions: Sequence[Condition]) -> tuple[str, list]:
    """``conditions`` joined by AND (``TRUE`` when there are none) and their parameters."""
    if not conditions:
        return "TRUE", []
    return " AND ".join(f"({c.sql})" for c in conditions), [p for c in conditions for p in c.params]


def filter_queryset(queryset: QuerySet, conditions: Sequence[Condition]) -> QuerySet:
    """Apply conditions to an ORM queryset over stations_station."""
    for condition in conditions:
        queryset = queryset.filter(RawSQL(condition.sql, condition.params, BooleanField()))
    return queryset
