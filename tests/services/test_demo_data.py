import datetime as dt
import itertools
from collections import defaultdict

import pytest
from django.utils import timezone

from services.demo_data import checkup_demo_load
from services.models import CheckupEvent
from services.services import van_visit_problem

pytestmark = pytest.mark.django_db


def test_demo_checkups_cover_the_caravan_cities_and_the_next_eight_weeks(demo_data):
    created = checkup_demo_load(today=timezone.localdate())
    events = list(CheckupEvent.objects.select_related("station", "van"))
    assert created == len(events) > 100
    caravan = {e.station.city for e in events if e.van is not None}
    assert caravan == {"庆阳市", "武威市", "平凉市", "张掖市", "白银市", "兰州市"}
    assert {e.station.city for e in events if e.van is None} == {"深圳市", "厦门市"}
    now = timezone.now()
    assert all(now < e.starts_at < now + dt.timedelta(weeks=8, days=1) for e in events)
    assert all(e.location == e.station.location for e in events)
    assert all(e.women_only for e in events if e.kind_id == "two_cancer_screening")


def test_a_van_is_never_in_two_places_at_once(demo_data):
    checkup_demo_load()
    by_van = defaultdict(list)
    for event in CheckupEvent.objects.exclude(van=None).order_by("starts_at"):
        by_van[event.van_id].append(event)
    for visits in by_van.values():
        for before, after in itertools.pairwise(visits):
            assert before.ends_at <= after.starts_at


def test_loading_again_adds_nothing_while_demo_events_are_upcoming(demo_data):
    first = checkup_demo_load()
    assert first > 0 and checkup_demo_load() == 0
    assert CheckupEvent.objects.count() == first


def test_every_demo_van_visit_passes_the_van_rules(demo_data):
    checkup_demo_load()
    for visit in CheckupEvent.objects.exclude(van=None).select_related("van"):
        problem = van_visit_problem(
            van=visit.van, location=visit.location, starts_at=visit.starts_at,
            ends_at=visit.ends_at, moving=visit,
        )  # fmt: skip
        assert problem is None, (visit.pk, problem)
