"""Van tour planning: the solver's plans keep every rule and beat nearest-next where demand is
uneven; proposals are accepted as events, all or none."""

import datetime as dt
import io

import pytest
from django.contrib.gis.geos import Point
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation
from geographiclib.geodesic import Geodesic
from rest_framework.authtoken.models import Token

from core.localtime import LOCAL_TZ
from core.roles import Role
from services.checkups.models import CheckupEvent
from services.checkups.services import van_travel_seconds, van_visit_problem
from services.planning.models import TourProposal
from services.planning.planners import (
    Candidate,
    VanDay,
    on_quarter_hours,
    plan_tours,
    plan_tours_greedy,
    problem,
)
from tests.services.factories import CheckupEventFactory, VanFactory
from tests.stations.factories import AdminAreaFactory, StationFactory, UserFactory

DEPOT = (103.83, 36.06)
MONDAY = dt.date(2027, 3, 1)

OFFER = {
    "kind": "tcm_clinic",
    "items": ["体质辨识", "舌诊"],
    "women_only": True,
    "occupations": ["快递员"],
    "eligibility_note": "带身份证",
}


def east(metres: float) -> tuple[float, float]:
    line = Geodesic.WGS84.Direct(DEPOT[1], DEPOT[0], 90.0, metres)
    return line["lon2"], line["lat2"]


def geodesic_matrix(points):
    return [[Geodesic.WGS84.Inverse(a[1], a[0], b[1], b[0])["s12"] for b in points] for a in points]


def candidate(n: int, metres: float, demand: int) -> Candidate:
    lon, lat = east(metres)
    return Candidate(n, f"C{n}", f"站{n}", lon, lat, demand)


def van_day(capacity=100, starts=dt.time(9), ends=dt.time(13)) -> VanDay:
    return VanDay(1, "车1", MONDAY, DEPOT, starts, ends, capacity)


def build(candidates, days, visit_minutes=120):
    return problem(
        van_days=days,
        candidates=candidates,
        visit_minutes=visit_minutes,
        distance_matrix=geodesic_matrix,
        travel_seconds=lambda metres: metres / 10,  # 36 km/h, no detour
    )


def test_the_solver_prefers_more_workers_to_a_shorter_drive():
    # Four hours, two-hour visits: room for one visit far away or one nearby, not both.
    candidates = [candidate(1, 1_000, demand=10), candidate(2, 6_000, demand=60)]
    p = build(candidates, [van_day()])
    solved, greedy = plan_tours(p, time_limit_s=1), plan_tours_greedy(p)
    assert [s.candidate.code for s in solved.tours[0].stops] == ["C2"]
    assert solved.demand_covered == 60
    assert [s.candidate.code for s in greedy.tours[0].stops] == ["C1"]
    assert greedy.demand_covered == 10


def test_a_visit_reaches_at_most_what_the_van_can_check():
    p = build([candidate(1, 1_000, demand=80)], [van_day(capacity=24)])
    assert plan_tours(p, time_limit_s=1).demand_covered == 24


def test_tours_keep_hours_travel_times_and_never_overlap():
    candidates = [candidate(n, 800 * n, demand=10 + n) for n in range(1, 16)]
    days = [van_day(ends=dt.time(17, 30)), van_day(starts=dt.time(8), ends=dt.time(12))]
    p = build(candidates, days, visit_minutes=60)
    plan = plan_tours(p, time_limit_s=1)
    assert plan.visits >= 6
    seen = set()
    for tour in plan.tours:
        day = tour.van_day
        clock = day.starts.hour * 3600 + day.starts.minute * 60
        for stop in tour.stops:
            assert stop.candidate.code not in seen
            seen.add(stop.candidate.code)
            assert stop.starts_s >= clock + stop.travel_s
            assert stop.ends_s - stop.starts_s == 3600
            clock = stop.ends_s
        home = (
            geodesic_matrix([(tour.stops[-1].candidate.lon, tour.stops[-1].candidate.lat), DEPOT])[
                0
            ][1]
            / 10
        )
        assert clock + home <= day.ends.hour * 3600 + day.ends.minute * 60 + 60


def test_visits_start_on_quarter_hours_and_still_fit_the_day():
    """Drives of odd lengths (7.3 km at 10 m/s: 12 min 10 s) would start visits at 09:12:10;
    people are told 09:15. A visit that no longer fits the day after rounding is left out."""
    candidates = [candidate(n, 7_300 * n, demand=20) for n in range(1, 5)]
    p = build(candidates, [van_day(ends=dt.time(15, 0))], visit_minutes=60)
    raw = plan_tours(p, time_limit_s=1)
    rounded = on_quarter_hours(raw, p)
    assert any(stop.starts_s % 900 for tour in raw.tours for stop in tour.stops)
    clock = 9 * 3600
    for stop in rounded.tours[0].stops:
        assert stop.starts_s % 900 == 0  # 09:15, 10:30…
        assert clock + stop.travel_s <= stop.starts_s < clock + stop.travel_s + 900
        assert stop.ends_s - stop.starts_s == 3600
        clock = stop.ends_s
    last = rounded.tours[0].stops[-1].candidate
    home = geodesic_matrix([(last.lon, last.lat), DEPOT])[0][1] / 10
    assert clock + home <= 15 * 3600
    assert rounded.visits <= raw.visits and rounded.demand_covered == sum(
        stop.reached for stop in rounded.tours[0].stops
    )


# Through the database, the API and the command ------------------------------------------------


@pytest.fixture
def city():
    """Ten stations east of a Lanzhou depot, every 4 km; the far half has never had a
    check-up nearby, the near half had one last month."""
    AdminAreaFactory(city="兰州市", name="城关区", province="甘肃省")
    stations = []
    for n in range(10):
        lon, lat = east(4_000 * (n + 1))
        stations.append(
            StationFactory(
                code=f"LZ-{n}",
                city="兰州市",
                district="城关区",
                location=Point(lon, lat, srid=4326),
                seats=10,
            )
        )
    for station in stations[:5]:
        CheckupEventFactory(
            station=station,
            location=station.location,
            starts_at=dt.datetime.combine(MONDAY - dt.timedelta(days=30), dt.time(9), LOCAL_TZ),
        )
    return stations


@pytest.fixture
def organiser():
    token, _ = Token.objects.get_or_create(user=UserFactory(roles=[Role.ORGANISER]))
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT_LANGUAGE="en")


def planned(organiser, run_jobs, body) -> dict:
    """Ask for a plan (202 and a job), let the worker run it, and read the proposal."""
    response = organiser.post("/api/v1/planning/van-tours/", body, content_type="application/json")
    assert response.status_code == 202, response.content
    assert response["Location"] == response.json()["url"]
    run_jobs()
    job = organiser.get(response["Location"]).json()
    assert job["status"] == "done", job
    return organiser.get(job["result"]["proposal_url"]).json()


def plan_body(van, **more):
    return {
        "city": "兰州市",
        "date_from": MONDAY.isoformat(),
        "date_to": (MONDAY + dt.timedelta(days=1)).isoformat(),
        "vans": [van.pk],
        "visit_minutes": 120,
        "time_limit_s": 1,
    } | more


@pytest.mark.django_db
def test_plan_then_accept_makes_events_that_pass_the_van_rules(city, organiser, run_jobs):
    van = VanFactory(depot=Point(*DEPOT, srid=4326), checkups_per_hour=40)
    plan = planned(organiser, run_jobs, plan_body(van))
    assert plan["demand_total"] == 5 * 30 + 5 * 60
    assert plan["visits"] >= 4
    stops = [s for tour in plan["tours"] for s in tour["stops"]]
    # The far stations, never covered, count double: every one of them is visited.
    assert {s["station"] for s in stops} >= {f"LZ-{n}" for n in range(5, 10)}
    assert not CheckupEvent.objects.filter(van=van).exists()  # a proposal, not events

    url = f"/api/v1/planning/van-tours/{plan['id']}/accept/"
    unsaid = organiser.post(url, {"kind": "tcm_clinic"}, content_type="application/json")
    assert unsaid.status_code == 400 and set(unsaid.json()["errors"]) == {"items"}
    accepted = organiser.post(url, OFFER, content_type="application/json")
    assert accepted.status_code == 201, accepted.content
    events = CheckupEvent.objects.filter(van=van).order_by("starts_at")
    assert events.count() == plan["visits"]
    assert {
        (e.kind_id, tuple(e.items), e.women_only, tuple(e.occupations), e.eligibility_note)
        for e in events
    } == {("tcm_clinic", ("体质辨识", "舌诊"), True, ("courier",), "带身份证")}
    starts = [e.starts_at.astimezone(LOCAL_TZ) for e in events]
    assert all(t.minute % 15 == 0 and t.second == 0 for t in starts)  # 09:00, 11:15…
    assert all(e.capacity == 80 for e in events)
    for event in events:
        assert (
            van_visit_problem(
                van=van,
                location=event.location,
                starts_at=event.starts_at,
                ends_at=event.ends_at,
                moving=event,
            )
            is None
        )
    again = organiser.post(url, OFFER, content_type="application/json")
    assert again.status_code == 409
    assert organiser.get(f"/api/v1/planning/van-tours/{plan['id']}/").json()["accepted_at"]


@pytest.mark.django_db
def test_a_proposal_overtaken_by_a_booking_is_refused_whole(city, organiser, run_jobs):
    van = VanFactory(depot=Point(*DEPOT, srid=4326))
    plan = planned(organiser, run_jobs, plan_body(van))
    first = plan["tours"][0]["stops"][0]
    CheckupEventFactory(
        van=van,
        starts_at=dt.datetime.fromisoformat(first["starts_at"]),
        ends_at=dt.datetime.fromisoformat(first["ends_at"]),
    )
    response = organiser.post(
        f"/api/v1/planning/van-tours/{plan['id']}/accept/", OFFER, content_type="application/json"
    )
    assert response.status_code == 409, response.content
    assert "already booked" in response.json()["errors"]["detail"][0]
    assert CheckupEvent.objects.filter(van=van).count() == 1
    assert TourProposal.objects.get(pk=plan["id"]).accepted_at is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"date_to": "2027-02-01"}, "date_to"),
        ({"date_to": "2027-05-01"}, "date_to"),
        ({"vans": [999999]}, "vans"),
        ({"vans": []}, "vans"),
        ({"visit_minutes": 10}, "visit_minutes"),
        ({"time_limit_s": 600}, "time_limit_s"),
        ({"city": "不存在市"}, "city"),
    ],
)
def test_bad_plan_requests_are_400_naming_the_field(city, organiser, change, field):
    van = VanFactory()
    response = organiser.post(
        "/api/v1/planning/van-tours/", plan_body(van, **change), content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not TourProposal.objects.exists()


@pytest.mark.django_db
def test_planning_is_for_organisers():
    assert Client().post("/api/v1/planning/van-tours/").status_code == 401
    token, _ = Token.objects.get_or_create(user=UserFactory())
    no_role = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert no_role.post("/api/v1/planning/van-tours/").status_code == 403


def plan_monday(**options) -> None:
    call_command(
        "plan_van_tours", city="兰州市", first_day=MONDAY, last_day=MONDAY, verbosity=0, **options
    )


@pytest.mark.django_db
def test_the_command_prints_the_tours_and_can_accept_them(city):
    van = VanFactory(name="兰州体检车", depot=Point(*DEPOT, srid=4326))
    out = io.StringIO()
    plan_monday(
        van=["兰州体检车"],
        time_limit=1,
        accept=True,
        kind="general_checkup",
        item=["血压"],
        occupation=["快递员"],
        stdout=out,
    )
    text = out.getvalue()
    assert f"{MONDAY} 兰州体检车" in text
    assert "workers expected" in text and "check-up events created" in text
    assert {tuple(e.occupations) for e in CheckupEvent.objects.filter(van=van)} == {("courier",)}
    with pytest.raises(CommandError, match="--item"):
        plan_monday(accept=True, kind="general_checkup")
    with pytest.raises(CommandError, match="--van: no van 'ghost'"):
        plan_monday(van=["ghost"])


def test_travel_seconds_is_the_one_van_rule(settings):
    settings.YIZHAN_VAN_DETOUR_FACTOR, settings.YIZHAN_VAN_SPEED_KMH = 2, 20
    assert van_travel_seconds(10_000) == pytest.approx(3600)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.django_db
def test_planning_works_on_the_demo_data(demo_data, organiser, run_jobs):
    from services.checkups.demo_data import checkup_demo_load
    from services.checkups.models import Van

    checkup_demo_load()
    first = dt.date.today() + dt.timedelta(days=70)  # after the demo tours
    body = {
        "city": "兰州市",
        "date_from": first.isoformat(),
        "date_to": (first + dt.timedelta(days=6)).isoformat(),
        "vans": list(Van.objects.values_list("pk", flat=True)),
        "time_limit_s": 1,
    }
    plan = planned(organiser, run_jobs, body)
    assert plan["visits"] >= 10
    assert 0 < plan["demand_covered"] <= plan["demand_total"]
