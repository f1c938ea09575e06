"""Exact nearest-N by geodesic distance over any table with a WGS-84 point column: an index's
planar ``<->`` order (Euclidean, in degrees) supplies k candidates, their exact distances on the
WGS-84 spheroid rank them, and k grows until the k-th candidate is provably farther than the
answer. Used for stations and for check-up events.

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
KNN_SQL = """
SELECT {planar} <-> point(%s, %s),
       ST_DistanceSpheroid({table}.location, %s::geometry, '{spheroid}'),
       {columns}
  FROM {table}
 WHERE {where}
 ORDER BY {planar} <-> point(%s, %s)
 LIMIT %s
"""


@functools.lru_cache(maxsize=256)
def knn_statement(table: str, columns: str, where: str) -> str:
    """The k-candidates statement; its placeholders are filled by :func:`knn_params`."""
    planar = PLANAR_POINT.format(table=table)
    return KNN_SQL.format(
        table=table, planar=planar, columns=columns, where=where, spheroid=WGS84_SPHEROID
    )


def knn_params(lon: float, lat: float, where_params: Sequence, k: int) -> list:
    return [lon, lat, point_sql(lon, lat), *where_params, lon, lat, k]


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


def settled_answer(
    candidates: Sequence[tuple],
    *,
    k: int,
    limit: int,
    lat: float,
    radius_m: float | None,
    tie_break: Callable[[tuple], tuple],
    margin_m: float = 0.0,
) -> list[tuple] | None:
    """The exact answer from one round of ``k`` index candidates (planar distance, metres,
    *columns), or None when the candidates cannot prove it (take more). Every row closer than
    the answer's last lies within a planar radius the farthest candidate reaches. With
    ``margin_m``, the answer also holds every row within that many metres beyond its
    ``limit``-th."""
    ranked = by_distance(candidates, tie_break)
    if radius_m is not None:
        ranked = [row for row in ranked if row[1] <= radius_m]
    answer = [row[1:] for row in ranked[:limit]]
    target = answer[-1][0] + margin_m if len(answer) == limit else (radius_m or math.inf)
    if margin_m and len(answer) == limit:
        answer = [row[1:] for row in ranked if row[1] <= target]
    if len(candidates) < k:
        return answer  # every row passing the filters was a candidate
    reach = target + 1.0
    if max(map(PLANAR, candidates)) >= reach / metres_per_degree_floor(lat, reach):
        return answer
    return None


SPARSE_REACH_DEGREES = 2.0


def next_round_growth(candidates: Sequence[tuple]) -> int:
    """How many times more candidates the next round takes: 4, or 16 when this round's already
    reach beyond 2° (≈200 km). Such a point lies where rows are sparse, its answer is far, and
    the rows that prove it are often a dense city beyond an empty ring, which rounds of 4×
    reach only after several tries (on the demo data, a point in Beijing at night: three rounds
    become two, −32% database time for the worker map's night request over the bench's
    points). Exactness does not depend on it: only how soon a round settles."""
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
    while True:
        with database.cursor() as cursor:
            cursor.execute(sql, knn_params(lon, lat, params, k))
            candidates = cursor.fetchall()
        answer = settled_answer(
            candidates,
            k=k,
            limit=limit,
            lat=lat,
            radius_m=radius_m,
            tie_break=tie_break,
            margin_m=margin_m,
        )
        if answer is not None:
            return answer
        k *= next_round_growth(candidates)


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
