"""The nearest upcoming check-ups are exact: on random events and random points they match a
brute-force geodesic oracle — order (metres, then start time, then id) and metres — including
events that share a place (a van's day at one station) and the window of starting times."""

import datetime as dt
import random

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone
from geographiclib.geodesic import Geodesic

from services.checkups.selectors import checkup_upcoming_list
from tests.services.factories import CheckupEventFactory

pytestmark = pytest.mark.django_db


def geodesic_m(a: Point, b: Point) -> float:
    return Geodesic.WGS84.Inverse(a.y, a.x, b.y, b.x)["s12"]


def test_nearest_upcoming_matches_a_brute_force_geodesic_oracle():
    rng = random.Random(20261202)
    now = timezone.now()
    window = (now, now + dt.timedelta(days=30))
    events = []
    for i in range(300):
        # every third event at the place of the one before: ties broken by start, then id
        place = (
            events[-1][1]
            if i % 3 == 2
            else Point(rng.uniform(113.8, 114.4), rng.uniform(22.45, 22.8), srid=4326)
        )
        starts = now + dt.timedelta(hours=rng.randint(-48, 24 * 40))
        event = CheckupEventFactory(
            location=place, starts_at=starts, ends_at=starts + dt.timedelta(hours=3)
        )
        events.append((event.pk, place, starts))
    wanted = [
        (pk, place, starts) for pk, place, starts in events if window[0] <= starts <= window[1]
    ]
    for _ in range(60):
        query = Point(rng.uniform(113.7, 114.5), rng.uniform(22.4, 22.9), srid=4326)
        expected = sorted(((geodesic_m(query, place), starts, pk) for pk, place, starts in wanted))[
            :10
        ]
        got = checkup_upcoming_list(
            lon=query.x, lat=query.y, starts_from=window[0], starts_to=window[1], limit=10
        )
        assert [n.event.pk for n in got] == [pk for _, _, pk in expected]
        for nearby, (metres, _, _) in zip(got, expected, strict=True):
            assert nearby.distance_m == pytest.approx(metres, abs=0.001)
