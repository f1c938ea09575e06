"""The station managers' API: who may write, optimistic concurrency, validation that changes
nothing, verification, freshness and the audit history."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from core.roles import Role
from stations.models import OpeningPeriod, Station, StationAmenity, StationChange
from tests.stations.factories import (
    OpeningPeriodFactory,
    StationAmenityFactory,
    StationFactory,
    UserFactory,
    manager_of,
)

pytestmark = pytest.mark.django_db


def detail(code: str) -> str:
    return f"/api/v1/stations/{code}/"


def token_client(user) -> Client:
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def etag_of(code: str) -> str:
    return Client().get(detail(code))["ETag"]


def version_of(station) -> int:
    return Station.objects.values_list("version", flat=True).get(pk=station.pk)


def patch(client, url, body, etag=None):
    headers = {"HTTP_IF_MATCH": etag} if etag is not None else {}
    return client.patch(url, body, content_type="application/json", **headers)


@pytest.fixture
def station():
    station = StationFactory(code="SZ-1", phone="12351", seats=4)
    StationAmenityFactory(station=station, amenity_id="microwave")
    OpeningPeriodFactory(station=station, weekday=0, opens=dt.time(8), closes=dt.time(18))
    return station


@pytest.fixture
def manager(station):
    return manager_of(station)


# Who may write ----------------------------------------------------------------------------


def test_anonymous_write_is_401_with_a_token_challenge(station):
    response = patch(Client(), detail("SZ-1"), {"seats": 6}, etag_of("SZ-1"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_user_with_no_role_may_not_write(station):
    client = token_client(UserFactory())
    response = patch(client, detail("SZ-1"), {"seats": 6}, etag_of("SZ-1"))
    assert response.status_code == 403


def test_a_manager_may_not_change_another_managers_station(station):
    other = StationFactory(code="SZ-2")
    client = token_client(manager_of(other))
    response = patch(client, detail("SZ-1"), {"seats": 6}, etag_of("SZ-1"))
    assert response.status_code == 403
    assert "SZ-1" in response.json()["errors"]["detail"][0]
    assert Station.objects.get(code="SZ-1").seats == 4


def test_an_organiser_is_not_a_station_manager(station):
    client = token_client(UserFactory(roles=[Role.ORGANISER]))
    assert patch(client, detail("SZ-1"), {"seats": 6}, etag_of("SZ-1")).status_code == 403


def test_an_administrator_may_change_any_station(station):
    client = token_client(UserFactory(roles=[Role.ADMINISTRATOR]))
    assert patch(client, detail("SZ-1"), {"seats": 6}, etag_of("SZ-1")).status_code == 200


def test_unknown_station_is_404_for_a_manager(manager):
    response = patch(token_client(manager), detail("NOPE"), {"seats": 6}, '"1"')
    assert response.status_code == 404


def test_the_web_pages_session_works_with_its_csrf_check(station, manager):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    response = patch(client, detail("SZ-1"), {"seats": 6}, etag_of("SZ-1"))
    assert response.status_code == 403  # no CSRF token
    client.get("/admin/login/")  # sets the CSRF cookie
    response = client.patch(
        detail("SZ-1"),
        {"seats": 6},
        content_type="application/json",
        HTTP_IF_MATCH=etag_of("SZ-1"),
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert response.status_code == 200


# Optimistic concurrency -------------------------------------------------------------------


def test_get_returns_the_version_as_etag(station):
    assert Client().get(detail("SZ-1"))["ETag"] == f'"{version_of(station)}"'


def test_a_write_without_if_match_is_428_and_changes_nothing(station, manager):
    response = patch(token_client(manager), detail("SZ-1"), {"seats": 6})
    assert response.status_code == 428
    assert "If-Match" in response.json()["errors"]["detail"][0]
    assert Station.objects.get(code="SZ-1").seats == 4


def test_a_write_returns_the_changed_station_and_its_new_etag(station, manager):
    before = etag_of("SZ-1")
    response = patch(token_client(manager), detail("SZ-1"), {"seats": 6, "notes": "二楼"}, before)
    assert response.status_code == 200
    assert response["ETag"] != before
    assert response["ETag"] == f'"{version_of(station)}"'
    station.refresh_from_db()
    assert (station.seats, station.notes) == (6, "二楼")
    assert station.last_changed_at is not None


def test_two_managers_cannot_overwrite_each_other(station, manager):
    colleague = manager_of(station)
    seen = etag_of("SZ-1")  # both read the same version
    first = patch(token_client(manager), detail("SZ-1"), {"phone": "0755-1111"}, seen)
    second = patch(token_client(colleague), detail("SZ-1"), {"phone": "0755-2222"}, seen)
    assert first.status_code == 200
    assert second.status_code == 412
    body = second.json()
    assert body["current_version"] == version_of(station)
    assert second["ETag"] == first["ETag"]
    assert Station.objects.get(code="SZ-1").phone == "0755-1111"
    # Having read the change, the colleague can make theirs.
    third = patch(token_client(colleague), detail("SZ-1"), {"phone": "0755-2222"}, second["ETag"])
    assert third.status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_writers_with_the_same_etag_one_wins(station, manager):
    seen = etag_of("SZ-1")
    writers = [manager_of(station) for _ in range(8)]
    clients = [token_client(user) for user in writers]
    statuses, barrier = [], threading.Barrier(len(clients))

    def write(index, client):
        barrier.wait()
        try:
            response = patch(client, detail("SZ-1"), {"seats": 10 + index}, seen)
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=pair) for pair in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [412] * 7
    assert StationChange.objects.filter(station=station).count() == 1


def test_an_etag_that_we_never_issued_is_412(station, manager):
    response = patch(token_client(manager), detail("SZ-1"), {"seats": 6}, '"abc"')
    assert response.status_code == 412


# Validation changes nothing ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {
                "opening_hours": {
                    "weekly": [
                        {"weekday": 1, "opens": "08:00", "closes": "12:00"},
                        {"weekday": 1, "opens": "11:00", "closes": "14:00"},
                    ]
                }
            },
            "opening_hours.weekly",
        ),
        (
            {"opening_hours": {"weekly": [{"weekday": 1, "opens": "18:00", "closes": "08:00"}]}},
            "opening_hours.weekly[0].closes",
        ),
        (
            {"opening_hours": {"weekly": [{"weekday": 7, "opens": "08:00", "closes": "18:00"}]}},
            "opening_hours.weekly[0].weekday",
        ),
        (
            {"opening_hours": {"exceptions": [{"date": "2026-12-25", "opens": "09:00"}]}},
            "opening_hours.exceptions[0].closes",
        ),
        ({"seats": -1}, "seats"),
        ({"seats": 100000}, "seats"),
        ({"status": "exploded"}, "status"),
        ({"phone": "1" * 40}, "phone"),
        ({"name": "新名字"}, "name"),
        ({}, "detail"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_changes_nothing(station, manager, body, field):
    version = version_of(station)
    response = patch(token_client(manager), detail("SZ-1"), body, etag_of("SZ-1"))
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    assert version_of(station) == version
    assert not StationChange.objects.exists()


def test_replacing_hours_with_a_night_period_and_a_holiday(station, manager):
    hours = {
        "weekly": [
            {"weekday": day, "opens": "22:00", "closes": "06:00", "overnight": True}
            for day in range(7)
        ],
        "exceptions": [{"date": "2026-12-25", "closed": True, "note": "圣诞节闭站"}],
    }
    response = patch(
        token_client(manager), detail("SZ-1"), {"opening_hours": hours}, etag_of("SZ-1")
    )
    assert response.status_code == 200, response.content
    shown = response.json()["properties"]["opening_hours"]
    assert shown["weekly"][0] == {
        "weekday": 0,
        "opens": "22:00",
        "closes": "06:00",
        "overnight": True,
    }
    assert OpeningPeriod.objects.filter(station=station).count() == 7
    # What GET shows can be sent back unchanged: nothing changes, nothing is recorded.
    again = patch(
        token_client(manager),
        detail("SZ-1"),
        {"opening_hours": {"weekly": shown["weekly"]}},
        response["ETag"],
    )
    assert again.status_code == 200
    assert StationChange.objects.count() == 1


# Amenities --------------------------------------------------------------------------------


def amenity_url(code, amenity):
    return f"/api/v1/stations/{code}/amenities/{amenity}/"


def test_the_microwave_broke(station, manager):
    response = patch(
        token_client(manager),
        amenity_url("SZ-1", "microwave"),
        {"status": "out_of_service", "details": "等待维修"},
        etag_of("SZ-1"),
    )
    assert response.status_code == 200
    amenity = StationAmenity.objects.get(station=station, amenity_id="microwave")
    assert (amenity.status, amenity.details, amenity.updated_by) == (
        "out_of_service",
        "等待维修",
        manager,
    )
    change = StationChange.objects.get()
    assert change.changes == {
        "amenities.microwave": {
            "before": {"status": "available", "details": ""},
            "after": {"status": "out_of_service", "details": "等待维修"},
        }
    }


def test_adding_and_removing_an_amenity(station, manager):
    client = token_client(manager)
    added = client.post(
        "/api/v1/stations/SZ-1/amenities/",
        {"amenity": "ebike_charging", "details": "4个插座"},
        content_type="application/json",
        HTTP_IF_MATCH=etag_of("SZ-1"),
    )
    assert added.status_code == 201, added.content
    codes = [a["code"] for a in added.json()["properties"]["amenities"]]
    assert "ebike_charging" in codes
    again = client.post(
        "/api/v1/stations/SZ-1/amenities/",
        {"amenity": "ebike_charging"},
        content_type="application/json",
        HTTP_IF_MATCH=added["ETag"],
    )
    assert again.status_code == 409
    removed = client.delete(amenity_url("SZ-1", "ebike_charging"), HTTP_IF_MATCH=added["ETag"])
    assert removed.status_code == 200
    assert not station.amenities.filter(amenity_id="ebike_charging").exists()
    actions = list(StationChange.objects.order_by("at").values_list("action", flat=True))
    assert actions == ["amenity_add", "amenity_remove"]


def test_unknown_amenity_codes_are_400_naming_the_field(station, manager):
    client = token_client(manager)
    response = client.post(
        "/api/v1/stations/SZ-1/amenities/",
        {"amenity": "jacuzzi"},
        content_type="application/json",
        HTTP_IF_MATCH=etag_of("SZ-1"),
    )
    assert response.status_code == 400
    assert "drinking_water" in response.json()["errors"]["amenity"][0]
    response = patch(client, amenity_url("SZ-1", "jacuzzi"), {"status": "limited"}, etag_of("SZ-1"))
    assert response.status_code == 400
    assert "amenity_code" in response.json()["errors"]


def test_changing_an_amenity_the_station_does_not_have_is_404(station, manager):
    response = patch(
        token_client(manager), amenity_url("SZ-1", "toilet"), {"status": "limited"}, etag_of("SZ-1")
    )
    assert response.status_code == 404


# Verification and freshness ---------------------------------------------------------------


def test_verify_sets_last_verified_at_and_clears_stale(station, manager, settings):
    settings.YIZHAN_STALE_AFTER_DAYS = 30
    Station.objects.filter(pk=station.pk).update(
        last_verified_at=timezone.now() - dt.timedelta(days=31)
    )
    shown = Client().get(detail("SZ-1")).json()["properties"]
    assert shown["stale"] is True
    assert shown["stale_notice"]
    response = token_client(manager).post(
        "/api/v1/stations/SZ-1/verify/", HTTP_IF_MATCH=etag_of("SZ-1")
    )
    assert response.status_code == 200
    assert response.json()["properties"]["stale"] is False
    assert response.json()["properties"]["stale_notice"] is None
    station.refresh_from_db()
    assert timezone.now() - station.last_verified_at < dt.timedelta(minutes=1)
    assert station.last_changed_at is None  # verifying is not a change
    assert StationChange.objects.get().action == "verify"


def test_a_change_makes_a_station_fresh_and_the_threshold_is_a_setting(station, manager, settings):
    Station.objects.filter(pk=station.pk).update(
        last_verified_at=timezone.now() - dt.timedelta(days=10)
    )
    settings.YIZHAN_STALE_AFTER_DAYS = 7
    assert Client().get(detail("SZ-1")).json()["properties"]["stale"] is True
    patch(token_client(manager), detail("SZ-1"), {"seats": 5}, etag_of("SZ-1"))
    assert Client().get(detail("SZ-1")).json()["properties"]["stale"] is False


def test_nearest_says_stale_and_call_to_confirm_in_the_workers_language(station):
    response = Client().get(
        "/api/v1/stations/nearest/", {"lat": 22.54, "lon": 113.94}, HTTP_ACCEPT_LANGUAGE="en"
    )
    props = response.json()["features"][0]["properties"]
    assert props["stale"] is True  # never verified
    assert "call" in props["stale_notice"].lower()
    zh = Client().get("/api/v1/stations/nearest/", {"lat": 22.54, "lon": 113.94})
    assert "致电" in zh.json()["features"][0]["properties"]["stale_notice"]


def test_every_station_output_says_stale(station):
    Station.objects.filter(pk=station.pk).update(
        last_verified_at=timezone.now() - dt.timedelta(days=31)
    )
    outputs = [
        Client().get(detail("SZ-1")).json()["properties"],
        Client().get("/api/v1/stations/", {"city": "深圳市"}).json()["features"][0]["properties"],
        Client()
        .get("/api/v1/stations/nearest/", {"lat": 22.54, "lon": 113.94})
        .json()["features"][0]["properties"],
    ]
    assert [props["stale"] for props in outputs] == [True, True, True]
    assert all(props["stale_notice"] for props in outputs)


def test_stale_list_shows_only_the_managers_stale_stations(station, manager):
    fresh = StationFactory(code="SZ-3", last_verified_at=timezone.now())
    fresh.managers.add(manager)
    StationFactory(code="SZ-4")  # stale, but someone else's
    response = token_client(manager).get("/api/v1/stations/stale/")
    assert response.status_code == 200
    assert [f["properties"]["code"] for f in response.json()["features"]] == ["SZ-1"]
    assert Client().get("/api/v1/stations/stale/").status_code == 401
    assert token_client(UserFactory()).get("/api/v1/stations/stale/").status_code == 403


# History ----------------------------------------------------------------------------------


def test_history_shows_who_when_and_before_after(station, manager):
    patch(token_client(manager), detail("SZ-1"), {"status": "temporarily_closed"}, etag_of("SZ-1"))
    response = token_client(manager).get("/api/v1/stations/SZ-1/history/")
    assert response.status_code == 200
    (entry,) = response.json()["results"]
    assert entry["by"] == manager.username
    assert entry["source"] == "api"
    assert entry["changes"] == {"status": {"before": "open", "after": "temporarily_closed"}}


def test_history_is_for_the_stations_managers_and_administrators(station, manager):
    url = "/api/v1/stations/SZ-1/history/"
    assert Client().get(url).status_code == 401
    assert token_client(manager_of(StationFactory())).get(url).status_code == 403
    assert token_client(UserFactory(roles=[Role.ADMINISTRATOR])).get(url).status_code == 200


# Logging in -------------------------------------------------------------------------------


def test_a_token_for_a_username_and_password(manager):
    response = Client().post(
        "/api/v1/auth/token/",
        {"username": manager.username, "password": "correct horse battery staple"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=manager).key
    wrong = Client().post(
        "/api/v1/auth/token/",
        {"username": manager.username, "password": "guess"},
        content_type="application/json",
    )
    assert wrong.status_code == 400


def token_login(client: Client, username: str, password: str) -> int:
    return client.post(
        "/api/v1/auth/token/",
        {"username": username, "password": password},
        content_type="application/json",
    ).status_code


def test_login_is_throttled(manager, settings):
    attempts = [token_login(Client(), manager.username, f"guess{i}") for i in range(12)]
    assert attempts[:10] == [400] * 10
    assert attempts[10:] == [429, 429]


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_the_session_login_pages_are_throttled_too(manager, url):
    client = Client()
    codes = [
        client.post(url, {"username": manager.username, "password": "x"}).status_code
        for _ in range(11)
    ]
    assert codes[:10] == [200] * 10  # the form again, with an error
    assert codes[10] == 429


@pytest.mark.parametrize(
    ("method", "suffix", "query", "body", "field"),
    [
        ("patch", "", "crs=bogus", {"seats": 9}, "crs"),
        ("post", "verify/", "at=0001-01-01T00:00:01Z", None, "at"),
        ("post", "verify/", "at=9999-12-31T00:00", None, "at"),
        ("post", "amenities/", "crs=nope", {"amenity": "wifi"}, "crs"),
        ("patch", "amenities/microwave/", "crs=nope", {"status": "out_of_service"}, "crs"),
        ("delete", "amenities/microwave/", "at=tomorrow", None, "at"),
    ],
)
def test_a_refused_query_string_changes_nothing(
    station, manager, method, suffix, query, body, field
):
    """The whole request is checked before any write: a bad query string used to answer 400 (or
    500) after the change had been committed, and the retry then got 412."""
    version = version_of(station)
    client = token_client(manager)
    url = f"{detail('SZ-1')}{suffix}?{query}"
    kwargs = {"content_type": "application/json", "HTTP_IF_MATCH": etag_of("SZ-1")}
    response = getattr(client, method)(url, body, **kwargs)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert version_of(station) == version
    assert not StationChange.objects.exists()


def test_a_forwarded_for_header_does_not_dodge_the_login_throttle(manager):
    """With no trusted proxy (the default), the client address is the socket's: rotating
    X-Forwarded-For used to give 60 of 60 tries."""
    codes = [
        token_login(Client(HTTP_X_FORWARDED_FOR=f"203.0.113.{i}"), manager.username, f"guess{i}")
        for i in range(12)
    ]
    assert codes[10:] == [429, 429]


def test_a_trusted_proxy_gives_the_client_address(manager, settings):
    from rest_framework.settings import api_settings

    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"NUM_PROXIES": 1}
    api_settings.reload()
    try:
        codes = [
            Client(HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
            .post("/api/v1/auth/token/", {"username": f"u{i}"}, content_type="application/json")
            .status_code
            for i in range(12)
        ]
        assert 429 not in codes  # twelve clients behind our proxy, one try each
    finally:
        api_settings.reload()


def test_login_is_throttled_per_username_from_many_addresses(manager):
    """YIZHAN_LOGIN_USERNAME_RATE, 20 an hour by default, whatever the address."""
    codes = [
        token_login(Client(REMOTE_ADDR=f"198.51.100.{i}"), manager.username.upper(), f"guess{i}")
        for i in range(22)
    ]
    assert codes == [400] * 20 + [429] * 2
    page = Client(REMOTE_ADDR="198.51.100.99").post(
        "/accounts/login/", {"username": manager.username, "password": "x"}
    )
    assert page.status_code == 429  # the session login counts the same username


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_a_logged_in_user_is_throttled_on_the_login_pages_too(manager, url):
    client = Client()
    client.force_login(manager)
    codes = [
        client.post(url, {"username": "someone-else", "password": "x"}).status_code
        for _ in range(11)
    ]
    assert codes[10] == 429
