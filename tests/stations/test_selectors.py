import datetime as dt
import random
import re

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext
from geographiclib.geodesic import Geodesic

from core.localtime import LOCAL_TZ
from core.nearest import first_round_candidates, knn_params, knn_statement
from core.prepared import execute_prepared, prepared_form
from stations.conditions import filter_queryset, open_at, station_conditions, where_clause
from stations.models import OpeningPeriod, Station
from stations.opening_hours import Period
from stations.selectors import (
    StationsWanted,
    station_nearest_list,
    station_nearest_lists,
    station_views,
)
from tests.stations.factories import (
    OpeningExceptionFactory,
    OpeningPeriodFactory,
    StationAmenityFactory,
    StationFactory,
)

pytestmark = pytest.mark.django_db


def geodesic_m(a: Point, b: Point) -> float:
    return Geodesic.WGS84.Inverse(a.y, a.x, b.y, b.x)["s12"]


def oracle(point: Point, stations: list[tuple[str, Point]], n: int) -> list[tuple[str, float]]:
    return sorted(((c, geodesic_m(point, p)) for c, p in stations), key=lambda t: (t[1], t[0]))[:n]


def test_planar_and_geodesic_order_differ_and_the_geodesic_one_wins():
    # At 22.5°N a degree of longitude is ~102.8 km, of latitude ~110.7 km: the station 0.0095°
    # north is nearer in degrees but farther in metres than the one 0.0100° east.
    origin = Point(114.0, 22.5, srid=4326)
    StationFactory(code="NORTH", location=Point(114.0, 22.5095, srid=4326))
    StationFactory(code="EAST", location=Point(114.0100, 22.5, srid=4326))
    result = station_nearest_list(lon=origin.x, lat=origin.y, limit=2)
    assert [s.code for s in result] == ["EAST", "NORTH"]
    east = Point(114.0100, 22.5, srid=4326)
    assert result[0].distance_m == pytest.approx(geodesic_m(origin, east), abs=0.001)


def test_more_candidates_are_fetched_until_the_answer_is_provably_complete():
    # 30 stations ~1,052 m north come before the one ~1,028 m east in planar order, so the first
    # round of index candidates (a handful for limit=1) holds only northern ones.
    origin = Point(114.0, 22.5, srid=4326)
    for i in range(30):
        StationFactory(code=f"N{i:02d}", location=Point(114.0, 22.5095, srid=4326))
    StationFactory(code="EAST", location=Point(114.0100, 22.5, srid=4326))
    assert first_round_candidates(1, 22.5) < 30
    [nearest] = station_nearest_list(lon=origin.x, lat=origin.y, limit=1)
    assert nearest.code == "EAST"


def test_distances_are_geodesic_metres_known_by_construction():
    origin = Point(114.0, 22.5, srid=4326)
    line = Geodesic.WGS84.Direct(22.5, 114.0, 45.0, 1234.5)
    StationFactory(code="X", location=Point(line["lon2"], line["lat2"], srid=4326))
    [station] = station_nearest_list(lon=origin.x, lat=origin.y, limit=1)
    assert station.distance_m == pytest.approx(1234.5, abs=0.001)


def test_nearest_matches_a_brute_force_geodesic_oracle_on_random_points():
    rng = random.Random(42)
    stations = []
    for i in range(400):
        point = Point(rng.uniform(113.8, 114.4), rng.uniform(22.45, 22.8), srid=4326)
        StationFactory(code=f"R{i:04d}", location=point)
        stations.append((f"R{i:04d}", point))
    for _ in range(60):
        query = Point(rng.uniform(113.7, 114.5), rng.uniform(22.4, 22.9), srid=4326)
        expected = oracle(query, stations, 10)
        got = station_nearest_list(lon=query.x, lat=query.y, limit=10)
        assert [s.code for s in got] == [c for c, _ in expected]
        for station, (_, metres) in zip(got, expected, strict=True):
            assert station.distance_m == pytest.approx(metres, abs=0.001)


CITIES = [(114.06, 22.55, 120), (118.09, 24.48, 20), (103.83, 36.06, 12), (108.94, 34.34, 6)]


def test_far_from_every_station_the_answer_is_exact_in_two_rounds():
    """Stations in four cities (Shenzhen, Xiamen, Lanzhou, Xi'an) and query points anywhere in
    China, most of them hundreds of kilometres from any: a first round that cannot prove its
    answer is followed by one round of every station in the box that holds the first round's
    answer distance, which settles it."""
    rng = random.Random(3)
    stations = []
    for city, (lon, lat, count) in enumerate(CITIES):
        for i in range(count):
            point = Point(lon + rng.gauss(0, 0.08), lat + rng.gauss(0, 0.08), srid=4326)
            code = f"C{city}-{i:03d}"
            StationFactory(code=code, location=point, kind=["union_station", "love_station"][i % 2])
            stations.append((code, point, i % 2 == 0))
    for _ in range(40):
        query = Point(rng.uniform(98, 127), rng.uniform(20, 46), srid=4326)
        for limit, only_union in ((1, False), (5, False), (30, True)):
            wanted = [(code, point) for code, point, union in stations if union or not only_union]
            with CaptureQueriesContext(connection) as rounds:
                got = station_nearest_list(
                    lon=query.x,
                    lat=query.y,
                    limit=limit,
                    kinds=["union_station"] if only_union else [],
                )
            assert len(rounds) <= 2
            expected = oracle(query, wanted, limit)
            assert [s.code for s in got] == [code for code, _ in expected]
            for station, (_, metres) in zip(got, expected, strict=True):
                assert station.distance_m == pytest.approx(metres, abs=0.001)


def test_several_lists_in_one_query_are_each_exact_and_widened_alone():
    """station_nearest_lists: each answer as station_nearest_list gives it, the lists in one
    query, and a second round only for a list its first candidates could not settle."""
    rng = random.Random(7)
    kinds = ["union_station", "union_service_centre"]
    for i in range(200):
        point = Point(rng.uniform(113.8, 114.4), rng.uniform(22.45, 22.8), srid=4326)
        StationFactory(code=f"R{i:04d}", location=point, kind=kinds[i % 2])
    for i in range(30):  # planar-nearer, geodesically farther: the last list needs more
        StationFactory(code=f"N{i:02d}", location=Point(114.0, 22.5095, srid=4326))
    StationFactory(code="EAST", location=Point(114.0100, 22.5, srid=4326))
    wanted = [
        StationsWanted(kinds=["union_station"], limit=3),
        StationsWanted(kinds=["union_service_centre"], cities=["深圳市"], limit=5),
        StationsWanted(kinds=["no_such_kind"], limit=2),
        StationsWanted(limit=1),
    ]
    with CaptureQueriesContext(connection) as rounds:
        lists = station_nearest_lists(lon=114.0, lat=22.5, wanted=wanted)
    # One round for all four; then the last alone, with 4× the candidates, until settled.
    assert rounds[0]["sql"].count("UNION ALL") == 3
    assert len(rounds) > 1 and all("UNION ALL" not in r["sql"] for r in rounds[1:])
    for one, got in zip(wanted, lists, strict=True):
        alone = station_nearest_list(
            lon=114.0, lat=22.5, kinds=one.kinds, cities=one.cities, limit=one.limit
        )
        assert got == alone
    assert lists[2] == [] and len(lists[3]) == 1


def test_ties_are_broken_by_code():
    origin = Point(114.0, 22.5, srid=4326)
    StationFactory(code="B", location=Point(114.001, 22.5, srid=4326))
    StationFactory(code="A", location=Point(113.999, 22.5, srid=4326))
    assert [s.code for s in station_nearest_list(lon=origin.x, lat=origin.y, limit=2)] == ["A", "B"]


def test_filters_apply_inside_the_query_so_limit_results_still_come_back():
    origin = Point(114.0, 22.5, srid=4326)
    for i in range(30):  # the 30 nearest lack the amenity
        StationFactory(location=Point(114.0 + 0.0005 * (i + 1), 22.5, srid=4326))
    far = []
    for i in range(5):
        station = StationFactory(location=Point(114.1 + 0.001 * i, 22.5, srid=4326))
        StationAmenityFactory(station=station, amenity_id="ebike_charging")
        far.append(station.code)
    result = station_nearest_list(lon=origin.x, lat=origin.y, limit=5, amenities=["ebike_charging"])
    assert [s.code for s in result] == far


def test_amenities_out_of_service_do_not_match_and_every_amenity_is_required():
    origin = Point(114.0, 22.5, srid=4326)
    broken = StationFactory(location=Point(114.001, 22.5, srid=4326))
    StationAmenityFactory(station=broken, amenity_id="toilet", status="out_of_service")
    limited = StationFactory(location=Point(114.002, 22.5, srid=4326))
    StationAmenityFactory(station=limited, amenity_id="toilet", status="limited")
    both = StationFactory(location=Point(114.003, 22.5, srid=4326))
    StationAmenityFactory(station=both, amenity_id="toilet")
    StationAmenityFactory(station=both, amenity_id="wifi")
    assert [
        s.code for s in station_nearest_list(lon=origin.x, lat=origin.y, amenities=["toilet"])
    ] == [
        limited.code,
        both.code,
    ]
    result = station_nearest_list(lon=origin.x, lat=origin.y, amenities=["toilet", "wifi"])
    assert [s.code for s in result] == [both.code]


def test_radius_and_kind_filters():
    origin = Point(114.0, 22.5, srid=4326)
    near = StationFactory(location=Point(114.0, 22.5045, srid=4326))  # ~498 m north
    StationFactory(location=Point(114.0, 22.5055, srid=4326))  # ~609 m
    love = StationFactory(location=Point(114.0, 22.51, srid=4326), kind="love_station")
    assert [s.code for s in station_nearest_list(lon=origin.x, lat=origin.y, radius_m=500)] == [
        near.code
    ]
    assert station_nearest_list(lon=origin.x, lat=origin.y, radius_m=400) == []
    result = station_nearest_list(lon=origin.x, lat=origin.y, kinds=["love_station"])
    assert [s.code for s in result] == [love.code]


@pytest.fixture
def stations_100k():
    """100,000 stations over China; every 5th a love station; every 4th with e-bike charging;
    a handful (every 10,000th) with a rare amenity (AED)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO stations_station (code, name, name_en, address, city, district,
                subdistrict, location, kind, operator, phone, status, notes, is_synthetic,
                source, created_at, updated_at)
            SELECT 'B' || i, 's', '', 'a', 'c', 'd', '',
                ST_SetSRID(ST_MakePoint(73 + random() * 62, 18 + random() * 35), 4326),
                CASE WHEN i % 5 = 0 THEN 'love_station' ELSE 'union_station' END,
                '', '', 'open', '', true, '', now(), now()
            FROM generate_series(1, 100000) AS i;
            INSERT INTO stations_stationamenity (station_id, amenity_id, status, details,
                updated_at)
            SELECT id, CASE WHEN id % 10000 = 0 THEN 'aed' ELSE 'ebike_charging' END,
                'available', '', now()
            FROM stations_station WHERE id % 4 = 0 OR id % 10000 = 0;
            ANALYZE stations_station;
            ANALYZE stations_stationamenity;
            """
        )


def nearest_plan(**filters) -> str:
    where, params = where_clause(station_conditions(**filters))
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN " + knn_statement("stations_station", "id", where),
            knn_params(114.0, 22.5, params, 28),
        )
        return "\n".join(row[0] for row in cursor.fetchall())


# The 100,000-station tests commit their rows and end with a flush (TRUNCATE): rolled back,
# they left ≈500,000 dead rows behind, which every later spatial query of the suite walked
# (the coverage test took minutes instead of half a second).
LARGE_DATA = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@LARGE_DATA
@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"kinds": ["love_station"]},
        {"amenities": ["ebike_charging"]},
        {"open_moment": dt.datetime(2026, 11, 23, 9, tzinfo=LOCAL_TZ)},
    ],
)
def test_knn_uses_the_planar_index_without_a_sequential_scan_at_100k_stations(
    stations_100k, filters
):
    plan = nearest_plan(**filters)
    index = "station_location_amenities_knn" if "amenities" in filters else "station_location_knn"
    assert f"Index Scan using {index} on stations_station" in plan, plan
    assert not re.search(r"Seq Scan on stations_station(amenity)?\b", plan), plan


@LARGE_DATA
def test_a_rare_amenity_is_found_through_the_amenities_index_at_100k_stations(stations_100k):
    plan = nearest_plan(amenities=["aed"])
    # the ten stations with an AED, from the location-and-amenities index (nearest first, or
    # all at once: the planner's choice), never by reading the stations without one
    assert re.search(r"(Bitmap )?Index Scan (using|on) station_location_amenities_knn", plan), plan
    assert re.search(r"Index Cond: \(usable_amenities @> '\{-?\d+\}'", plan), plan
    assert not re.search(r"Seq Scan on stations_station(amenity)?\b", plan), plan


def generic_plan(**filters) -> str:
    """The plan a prepared nearest statement keeps once PostgreSQL stops planning each call."""
    where, params = where_clause(station_conditions(**filters))
    sql = knn_statement("stations_station", "id", where)
    with connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = force_generic_plan")
        try:
            execute_prepared(cursor, sql, knn_params(114.0, 22.5, params, 28))
            cursor.execute(
                "EXPLAIN " + prepared_form(sql).execute, knn_params(114, 22.5, params, 28)
            )
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET plan_cache_mode")


@LARGE_DATA
def test_a_night_search_reads_only_the_stations_that_may_open_at_night(stations_100k):
    """Every 10th station open round the clock: before 06:00 the open filter searches the
    index of the stations that may be open at night; by day, the whole registry's."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO stations_openingperiod (station_id, weekday, opens, closes)"
            " SELECT id, day, '00:00', '00:00' FROM stations_station, generate_series(0, 6) AS day"
            " WHERE id % 10 = 0;"
            " ANALYZE stations_station"
        )
    one_am, nine_am = (dt.datetime(2026, 11, 24, hour, tzinfo=LOCAL_TZ) for hour in (1, 9))
    for plan in (
        nearest_plan(open_moment=one_am),
        nearest_plan(open_moment=one_am, amenities=["ebike_charging"]),
    ):
        assert "Index Scan using station_night_knn on stations_station" in plan, plan
    assert "station_night_knn" not in nearest_plan(open_moment=nine_am)


def test_a_prepared_night_search_keeps_the_nearest_first_plan(demo_data):
    """The worker map's night request as a prepared statement's generic plan: nearest first
    through the night index. With the amenity keys as a parameter, PostgreSQL guessed that a
    handful of stations had them, and kept a plan that fetched every one that does and sorted
    them (demo data)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE stations_station")
    plan = generic_plan(
        open_moment=dt.datetime(2026, 12, 3, 1, tzinfo=LOCAL_TZ),
        amenities=["drinking_water", "phone_charging"],
    )
    assert "Index Scan using station_night_knn on stations_station" in plan, plan
    assert "Sort" not in plan, plan


@pytest.mark.parametrize("seed", range(3))
def test_open_now_in_sql_agrees_with_the_python_rules(seed):
    rng = random.Random(seed)
    monday = dt.date(2026, 11, 23)
    for _ in range(40):
        station = StationFactory(status=rng.choice(["open"] * 8 + ["temporarily_closed", "closed"]))
        for day in rng.sample(range(7), rng.randint(0, 7)):
            opens = dt.time(rng.choice([0, 6, 8, 10, 18, 22]), rng.choice([0, 30]))
            closes = dt.time(rng.choice([0, 2, 12, 17, 20, 23]), rng.choice([0, 30]))
            OpeningPeriodFactory(station=station, weekday=day, opens=opens, closes=closes)
        if rng.random() < 0.4:
            day = monday + dt.timedelta(days=rng.randint(0, 6))
            if rng.random() < 0.5:
                OpeningExceptionFactory(station=station, date=day, closed=True)
            else:
                OpeningExceptionFactory(station=station, date=day, closed=False,
                                        opens=dt.time(21), closes=dt.time(3))  # fmt: skip
    # Views as of that Monday, so that they carry its exceptions whatever today's date is.
    week_start = dt.datetime.combine(monday, dt.time(), tzinfo=LOCAL_TZ)
    ids = list(Station.objects.values_list("id", flat=True))
    stations = station_views(ids, moment=week_start)
    for _ in range(60):
        moment = dt.datetime.combine(
            monday + dt.timedelta(days=rng.randint(0, 7)),
            dt.time(rng.randint(0, 23), rng.choice([0, 15, 29, 30, 59])),
            tzinfo=LOCAL_TZ,
        )
        in_sql = filter_queryset(Station.objects.all(), [open_at(moment)])
        in_python = {
            s.code for s in stations if s.is_open_status and s.schedule().is_open_at(moment)
        }
        assert set(in_sql.values_list("code", flat=True)) == in_python, moment


def test_stations_with_the_same_hours_share_one_schedule_that_cannot_change():
    """Encoded stations hold their schedule for the worker's lifetime: shared, it costs the
    garbage collector one set of objects per set of hours, not per station."""
    same = [StationFactory() for _ in range(2)]
    other = StationFactory()
    for station in same:
        OpeningPeriodFactory(station=station, weekday=0, opens=dt.time(8), closes=dt.time(20))
    OpeningPeriodFactory(station=other, weekday=0, opens=dt.time(8), closes=dt.time(20))
    OpeningExceptionFactory(station=other, date=dt.date(2026, 11, 24), closed=True)
    moment = dt.datetime(2026, 11, 23, 12, tzinfo=LOCAL_TZ)
    first, second, third = (
        view.schedule() for view in station_views([*(s.id for s in same), other.id], moment=moment)
    )
    assert first is second
    assert third is not first
    assert third.exceptions == {dt.date(2026, 11, 24): ()}
    assert first.weekly[0] == (Period(dt.time(8), dt.time(20)),)  # a tuple: nothing may change it
    assert first.is_open_at(moment) and not third.is_open_at(moment + dt.timedelta(days=1))


def test_open_now_filter_excludes_closed_stations_and_honours_night_periods():
    origin = Point(114.0, 22.5, srid=4326)
    night = StationFactory(location=Point(114.001, 22.5, srid=4326))
    OpeningPeriodFactory(station=night, weekday=6, opens=dt.time(22), closes=dt.time(2))
    shut = StationFactory(location=Point(114.0005, 22.5, srid=4326), status="temporarily_closed")
    for day in range(7):
        OpeningPeriodFactory(station=shut, weekday=day, opens=dt.time(0), closes=dt.time(0))
    monday_1am = dt.datetime(2026, 11, 23, 1, 0, tzinfo=LOCAL_TZ)
    result = station_nearest_list(lon=origin.x, lat=origin.y, open_moment=monday_1am)
    assert [s.code for s in result] == [night.code]
    assert OpeningPeriod.objects.count() == 8


def test_stations_open_at_the_night_s_edges_are_found_at_night():
    """Opening at 05:30, or closing at 00:30 after a Sunday evening: each may be open before
    06:00, so each is in the night index and found then (migration 0014)."""
    early = StationFactory(location=Point(114.001, 22.5, srid=4326))
    OpeningPeriodFactory(station=early, weekday=1, opens=dt.time(5, 30), closes=dt.time(7))
    late = StationFactory(location=Point(114.002, 22.5, srid=4326))
    OpeningPeriodFactory(station=late, weekday=6, opens=dt.time(18), closes=dt.time(0, 30))
    day = StationFactory(location=Point(114.0005, 22.5, srid=4326))
    OpeningPeriodFactory(station=day, weekday=1, opens=dt.time(6), closes=dt.time(18))

    def found_at(day: int, hour: int, minute: int) -> list[str]:
        moment = dt.datetime(2026, 11, 23 + day, hour, minute, tzinfo=LOCAL_TZ)  # 23rd: Monday
        return [s.code for s in station_nearest_list(lon=114.0, lat=22.5, open_moment=moment)]

    assert found_at(1, 5, 45) == [early.code]
    assert found_at(0, 0, 15) == [late.code]
    assert found_at(1, 6, 0) == [day.code, early.code]


def test_coverage_grid_distances_and_isolated_stations():
    from django.contrib.gis.geos import MultiPolygon, Point, Polygon
    from geographiclib.geodesic import Geodesic

    from stations.selectors import station_coverage
    from tests.stations.factories import AdminAreaFactory, StationFactory

    AdminAreaFactory(
        city="测试市",
        name="甲区",
        boundary=MultiPolygon(Polygon.from_bbox((114.00, 22.50, 114.04, 22.54)), srid=4326),
    )
    StationFactory(city="测试市", location=Point(114.005, 22.505, srid=4326))
    StationFactory(city="测试市", location=Point(114.035, 22.535, srid=4326))
    StationFactory(city="测试市", location=Point(114.02, 22.52, srid=4326), status="closed")

    coverage = station_coverage(city="测试市", target_m=1000, max_cells=100)
    assert 60 <= len(coverage.cells) <= 120
    for column, row, metres in coverage.cells:
        west, south, east, north = coverage.bounds(column, row)
        assert 114.00 <= (west + east) / 2 <= 114.04 and 22.50 <= (south + north) / 2 <= 22.54
        lon, lat = (west + east) / 2, (south + north) / 2
        exact = min(
            Geodesic.WGS84.Inverse(lat, lon, y, x)["s12"]
            for x, y in [(114.005, 22.505), (114.035, 22.535)]  # the closed one never counts
        )
        assert metres == pytest.approx(exact, abs=0.01)
    assert 0.3 < coverage.area_share_beyond(1000) < 1
    assert (coverage.stations, coverage.isolated_stations) == (2, 2)  # ≈4.6 km apart
