import random

import pytest
from geographiclib.geodesic import Geodesic

from core.coordinates import from_wgs84, in_mainland_china, to_wgs84

# Published pairs: eviltransform's tests (googollee/eviltransform, MIT) for WGS-84 -> GCJ-02, and
# coordtransform's for GCJ-02 <-> BD-09 and WGS-84 -> GCJ-02 (lon, lat).
WGS_GCJ = [
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),  # Shanghai
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),  # Shenzhen
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),  # Beijing
    ((116.404, 39.915), (116.41024449916938, 39.91640428150164)),
]
GCJ_BD = [((116.404, 39.915), (116.41036949371029, 39.92133699351021))]


def metres(a, b) -> float:
    return Geodesic.WGS84.Inverse(a[1], a[0], b[1], b[0])["s12"]


@pytest.mark.parametrize("wgs, gcj", WGS_GCJ)
def test_wgs84_to_gcj02_matches_published_pairs(wgs, gcj):
    assert metres(from_wgs84(*wgs, "gcj02"), gcj) < 0.01
    assert metres(to_wgs84(*gcj, "gcj02"), wgs) < 0.01


@pytest.mark.parametrize("gcj, bd", GCJ_BD)
def test_bd09_matches_published_pairs(gcj, bd):
    wgs = to_wgs84(*gcj, "gcj02")
    assert metres(from_wgs84(*wgs, "bd09"), bd) < 0.01
    assert metres(to_wgs84(*bd, "bd09"), wgs) < 0.01


@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
def test_round_trips_stay_within_half_a_metre_across_the_mainland(crs):
    rng = random.Random(7)
    worst = 0.0
    for _ in range(500):
        point = (rng.uniform(98.0, 122.0), rng.uniform(22.6, 45.0))
        worst = max(worst, metres(to_wgs84(*from_wgs84(*point, crs), crs), point))
    assert worst < 0.5


@pytest.mark.parametrize(
    "lon, lat, mainland",
    [
        (114.06, 22.54, True),  # Futian, Shenzhen
        (114.17, 22.30, False),  # Kowloon, Hong Kong
        (113.55, 22.19, False),  # Macau
        (121.56, 25.04, False),  # Taipei
        (2.35, 48.85, False),  # Paris
        (103.83, 36.06, True),  # Lanzhou
    ],
)
def test_only_mainland_points_are_shifted(lon, lat, mainland):
    assert in_mainland_china(lon, lat) is mainland
    shifted = from_wgs84(lon, lat, "gcj02") != (lon, lat)
    assert shifted is mainland
    assert (to_wgs84(lon, lat, "bd09") != (lon, lat)) is mainland


def test_wgs84_is_the_identity():
    assert from_wgs84(114.0, 22.5, "wgs84") == (114.0, 22.5)
    assert to_wgs84(114.0, 22.5, "wgs84") == (114.0, 22.5)
