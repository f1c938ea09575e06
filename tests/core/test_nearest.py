from geographiclib.geodesic import Geodesic
from hypothesis import example, given
from hypothesis import strategies as st

from core.nearest import by_distance, reach_box

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
