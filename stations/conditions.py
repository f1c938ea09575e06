"""Station filters as SQL conditions over ``stations_station``: one definition, used as text by
the hand-written nearest query and as :class:`~django.db.models.expressions.RawSQL` by ORM
querysets (the viewport list). Hand-written because compiling the equivalent ORM expression on
every request cost more than running the query."""

from __future__ import annotations

import datetime as dt
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


def has_usable_amenity(code: str) -> Condition:
    return Condition(
        "EXISTS (SELECT 1 FROM stations_stationamenity sa"
        " WHERE sa.station_id = stations_station.id AND sa.amenity_id = %s"
        " AND sa.status IN ('available', 'limited'))",
        (code,),
    )


def kind_in(kinds: Sequence[str]) -> Condition:
    return Condition("stations_station.kind = ANY(%s)", (list(kinds),))


# A period covers time-of-day t on its own day (same_day), or, when it runs past midnight
# (closes <= opens, including the all-day 00:00–00:00), the next morning.
_COVERS_SAME_DAY = "{t}.opens <= %s AND ({t}.closes <= {t}.opens OR {t}.closes > %s)"
_COVERS_NEXT_DAY = "{t}.closes <= {t}.opens AND {t}.closes > %s"


def _day_open(day: dt.date, t: dt.time, *, same_day: bool) -> Condition:
    """Open on ``day``'s rules at t, or by ``day``'s night hours the next morning: dated
    exceptions of that day replace its weekly periods.

    ``OFFSET 0`` keeps each EXISTS a per-row index probe: without it PostgreSQL may hash the
    whole subquery once per query (a scan of every station's hours, growing with the registry),
    where the nearest query only ever tests a few dozen stations."""
    covers = _COVERS_SAME_DAY if same_day else _COVERS_NEXT_DAY
    time_params = (t, t) if same_day else (t,)
    sql = (
        "CASE WHEN EXISTS (SELECT 1 FROM stations_openingexception e"
        " WHERE e.station_id = stations_station.id AND e.date = %s OFFSET 0)"
        " THEN EXISTS (SELECT 1 FROM stations_openingexception e"
        " WHERE e.station_id = stations_station.id AND e.date = %s AND NOT e.closed"
        f" AND {covers.format(t='e')} OFFSET 0)"
        " ELSE EXISTS (SELECT 1 FROM stations_openingperiod p"
        " WHERE p.station_id = stations_station.id AND p.weekday = %s"
        f" AND {covers.format(t='p')} OFFSET 0) END"
    )
    return Condition(sql, (day, day, *time_params, day.weekday(), *time_params))


def open_at(moment: dt.datetime) -> Condition:
    """Stations open at ``moment``: status open, and covered by today's or last night's hours.
    The same rules as :meth:`stations.opening_hours.Schedule.is_open_at`, inside the query."""
    local = moment.astimezone(LOCAL_TZ)
    day, t = local.date(), local.time().replace(microsecond=0, tzinfo=None)
    today = _day_open(day, t, same_day=True)
    last_night = _day_open(day - dt.timedelta(days=1), t, same_day=False)
    is_open = f"stations_station.status = '{Station.Status.OPEN.value}'"
    return Condition(
        f"{is_open} AND (({today.sql}) OR ({last_night.sql}))",
        today.params + last_night.params,
    )


def city_in(cities: Sequence[str]) -> Condition:
    return Condition("stations_station.city = ANY(%s)", (list(cities),))


def station_conditions(
    *,
    amenities: Sequence[str] = (),
    kinds: Sequence[str] = (),
    open_moment: dt.datetime | None = None,
    cities: Sequence[str] = (),
) -> list[Condition]:
    """Every listed amenity usable (available or limited), one of the kinds, open at a moment,
    in one of the cities."""
    conditions = [has_usable_amenity(code) for code in amenities]
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
