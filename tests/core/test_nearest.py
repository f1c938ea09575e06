import math

import pytest
from django.db import connection
from geographiclib.geodesic import Geodesic
from hypothesis import example, given, settings
from hypothesis import strategies as st

from core.nearest import by_distance, chord_sql, geocentric, reach_box

CANDIDATES = st.lists(
    st.tuples(
        st.floats(0, 10),  # planar distance
        st.sampled_from([0.0, 1.5, 2.0, 1e5, 1e5 + 0.1]),  # metres: ties are frequent here
        st.integers(0, 50),  # id
        st.text(max_size=3),  # code
    ),
    max_size=40,
)


@given(CANDIDATES)
def test_candidates_rank_by_metres_then_the_tie_break(candidates):
    def tie_break(columns):
        return (columns[1], columns[0])

    expected = sorted(candidates, key=lambda row: (row[1], *tie_break(row[2:])))
    assert by_distance(candidates, tie_break) == expected


def test_rows_at_the_same_distance_follow_the_tie_break_not_their_arrival():
    rows = [(0.1, 5.0, 2, "B"), (0.2, 3.0, 9, "Z"), (0.1, 5.0, 1, "A")]
    assert by_distance(rows, lambda columns: (columns[1],)) == [rows[1], rows[2], rows[0]]


@given(
    lat=st.floats(-85, 85),
    lon=st.floats(-179, 179),
    reach_m=st.floats(1, 5_000_000),
    azimuth=st.floats(-180, 180),
    share=st.floats(0, 1),
)
# where the box is tightest: at the equator, due east and due north, at full reach
@example(lat=0.0, lon=0.0, reach_m=1_000.0, azimuth=90.0, share=1.0)
@example(lat=0.0, lon=0.0, reach_m=1_000.0, azimuth=0.0, share=1.0)
def test_the_reach_box_holds_every_point_within_reach(lat, lon, reach_m, azimuth, share):
    box = reach_box(lon, lat, reach_m)
    if box is None:
        return  # across a pole or the antimeridian: the search widens its rounds instead
    line = Geodesic.WGS84.Direct(lat, lon, azimuth, reach_m * share)
    west, south, east, north = box
    assert south <= line["lat2"] <= north
    assert west <= line["lon2"] <= east


def test_no_reach_box_takes_in_a_pole_or_crosses_the_antimeridian():
    assert reach_box(114.0, 22.5, 1_000) is not None
    assert reach_box(114.0, 89.0, 200_000) is None
    assert reach_box(179.99, 0.0, 5_000) is None
    assert reach_box(-179.99, 0.0, 5_000) is None


def chord_in_database(row: tuple[float, float], point: tuple[float, float]) -> float:
    """The chord from a row at ``row`` (lon, lat) to ``point``, as the second round computes it."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT sqrt({chord_sql('t')})"
            " FROM (SELECT ST_SetSRID(ST_MakePoint(%s, %s), 4326) AS location) AS t",
            [*geocentric(*point), *row],
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db
@settings(max_examples=60, deadline=None)
@given(
    lat=st.floats(-89, 89),
    lon=st.floats(-180, 180),
    distance_m=st.floats(0, 5_000_000),
    azimuth=st.floats(-180, 180),
)
@example(lat=0.0, lon=0.0, distance_m=1_000.0, azimuth=0.0)  # along the meridian, at the equator
@example(lat=22.5, lon=114.0, distance_m=2_000_000.0, azimuth=0.0)  # Shenzhen to Beijing's reach
@example(lat=1e-300, lon=-1e-300, distance_m=0.0, azimuth=0.0)  # squares too small for a float
@example(lat=1e-300, lon=0.0, distance_m=1e-300, azimuth=90.0)
def test_the_chord_is_never_longer_than_the_geodesic_and_close_to_it(lat, lon, distance_m, azimuth):
    """The second round leaves out the rows whose chord exceeds the reach: sound only if the
    chord is never longer than the distance on the spheroid. Close to it too (a chord of the
    wrong spheroid, or of a sphere, would leave out rows within reach or keep every row)."""
    line = Geodesic.WGS84.Direct(lat, lon, azimuth, distance_m)
    chord = chord_in_database((line["lon2"], line["lat2"]), (lon, lat))
    assert chord <= distance_m + 1e-6
    # the chord of an arc of the spheroid's tightest curvature (radius 6,335,439 m, a meridian
    # at the equator): a geodesic, no more curved, spans at least that much
    assert chord >= 2 * 6_335_439 * math.sin(distance_m / (2 * 6_335_439)) - 1e-6
