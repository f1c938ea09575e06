"""Exact nearest-N by geodesic distance over any table with a WGS-84 point column: an index's
planar ``<->`` order (Euclidean, in degrees) supplies k candidates and their exact distances on
the WGS-84 spheroid rank them. When the k-th candidate is not provably farther than the answer,
a second round takes every row in the box of longitudes and latitudes that holds every point
within the first round's answer distance (:func:`reach_box`) and whose chord (the straight
line through the Earth) is within that distance too, which settles it. Used for stations and
for check-up events.

Growing k instead (4× or 16× a round, as :func:`nearest_rows_many` still does) needed a
planar circle around the answer distance, which far from the equator is far wider than the
box: on the demo data, where half the bench's points lie hundreds of kilometres from any
station, the worker map's request read 437 candidates and took 1.47 rounds on average; with
the box round, 149 candidates and 1.33 rounds (the same answers for all 1,308 points tried,
filtered or not, on the demo data and at 1M stations).

The planar order comes from each row's location as PostgreSQL's own ``point`` (lon, lat),
served by an SP-GiST quad-tree (``stations.models.planar_knn_index``): the same distances as
the geometry's ``<->`` through its GiST index, for ≈30% less database CPU per query at 1M and
5M stations (220–250 µs against 320 µs, measured on the benchmark registries).
"""

from __future__ import annotations

import functools
import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.backends.base.base import BaseDatabaseWrapper

from core.prepared import execute_prepared
from core.routers import read_connection

# WGS-84: semi-major axis, first eccentricity squared, and the shortest metres per degree of
# latitude (the meridian at the equator).
WGS84_A = 6_378_137.0
WGS84_E2 = 0.006_694_379_990_14
MIN_METRES_PER_DEGREE_LATITUDE = 110_574.0
WGS84_SPHEROID = 'SPHEROID["WGS 84",6378137,298.257223563]'


def metres_per_degree_floor(lat: float, reach_m: float) -> float:
    """A lower bound on metres per planar degree for any path of length ≤ reach_m from latitude
    ``lat``: such a path stays within |latitude| ≤ |lat| + reach/110,574 m, where a degree of
    longitude is shortest at the band's poleward edge and a degree of latitude is ≥ 110,574 m."""
    band = math.radians(min(90.0, abs(lat) + reach_m / MIN_METRES_PER_DEGREE_LATITUDE))
    longitude = (
        math.radians(1) * WGS84_A * math.cos(band) / math.sqrt(1 - WGS84_E2 * math.sin(band) ** 2)
    )
    return min(MIN_METRES_PER_DEGREE_LATITUDE, longitude)


# Upper bounds on the metres of a degree: of latitude (111,694 m at the poles) and of longitude
# at the equator (111,320 m).
MAX_METRES_PER_DEGREE_LATITUDE = 111_700.0
MAX_METRES_PER_DEGREE_LONGITUDE = 111_330.0


def reach_within_cell_m(lon: float, lat: float, corners: Sequence[tuple[float, float]]) -> float:
    """An upper bound on the geodesic distance from (lon, lat) to any point of the cell with
    these corners (WGS-84): the longest path along a meridian, then a parallel, to a corner,
    taken at the cell's widest parallel. For a cell of a few hundred metres, about 1.4 times
    the true distance at most."""
    widest = min(abs(corner_lat) for _, corner_lat in corners)
    per_degree_lon = MAX_METRES_PER_DEGREE_LONGITUDE * math.cos(math.radians(min(widest, 90.0)))
    return max(
        abs(corner_lat - lat) * MAX_METRES_PER_DEGREE_LATITUDE
        + abs(corner_lon - lon) * per_degree_lon
        for corner_lon, corner_lat in corners
    )


def first_round_candidates(limit: int, lat: float) -> int:
    """How many index candidates to fetch first. The proof needs every row within planar
    radius D/(metres per degree of longitude), D the answer's last distance: in metres that is
    an ellipse ``stretch`` = (metres per degree of latitude / of longitude) times the area of the
    answer's circle, so about limit × stretch rows for evenly spread ones. A margin makes a
    second round rare; when one is needed, it is taken, so the answer is always exact."""
    stretch = MIN_METRES_PER_DEGREE_LATITUDE / metres_per_degree_floor(lat, 0.0)
    return math.ceil(limit * stretch * 1.3) + 3


def point_sql(lon: float, lat: float) -> str:
    """EWKT of a WGS-84 point, full precision, for a ``%s::geometry`` parameter."""
    return f"SRID=4326;POINT({lon!r} {lat!r})"


def radius_condition(table: str, lon: float, lat: float, radius_m: float) -> tuple[str, list]:
    """An index-driven superset of "within radius_m": a planar distance that no path of
    radius_m metres can exceed (the exact cut is made on the geodesic distances)."""
    reach = radius_m + 1.0
    degrees = reach / metres_per_degree_floor(lat, reach)
    return f"ST_DWithin({table}.location, %s::geometry, %s)", [point_sql(lon, lat), degrees]


PLANAR_POINT = "point(ST_X({table}.location), ST_Y({table}.location))"
"""The indexed expression of ``planar_knn_index``; the query must spell it the same way."""

# ST_DistanceSpheroid runs the same GeographicLib algorithm as the geography ST_Distance
# (agreement to nanometres) at half the cost, with no cast per row.
CANDIDATES_SQL = """
SELECT {planar} <-> point(%s, %s),
       ST_DistanceSpheroid({table}.location, %s::geometry, '{spheroid}'),
       {columns}
  FROM {table}
"""
# The first round: the k nearest in planar order.
KNN_SQL = (
    CANDIDATES_SQL
    + """ WHERE {where}
 ORDER BY {planar} <-> point(%s, %s)
 LIMIT %s
"""
)
# The squared straight-line distance, through the Earth, from a row's point to the
# geocentric point (%s, %s, %s): each on the WGS-84 spheroid, in metres from its centre.
CHORD_SQL = """(
    ({radius} * cosd({lat}) * cosd({lon}) - %s) ^ 2
  + ({radius} * cosd({lat}) * sind({lon}) - %s) ^ 2
  + ({radius} * {polar_factor!r} * sind({lat}) - %s) ^ 2)"""
# The prime vertical radius of curvature at the row's latitude.
PRIME_VERTICAL_SQL = "({a!r} / sqrt(1 - {e2!r} * sind({lat}) ^ 2))"
# The row's longitude or latitude rounded to the float steps of numbers near 1,000 (2^-43 or
# 2^-42 degree: it moves by 13 nm at most, far inside the reach's 1 m): PostgreSQL refuses a
# product too small for a float ("value out of range: underflow"), which the square of a
# coordinate of 1e-300 would be. Rounded, a coordinate is 0 or at least 1e-13.
SNAPPED_SQL = "(ST_{axis}({table}.location) + 1000.0 - 1000.0)"
# Micrometres: the point's geocentric coordinates likewise never differ from a row's by less.
GEOCENTRIC_DECIMALS = 6
# The second round: every row in a box of longitudes and latitudes, through the same index,
# whose chord to the point is within reach: no path on the surface is shorter than the straight
# line through the Earth, so a row beyond that chord lies beyond the reach. Far from the rows,
# where the box takes in a whole city, the exact distances are then computed for the few
# stations near the answer's edge, not for every one in the box (demo data, the night
# request's second rounds from the bench's points outside Shenzhen: 248 rows each → a median
# of 42, 31–88 for eight in ten).
BOX_SQL = (
    CANDIDATES_SQL
    + """ WHERE ({where}) AND {planar} <@ box(point(%s, %s), point(%s, %s))
   AND {chord} <= %s
"""
)


def geocentric(lon: float, lat: float) -> tuple[float, float, float]:
    """The point (lon, lat) on the WGS-84 spheroid in metres from its centre (x towards
    0° E, z towards the north pole), as :data:`CHORD_SQL` computes a row's."""
    phi, lam = math.radians(lat), math.radians(lon)
    radius = WGS84_A / math.sqrt(1 - WGS84_E2 * math.sin(phi) ** 2)
    return (
        round(radius * math.cos(phi) * math.cos(lam), GEOCENTRIC_DECIMALS),
        round(radius * math.cos(phi) * math.sin(lam), GEOCENTRIC_DECIMALS),
        round(radius * (1 - WGS84_E2) * math.sin(phi), GEOCENTRIC_DECIMALS),
    )


def chord_sql(table: str) -> str:
    """:data:`CHORD_SQL` for the rows of ``table``."""
    lon, lat = (SNAPPED_SQL.format(axis=axis, table=table) for axis in "XY")
    radius = PRIME_VERTICAL_SQL.format(a=WGS84_A, e2=WGS84_E2, lat=lat)
    return CHORD_SQL.format(radius=radius, polar_factor=1 - WGS84_E2, lat=lat, lon=lon)


def candidates_statement(template: str, table: str, columns: str, where: str) -> str:
    return template.format(
        table=table,
        planar=PLANAR_POINT.format(table=table),
        columns=columns,
        where=where,
        spheroid=WGS84_SPHEROID,
        chord=chord_sql(table),
    )


def candidates_params(lon: float, lat: float, where_params: Sequence) -> list:
    """The parameters every candidate statement starts with: the point, then the filters'."""
    return [lon, lat, point_sql(lon, lat), *where_params]


@functools.lru_cache(maxsize=256)
def knn_statement(table: str, columns: str, where: str) -> str:
    """The k-candidates statement; its placeholders are filled by :func:`knn_params`."""
    return candidates_statement(KNN_SQL, table, columns, where)


def knn_params(lon: float, lat: float, where_params: Sequence, k: int) -> list:
    return [*candidates_params(lon, lat, where_params), lon, lat, k]


@functools.lru_cache(maxsize=256)
def box_statement(table: str, columns: str, where: str) -> str:
    """The statement of every row in a box; its placeholders are filled by :func:`box_params`."""
    return candidates_statement(BOX_SQL, table, columns, where)


def box_params(
    lon: float,
    lat: float,
    where_params: Sequence,
    box: tuple[float, float, float, float],
    reach_m: float,
) -> list:
    return [*candidates_params(lon, lat, where_params), *box, *geocentric(lon, lat), reach_m**2]


def reach_box(lon: float, lat: float, reach_m: float) -> tuple[float, float, float, float] | None:
    """(west, south, east, north): a box holding every point within ``reach_m`` metres of
    (lon, lat) on the WGS-84 spheroid, or None where it would take in a pole or cross the
    antimeridian. A path of that length changes latitude by at most reach / 110,574 m degrees
    (the shortest degree of meridian), so it stays in that band, where a degree of longitude is
    at least :func:`metres_per_degree_floor` long. A circle of planar degrees takes that
    shortest degree of longitude in every direction; the box spans in latitude only what the
    metres allow: from Harbin, with an answer 2,400 km away, ±21.7° of latitude, which leaves
    out Shenzhen's stations 23° south."""
    lat_degrees = reach_m / MIN_METRES_PER_DEGREE_LATITUDE
    lon_degrees = reach_m / metres_per_degree_floor(lat, reach_m)
    if abs(lat) + lat_degrees >= 90.0 or abs(lon) + lon_degrees > 180.0:
        return None
    return lon - lon_degrees, lat - lat_degrees, lon + lon_degrees, lat + lat_degrees


PLANAR, DISTANCE = operator.itemgetter(0), operator.itemgetter(1)


def by_distance(candidates: Sequence[tuple], tie_break: Callable[[tuple], tuple]) -> list[tuple]:
    """Candidates (planar distance, metres, *columns) by metres, then ``tie_break(columns)``.
    Sorted on the metres alone (a key in C) and again with the tie-break only when two share
    their metres, which is rare: the worker map's requests sort hundreds of candidates, and a
    key in Python for each took ≈10% of their CPU (demo data, bench's points)."""
    ranked = sorted(candidates, key=DISTANCE)
    if len(set(map(DISTANCE, candidates))) < len(candidates):
        ranked.sort(key=lambda row: (row[1], *tie_break(row[2:])))
    return ranked


def ranked_answer(
    candidates: Sequence[tuple],
    *,
    limit: int,
    radius_m: float | None,
    tie_break: Callable[[tuple], tuple],
    margin_m: float = 0.0,
) -> tuple[list[tuple], float]:
    """The answer the candidates (planar distance, metres, *columns) give — the ``limit``
    nearest within ``radius_m`` as (metres, *columns), with ``margin_m`` every one within that
    many metres beyond the ``limit``-th too — and the metres every row of the true answer lies
    within, if the candidates hold it: the answer's last plus the margin, or the radius (or
    infinity) when they gave fewer than ``limit``."""
    ranked = by_distance(candidates, tie_break)
    if radius_m is not None:
        ranked = [row for row in ranked if row[1] <= radius_m]
    answer = [row[1:] for row in ranked[:limit]]
    target = answer[-1][0] + margin_m if len(answer) == limit else (radius_m or math.inf)
    if margin_m and len(answer) == limit:
        answer = [row[1:] for row in ranked if row[1] <= target]
    return answer, target


def proven(candidates: Sequence[tuple], *, k: int, lat: float, target: float) -> bool:
    """Whether one round of ``k`` index candidates holds every row within ``target`` metres:
    it gave fewer than ``k`` (every row passing the filters), or its farthest candidate
    reaches the planar radius that no path of that length exceeds."""
    if len(candidates) < k:
        return True
    reach = target + 1.0
    return max(map(PLANAR, candidates)) >= reach / metres_per_degree_floor(lat, reach)


def settled_answer(
    candidates: Sequence[tuple],
    *,
    k: int,
    limit: int,
    lat: float,
    radius_m: float | None,
    tie_break: Callable[[tuple], tuple],
) -> list[tuple] | None:
    """The exact answer from one round of ``k`` index candidates, or None when they cannot
    prove it (take more)."""
    answer, target = ranked_answer(candidates, limit=limit, radius_m=radius_m, tie_break=tie_break)
    return answer if proven(candidates, k=k, lat=lat, target=target) else None


SPARSE_REACH_DEGREES = 2.0


def next_round_growth(candidates: Sequence[tuple]) -> int:
    """How many times more candidates the next round takes where no box round can be (near a
    pole or the antimeridian) and for :func:`nearest_rows_many`: 4, or 16 when this round's
    already reach beyond 2° (≈200 km). Such a point lies where rows are sparse, its answer is
    far, and the rows that prove it are often a dense city beyond an empty ring, which rounds
    of 4× reach only after several tries. Exactness does not depend on it: only how soon a
    round settles."""
    return 16 if max(map(PLANAR, candidates), default=0) > SPARSE_REACH_DEGREES else 4


def nearest_rows(
    *,
    table: str,
    columns: str,
    where: tuple[str, Sequence],
    lon: float,
    lat: float,
    limit: int,
    radius_m: float | None,
    tie_break: Callable[[tuple], tuple],
    margin_m: float = 0.0,
) -> list[tuple]:
    """The ``limit`` rows of ``table`` nearest to (lon, lat), exactly, as (distance_m, *columns),
    sorted by distance then ``tie_break(row)``; ``where`` = (SQL over ``table``, parameters).
    With ``margin_m``, also every row within that many metres beyond the ``limit``-th."""
    conditions, params = where
    if radius_m is not None:
        within, within_params = radius_condition(table, lon, lat, radius_m)
        conditions, params = f"({conditions}) AND {within}", [*params, *within_params]
    sql = knn_statement(table, columns, conditions)
    k = first_round_candidates(limit, lat)
    database = read_connection()  # a replica where there are some (core.routers)
    rank = functools.partial(
        ranked_answer, limit=limit, radius_m=radius_m, tie_break=tie_break, margin_m=margin_m
    )
    while True:
        candidates = fetched(database, sql, knn_params(lon, lat, params, k))
        answer, target = rank(candidates)
        if proven(candidates, k=k, lat=lat, target=target):
            return answer
        reach = target + 1.0
        box = reach_box(lon, lat, reach)
        if box is not None:
            # every row of the true answer lies within target (this round's rows pass the
            # filters): the box holds them all, so this second round settles
            statement = box_statement(table, columns, conditions)
            return rank(fetched(database, statement, box_params(lon, lat, params, box, reach)))[0]
        k *= next_round_growth(candidates)


def fetched(database: BaseDatabaseWrapper, sql: str, params: list) -> list[tuple]:
    with database.cursor() as cursor:
        execute_prepared(cursor, sql, params)
        return cursor.fetchall()


@dataclass(frozen=True)
class NearestQuery:
    """One question for :func:`nearest_rows_many`: as :func:`nearest_rows`, without a radius."""

    table: str
    columns: str
    where: tuple[str, Sequence]
    lon: float
    lat: float
    limit: int
    tie_break: Callable[[tuple], tuple]


def nearest_rows_many(queries: Sequence[NearestQuery]) -> list[list[tuple]]:
    """The answers of :func:`nearest_rows` to several questions in one round trip (their
    candidate statements joined by UNION ALL, each tagged with its number), so that a page
    asking for the nearest claim points of every scheme costs one query, not one per scheme.
    A question its candidates cannot settle is asked again, alone with the others unsettled,
    with four times as many."""
    ks = [first_round_candidates(query.limit, query.lat) for query in queries]
    answers: list[list[tuple] | None] = [None] * len(queries)
    database = read_connection()
    while pending := [index for index, answer in enumerate(answers) if answer is None]:
        parts, params = [], []
        for index in pending:
            query = queries[index]
            statement = knn_statement(query.table, query.columns, query.where[0])
            parts.append(f"(SELECT {index:d}, candidate.* FROM ({statement}) AS candidate)")
            params += knn_params(query.lon, query.lat, query.where[1], ks[index])
        with database.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            rows = cursor.fetchall()
        for index in pending:
            query = queries[index]
            candidates = [row[1:] for row in rows if row[0] == index]
            answers[index] = settled_answer(
                candidates,
                k=ks[index],
                limit=query.limit,
                lat=query.lat,
                radius_m=None,
                tie_break=query.tie_break,
            )
            ks[index] *= next_round_growth(candidates)
    return answers  # type: ignore[return-value]  # every one settled
