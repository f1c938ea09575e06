from hypothesis import given
from hypothesis import strategies as st

from core.nearest import by_distance

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
