"""``make bench`` case: the nearest upcoming check-ups (``GET /api/v1/checkups/upcoming/``) at
1M stations with 200,000 events over a year.

The events are generated once into the 1M database (at random stations, a year from June 2026,
mornings or afternoons, 5% cancelled, places partly booked) and kept while their count and
seed match. Each request asks from the bench's Wednesday noon with the default window (30
days: ≈16,000 events in it), at the same 1,000 query points as the stations' case. Figures:
agreement with a brute-force oracle on 1,000 other points (bench/checkups_oracle.py), then the
textbook endpoint and yizhan's, each in its own server, at 2 and 4 connections.
"""

from __future__ import annotations

from pathlib import Path

import psycopg2

from bench.run import DAYTIME, dsn, http_figures, run_script

EVENTS = 200_000
SEED = 0.2026
TARGET_RPS = 1_200  # at 2 connections
TARGET_P99_MS = 10.0  # at 4 connections
ENDPOINTS = {
    "textbook": "/bench/textbook/checkups/upcoming/",
    "yizhan": "/api/v1/checkups/upcoming/",
}
QUERY = {"upcoming": {"from": DAYTIME}}
ORGANISER = "合成：基准测试"

# One row a draw: a station by id, a day of the year, morning or afternoon (Beijing time).
EVENTS_SQL = """
SELECT setseed(%(seed)s);
INSERT INTO services_checkupevent (kind_id, station_id, location, address, starts_at, ends_at,
    capacity, booked, organiser, members_only, women_only, occupations, eligibility_note, items,
    status, is_synthetic, created_at, updated_at)
SELECT draw.kind, s.id, s.location, s.address, draw.starts_at,
    draw.starts_at + interval '3 hours', 40, draw.booked, %(organiser)s,
    draw.kind = 'two_cancer_screening', false, '{}', '', '{}',
    CASE WHEN draw.cancelled THEN 'cancelled' ELSE 'scheduled' END, true, now(), now()
FROM (
    SELECT 1 + floor(random() * %(stations)s)::bigint AS station_id,
        (%(kinds)s::text[])[1 + floor(random() * %(kind_count)s)::int] AS kind,
        timestamptz '2026-06-01 09:00+08' + floor(random() * 365) * interval '1 day'
            + CASE WHEN random() < 0.5 THEN interval '0 hours' ELSE interval '5 hours' END
            AS starts_at,
        floor(random() * 41)::int AS booked,
        random() < 0.05 AS cancelled
    FROM generate_series(1, %(events)s)
) AS draw
JOIN stations_station s ON s.id = draw.station_id;
"""


def ensure_events(url: str, say=print) -> None:
    """The bench's events in the database at ``url``: generated unless already there."""
    connection = psycopg2.connect(dsn(url))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM services_checkupevent WHERE organiser = %s", [ORGANISER]
        )
        if cursor.fetchone()[0] == EVENTS:
            connection.close()
            return
        say(f"  generating {EVENTS:,} check-up events")
        cursor.execute("SELECT count(*) FROM stations_station")
        stations = cursor.fetchone()[0]
        cursor.execute("SELECT code FROM services_checkupkind ORDER BY code")
        kinds = [code for (code,) in cursor.fetchall()]
        cursor.execute("DELETE FROM services_checkupevent")
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            EVENTS_SQL,
            {
                "seed": SEED,
                "stations": stations,
                "kinds": kinds,
                "kind_count": len(kinds),
                "organiser": ORGANISER,
                "events": EVENTS,
            },
        )
        cursor.execute("VACUUM ANALYZE services_checkupevent")
    connection.close()


def checkup_figures(url: str, points, oracle_points, workdir: Path, say=print) -> dict:
    ensure_events(url, say=say)
    say("  exactness against the brute force")
    oracle = run_script("bench/checkups_oracle.py", url, {"points": oracle_points, "from": DAYTIME})
    say("  HTTP figures")
    http = http_figures(url, points, workdir, QUERY, endpoints=ENDPOINTS)
    return {
        "events": EVENTS,
        "target_rps": TARGET_RPS,
        "target_p99_ms": TARGET_P99_MS,
        "oracle": oracle,
        "http": http,
    }
