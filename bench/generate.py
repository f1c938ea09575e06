"""Synthetic station registries for the benchmark, generated inside PostgreSQL.

A national spread with dense cities, like the real network (≈184,000 stations and growing):
70% of stations around 40 city centres (Shenzhen the densest), 30% scattered over eastern and
central China. Every station has amenities (common ones often, AED and legal aid rarely) and
seven weekly opening periods (most 24/7, some office hours, some over midnight), a few have
dated exceptions. Deterministic: ``setseed`` before each random stream.

The load runs with ``session_replication_role = replica`` (no triggers, no FK checks: the rows
are consistent by construction) and builds secondary indexes after the rows are in. Stations
are then clustered on the GiST index (``CLUSTER``), as a registry of millions would be kept,
before their amenities and hours are written, so those follow the same spatial order. The raw
floor and both endpoints read the same tables.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import psycopg2

GENERATOR_VERSION = 9

# (name, lon, lat, weight, sigma in degrees). Weights are relative shares of the city part.
CITIES = [
    ("深圳", 114.06, 22.61, 20.0, 0.12),
    ("广州", 113.32, 23.13, 8.0, 0.15),
    ("上海", 121.47, 31.23, 9.0, 0.15),
    ("北京", 116.40, 39.91, 9.0, 0.16),
    ("杭州", 120.16, 30.27, 4.0, 0.12),
    ("成都", 104.07, 30.57, 5.0, 0.14),
    ("重庆", 106.55, 29.56, 5.0, 0.15),
    ("武汉", 114.31, 30.59, 4.0, 0.13),
    ("西安", 108.94, 34.34, 3.5, 0.12),
    ("南京", 118.80, 32.06, 3.0, 0.11),
    ("天津", 117.20, 39.13, 3.0, 0.13),
    ("苏州", 120.62, 31.30, 3.0, 0.11),
    ("郑州", 113.63, 34.75, 3.0, 0.11),
    ("长沙", 112.94, 28.23, 2.5, 0.10),
    ("东莞", 113.75, 23.02, 3.0, 0.10),
    ("佛山", 113.12, 23.02, 2.5, 0.10),
    ("青岛", 120.38, 36.07, 2.0, 0.10),
    ("沈阳", 123.43, 41.80, 2.0, 0.10),
    ("厦门", 118.09, 24.48, 1.5, 0.07),
    ("兰州", 103.83, 36.06, 1.0, 0.07),
    ("合肥", 117.23, 31.82, 2.0, 0.10),
    ("福州", 119.30, 26.08, 1.5, 0.08),
    ("昆明", 102.83, 24.88, 1.5, 0.09),
    ("南宁", 108.37, 22.82, 1.5, 0.09),
    ("济南", 117.12, 36.65, 1.5, 0.09),
    ("哈尔滨", 126.53, 45.80, 1.5, 0.10),
    ("长春", 125.32, 43.82, 1.2, 0.09),
    ("石家庄", 114.51, 38.04, 1.2, 0.09),
    ("太原", 112.55, 37.87, 1.0, 0.08),
    ("南昌", 115.86, 28.68, 1.0, 0.08),
    ("贵阳", 106.63, 26.65, 1.0, 0.08),
    ("乌鲁木齐", 87.62, 43.83, 0.8, 0.08),
    ("呼和浩特", 111.75, 40.84, 0.6, 0.07),
    ("银川", 106.23, 38.49, 0.5, 0.06),
    ("西宁", 101.78, 36.62, 0.5, 0.06),
    ("海口", 110.32, 20.03, 0.6, 0.06),
    ("拉萨", 91.11, 29.65, 0.2, 0.04),
    ("庆阳", 107.64, 35.71, 0.3, 0.05),
    ("武威", 102.64, 37.93, 0.3, 0.05),
    ("张掖", 100.45, 38.93, 0.3, 0.05),
]

# Share of stations with each amenity (usable status mostly; 5% of rows out of service).
AMENITY_SHARE = {
    "seating": 0.95,
    "drinking_water": 0.9,
    "hot_water": 0.6,
    "phone_charging": 0.8,
    "ebike_charging": 0.35,
    "microwave": 0.45,
    "toilet": 0.55,
    "cooling": 0.5,
    "first_aid": 0.4,
    "wifi": 0.3,
    "free_meal": 0.08,
    "aed": 0.02,
    "legal_aid": 0.01,
}

KINDS = ["union_station"] * 6 + ["love_station"] * 2 + ["service_point", "workers_harbour"]

# A city by its cumulative weight (width_bucket over the thresholds), then a Gaussian offset
# around its centre (Box–Muller); or, for 30%, anywhere in 98–122°E × 22–42°N.
STATIONS_SQL = """
SELECT setseed(%(seed)s);
INSERT INTO stations_station (id, code, name, name_en, address, city, district, subdistrict,
    location, kind, operator, phone, seats, status, notes, is_synthetic, source, created_at,
    updated_at, version)
SELECT i, 'BN-' || i, '驿站' || i, 'Station ' || i, '合成地址 ' || i, '', '', '',
    ST_SetSRID(ST_MakePoint(lon, lat), 4326),
    (%(kinds)s::text[])[1 + (i %% %(kind_count)s)], '', '', 10,
    CASE WHEN i %% 40 = 0 THEN 'temporarily_closed' ELSE 'open' END,
    '', true, 'benchmark', now(), now(), 1
FROM (
    SELECT i,
        CASE WHEN u < 0.7 THEN (%(lons)s::float8[])[c] + (%(sigmas)s::float8[])[c] * r * cos(t)
             ELSE 98 + 24 * v END AS lon,
        CASE WHEN u < 0.7 THEN (%(lats)s::float8[])[c] + (%(sigmas)s::float8[])[c] * r * sin(t)
             ELSE 22 + 20 * w END AS lat
    FROM (
        SELECT i, random() AS u, width_bucket(random(), %(thresholds)s::float8[]) AS c,
            sqrt(-2 * ln(1 - random())) AS r, 2 * pi() * random() AS t,
            random() AS v, random() AS w
        FROM generate_series(1, %(count)s) AS i
    ) AS draw
) AS placed;
"""

# A hash of (station, amenity) decides, not random(): PostgreSQL would evaluate a random()
# that mentions only the amenity row once per amenity, not once per pair.
AMENITIES_SQL = """
INSERT INTO stations_stationamenity (station_id, amenity_id, status, details, updated_at)
SELECT s.id, share.code,
    CASE WHEN abs(hashtext(share.code || '/' || s.id)) %% 20 = 0 THEN 'out_of_service'
         ELSE 'available' END,
    '', now()
FROM stations_station s
CROSS JOIN (VALUES {shares}) AS share (code, share)
WHERE abs(hashtext(s.id || '/' || share.code)) %% 10000 < share.share * 10000;
"""

# Weekly hours by station id: 5% all day every day, 5% 18:00–02:00 nights (a period over
# midnight) every day, 90% 08:00–20:00 Mon–Sat and 09:00–17:00 Sunday: ≈95% of stations open
# at noon, ≈10% at 01:00 (the bench's daytime and night-time cases).
PERIODS_SQL = """
INSERT INTO stations_openingperiod (station_id, weekday, opens, closes)
SELECT s.id, d,
    CASE WHEN s.id %% 100 < 5 THEN time '00:00'
         WHEN s.id %% 100 < 10 THEN time '18:00'
         WHEN d = 6 THEN time '09:00' ELSE time '08:00' END,
    CASE WHEN s.id %% 100 < 5 THEN time '00:00'
         WHEN s.id %% 100 < 10 THEN time '02:00'
         WHEN d = 6 THEN time '17:00' ELSE time '20:00' END
FROM stations_station s CROSS JOIN generate_series(0, 6) AS d;
INSERT INTO stations_openingexception (station_id, date, closed, note)
SELECT s.id, current_date + (s.id %% 14)::int, true, '合成：临时闭站'
FROM stations_station s WHERE s.id %% 50 = 0;
"""

CLUSTER_SQL = """
CREATE INDEX bench_station_location ON stations_station USING gist (location);
CLUSTER stations_station USING bench_station_location;
DROP INDEX bench_station_location;
"""

TABLES = [
    "stations_station",
    "stations_stationamenity",
    "stations_openingperiod",
    "stations_openingexception",
]


def _city_params() -> dict[str, list[float]]:
    total = sum(weight for _, _, _, weight, _ in CITIES)
    thresholds, cumulative = [], 0.0
    for _, _, _, weight, _ in CITIES:
        thresholds.append(cumulative)
        cumulative += weight / total
    return {
        "thresholds": thresholds,
        "lons": [lon for _, lon, _, _, _ in CITIES],
        "lats": [lat for _, _, lat, _, _ in CITIES],
        "sigmas": [sigma for *_, sigma in CITIES],
    }


def _unique_constraints(cursor) -> list[tuple[str, str, str]]:
    """(table, name, definition) of the tables' UNIQUE constraints but the stations' code."""
    cursor.execute(
        """
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
        WHERE contype = 'u' AND conrelid::regclass::text = ANY(%s)
          AND conrelid::regclass::text <> 'stations_station'
        """,
        [TABLES],
    )
    return cursor.fetchall()


def _secondary_indexes(cursor) -> list[tuple[str, str]]:
    """(name, definition) of the tables' indexes that no constraint owns."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = ANY(%s) AND NOT EXISTS (
            SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
        [TABLES],
    )
    return cursor.fetchall()


def _session(dsn: str):
    connection = psycopg2.connect(dsn)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("SET synchronous_commit = off")
    return connection


def _run(dsn: str, statements: list[str], params: dict) -> float:
    """Run statements in a session of their own; seconds taken."""
    started = time.perf_counter()
    connection = _session(dsn)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, params)
    connection.close()
    return time.perf_counter() - started


def generate(dsn: str, count: int, *, seed: float = 0.20261124, say=print) -> None:
    """Fill an empty, migrated yizhan database with ``count`` synthetic stations. Amenities and
    hours are written by two sessions at once, indexes and unique constraints rebuilt after."""
    params = {"seed": seed, "count": count, "kinds": KINDS, "kind_count": len(KINDS)}
    params |= _city_params()
    shares = ", ".join(f"('{code}', {share})" for code, share in AMENITY_SHARE.items())
    connection = _session(dsn)
    with connection.cursor() as cursor:
        indexes = _secondary_indexes(cursor)
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        # Indexes and unique constraints are built once after the bulk writes, not kept up
        # row by row through them.
        uniques = _unique_constraints(cursor)
        for table, name, _ in uniques:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    connection.close()
    rebuilds = [definition for _, definition in indexes] + [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for table, name, definition in uniques
    ]
    say(f"  stations: {_run(dsn, [STATIONS_SQL], params):.1f} s")
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(
            pool.map(
                lambda sql: _run(dsn, [sql], params),
                [AMENITIES_SQL.format(shares=shares), PERIODS_SQL],
            )
        )
        say(f"  amenities and opening hours: {time.perf_counter() - started:.1f} s")
        # Written with triggers off, the stations' filter columns are filled here; then the
        # table is rewritten in spatial order, leaving no dead rows behind.
        refill = "SELECT stations_refill_filter_columns()"
        seconds = _run(dsn, [refill, CLUSTER_SQL], {})
        say(f"  filter columns, spatial order: {seconds:.1f} s")
        started = time.perf_counter()
        list(pool.map(lambda statement: _run(dsn, [statement], {}), rebuilds))
    tail = ["SELECT setval(pg_get_serial_sequence('stations_station', 'id'), %(count)s)"]
    _run(dsn, tail + [f"VACUUM ANALYZE {table}" for table in TABLES], params)
    say(f"  indexes and statistics: {time.perf_counter() - started:.1f} s")
