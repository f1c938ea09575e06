"""Exact query budgets of every list and detail endpoint, on the demo data: a change that adds a
query per row (or per anything) fails here. Each is asked twice and counted the second time, as
a long-running worker serves it (per-process caches such as the amenity codes are warm)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from core.roles import Role
from services.benefits.models import BenefitScheme
from services.benefits.services import benefit_schemes_load
from services.checkups.demo_data import checkup_demo_load
from services.checkups.models import CheckupEvent
from stations.models import Station
from tests.stations.factories import UserFactory, manager_of

pytestmark = pytest.mark.django_db
SHENZHEN = "lat=22.54&lon=114.05"
LANZHOU = "lat=36.06&lon=103.83"

BUDGETS = [
    # (who asks, path, queries)
    ("anyone", f"/api/v1/stations/nearest/?{SHENZHEN}&limit=30", 1),
    ("anyone", f"/api/v1/stations/nearest/?{SHENZHEN}&amenity=drinking_water&open_now=true", 1),
    ("anyone", "/api/v1/stations/?bbox=113.9,22.5,114.1,22.6", 2),  # count, page
    ("anyone", "/api/v1/stations/SZ-0001/", 1),
    # the map: cells, and the stations of the cells of one; at street level, the stations
    ("anyone", "/api/v1/stations/map/?bbox=73,18,135,54&zoom=4", 1),  # no cell of one
    ("anyone", "/api/v1/stations/map/?bbox=113.7,22.4,114.4,22.8&zoom=11&amenity=toilet", 2),
    ("anyone", "/api/v1/stations/map/?bbox=114.0,22.5,114.1,22.56&zoom=15", 1),
    ("anyone", "/api/v1/amenities/", 1),
    # the events found; they are kept encoded (read once per change: one query for all)
    ("anyone", f"/api/v1/checkups/upcoming/?{LANZHOU}&limit=20", 1),
    ("anyone", "/api/v1/checkups/{event}/", 1),
    ("anyone", "/api/v1/checkups/{event}.ics", 1),
    ("anyone", f"/api/v1/checkups/upcoming.ics?{LANZHOU}", 2),
    ("anyone", "/api/v1/benefits/schemes/", 2),  # schemes, their occupations
    ("anyone", "/api/v1/benefits/schemes/{scheme}/", 2),
    # Eligibility: (the city named), the place, every nearest list at once, their stations;
    # the schemes, the occupations and the districts' names (the cities of a provincial
    # scheme's region) are kept by the process (core.catalogues). The same whatever the number
    # of schemes (see below).
    ("anyone", f"/api/v1/benefits/eligible/?{SHENZHEN}&occupation=courier&union_member=false", 3),
    ("anyone", "/api/v1/benefits/eligible/?city=兰州市&occupation=courier&union_member=true", 4),
    ("organiser", "/api/v1/organisers/vans/", 3),  # token, user's groups, vans
    ("organiser", "/api/v1/organisers/events/", 4),  # token, groups, count, page
    ("organiser", "/api/v1/organisers/events/{event}/", 3),
    ("organiser", "/api/v1/organisers/vans/{van}/", 3),
    ("manager", "/api/v1/stations/stale/", 3),
    ("manager", "/api/v1/stations/SZ-0001/history/", 4),
]


@pytest.fixture
def clients(demo_data):
    benefit_schemes_load()
    checkup_demo_load()
    organiser = Token.objects.create(user=UserFactory(roles=[Role.ORGANISER]))
    manager = Token.objects.create(user=manager_of(Station.objects.get(code="SZ-0001")))
    return {
        "anyone": Client(),
        "organiser": Client(HTTP_AUTHORIZATION=f"Token {organiser.key}"),
        "manager": Client(HTTP_AUTHORIZATION=f"Token {manager.key}"),
    }


@pytest.mark.parametrize(("who", "path", "queries"), BUDGETS)
def test_query_budget(clients, django_assert_num_queries, who, path, queries):
    event = CheckupEvent.objects.exclude(van=None).order_by("pk").first()
    scheme = BenefitScheme.objects.order_by("pk").first()
    url = path.format(event=event.pk, van=event.van_id, scheme=scheme.pk)
    client = clients[who]
    assert client.get(url).status_code == 200
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/benefits/eligible/?{SHENZHEN}&occupation=courier&union_member=false",
        "/api/v1/benefits/eligible/?city=兰州市&occupation=courier&union_member=true",
    ],
)
def test_eligibility_costs_the_same_whatever_the_number_of_schemes(clients, path):
    def answered() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            body = clients["anyone"].get(path).json()
        return len(queries), len(body["covered"]) + len(body["not_covered_yet"])

    clients["anyone"].get(path)  # the catalogues' caches warm
    before, schemes_before = answered()
    for copy in range(1, 4):  # four times the schemes, each with its claim points
        for original in list(BenefitScheme.objects.exclude(code__contains="-copy")):
            occupations = list(original.occupations.all())
            original.pk, original.code = None, f"{original.code}-copy{copy}"
            original.save()
            original.occupations.set(occupations)
    answered()  # the kept catalogue of schemes, cleared by the change, is loaded again
    after, schemes_after = answered()
    assert schemes_after == 4 * schemes_before > 0
    assert after == before
