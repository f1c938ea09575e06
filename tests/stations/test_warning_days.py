"""Warning-day rules: a station's longer hours and extra services while a heat or cold warning
is in force where it stands. The nearest search's open filter (SQL) and the station's own
schedule (Python) agree on every case; the rows follow the station's version and exception
dates; managers set the rules through the API, checked whole and recorded in the history."""

import datetime as dt

import pytest
from django.test import Client

from core.localtime import LOCAL_TZ, local_today
from core.roles import Role
from stations.conditions import filter_queryset, open_at
from stations.models import Station, StationChange, WarningDay, WarningRule
from stations.records import RowError, record_from_feature, record_properties
from stations.selectors import station_get
from stations.services import warning_days_replace
from tests.stations.factories import (
    OpeningExceptionFactory,
    OpeningPeriodFactory,
    StationFactory,
    UserFactory,
)
from tests.stations.test_filter_columns import columns

pytestmark = pytest.mark.django_db

HOT_DAY = dt.date(2027, 7, 20)  # a Tuesday


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LOCAL_TZ)


def open_both_ways(station: Station, moment: dt.datetime) -> bool:
    """Open at ``moment`` by the SQL filter and by the station's schedule: they must agree."""
    in_sql = filter_queryset(Station.objects.filter(pk=station.pk), [open_at(moment)]).exists()
    in_python = station_get(code=station.code, moment=moment).schedule().is_open_at(moment)
    assert in_sql == in_python, (moment, in_sql, in_python)
    return in_sql


def nine_to_six(**rule) -> Station:
    station = StationFactory()
    for day in range(7):
        OpeningPeriodFactory(station=station, weekday=day, opens=dt.time(9), closes=dt.time(18))
    if rule:
        WarningRule.objects.create(station=station, **rule)
    return station


def test_a_warning_day_adds_the_rules_period_to_that_day_only():
    station = nine_to_six(kind="heat", opens=dt.time(7), closes=dt.time(22), services="绿豆汤")
    assert not open_both_ways(station, at(HOT_DAY, 20))
    WarningDay.objects.create(station=station, date=HOT_DAY, kind="heat")
    assert open_both_ways(station, at(HOT_DAY, 20))
    assert open_both_ways(station, at(HOT_DAY, 7, 30))
    assert not open_both_ways(station, at(HOT_DAY, 6, 59))
    assert not open_both_ways(station, at(HOT_DAY, 22))
    assert not open_both_ways(station, at(HOT_DAY + dt.timedelta(days=1), 20))
    assert open_both_ways(station, at(HOT_DAY, 12))  # the usual hours still hold


def test_a_warning_day_of_another_kind_changes_nothing():
    station = nine_to_six(kind="heat", opens=dt.time(7), closes=dt.time(22))
    WarningDay.objects.create(station=station, date=HOT_DAY, kind="cold")
    assert not open_both_ways(station, at(HOT_DAY, 20))


def test_a_rule_running_past_midnight_keeps_the_station_open_into_the_next_morning():
    station = nine_to_six(kind="cold", opens=dt.time(20), closes=dt.time(2))
    WarningDay.objects.create(station=station, date=HOT_DAY, kind="cold")
    next_day = HOT_DAY + dt.timedelta(days=1)
    assert open_both_ways(station, at(next_day, 1, 30))
    assert not open_both_ways(station, at(next_day, 2))
    assert not open_both_ways(station, at(HOT_DAY, 1, 30))  # the night before is not a warning day


def test_a_dated_closure_wins_over_the_warning_and_other_dated_hours_take_its_period():
    closed = nine_to_six(kind="heat", opens=dt.time(7), closes=dt.time(22))
    OpeningExceptionFactory(station=closed, date=HOT_DAY, closed=True)
    short = nine_to_six(kind="heat", opens=dt.time(19), closes=dt.time(22))
    OpeningExceptionFactory(
        station=short, date=HOT_DAY, closed=False, opens=dt.time(10), closes=dt.time(12)
    )
    for station in (closed, short):
        WarningDay.objects.create(station=station, date=HOT_DAY, kind="heat")
    assert not open_both_ways(closed, at(HOT_DAY, 20))
    assert open_both_ways(short, at(HOT_DAY, 20)) and open_both_ways(short, at(HOT_DAY, 11))
    assert not open_both_ways(short, at(HOT_DAY, 15))


def test_a_rule_of_services_only_opens_nothing_and_its_days_are_shown():
    station = nine_to_six(kind="heat", services="免费绿豆汤、藿香正气水")
    WarningDay.objects.create(station=station, date=HOT_DAY, kind="heat")
    assert not open_both_ways(station, at(HOT_DAY, 20))
    view = station_get(code=station.code, moment=at(HOT_DAY, 20))
    assert view.warning_rules == [["heat", None, None, "免费绿豆汤、藿香正气水", ["2027-07-20"]]]


def test_warning_days_follow_the_stations_version_and_exception_dates():
    station = nine_to_six(kind="heat", opens=dt.time(7), closes=dt.time(22))
    version = Station.objects.get(pk=station.pk).version
    today = local_today()
    assert warning_days_replace(days=[(station.pk, today, "heat")]) == 1
    assert columns(station)[2] == [today]
    assert Station.objects.get(pk=station.pk).version == version + 1
    assert warning_days_replace(days=[(station.pk, today, "heat")]) == 0  # nothing to write
    assert Station.objects.get(pk=station.pk).version == version + 1
    old = today - dt.timedelta(days=2)
    WarningDay.objects.create(station=station, date=old, kind="heat")
    assert warning_days_replace(days=[(station.pk, old, "heat")]) == 2  # old days go
    assert columns(station)[2] == [] and not WarningDay.objects.exists()


def manager_client(station: Station) -> Client:
    manager = UserFactory(roles=[Role.STATION_MANAGER])
    station.managers.add(manager)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(manager)
    return client


def patch_rules(client: Client, station: Station, rules: list) -> tuple[int, dict]:
    version = Station.objects.get(pk=station.pk).version
    answer = client.patch(
        f"/api/v1/stations/{station.code}/",
        {"opening_hours": {"during_warnings": rules}},
        content_type="application/json",
        headers={"if-match": f'"{version}"'},
    )
    return answer.status_code, answer.json()


@pytest.mark.parametrize(
    ("rules", "field"),
    [
        ([{"warning": "heat"}], "services"),
        ([{"warning": "heat", "opens": "07:00"}], "closes"),
        ([{"warning": "heat", "opens": "22:00", "closes": "07:00"}], "closes"),
        ([{"warning": "flood", "services": "x"}], "warning"),
        ([{"warning": "heat", "services": "x"}, {"warning": "heat", "services": "y"}], "during"),
    ],
)
def test_a_bad_rule_is_refused_naming_the_field_and_nothing_is_written(rules, field):
    station = nine_to_six()
    status, body = patch_rules(manager_client(station), station, rules)
    assert status == 400 and field in str(body["errors"])
    assert not WarningRule.objects.exists()


def test_a_manager_sets_the_rules_which_the_history_records_and_the_api_shows(
    django_capture_on_commit_callbacks,
):
    station = nine_to_six()
    client = manager_client(station)
    rules = [
        {"warning": "heat", "opens": "07:00", "closes": "22:00", "services": "免费绿豆汤"},
        {"warning": "cold", "opens": "20:00", "closes": "02:00", "overnight": True},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        status, body = patch_rules(client, station, rules)
    assert status == 200, body
    shown = body["properties"]["opening_hours"]["during_warnings"]
    assert [(r["warning"], r["opens"], r["closes"], r["overnight"]) for r in shown] == [
        ("cold", "20:00", "02:00", True),
        ("heat", "07:00", "22:00", False),
    ]
    change = StationChange.objects.get(station=station)
    assert change.changes["opening_hours.during_warnings"]["before"] == []
    assert len(change.changes["opening_hours.during_warnings"]["after"]) == 2
    status, body = patch_rules(client, station, [])
    assert status == 200 and not WarningRule.objects.exists()


def feature(during_warnings: list) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [113.94, 22.54]},
        "properties": {
            "code": "SZ-RULE",
            "name": "规则驿站",
            "address": "南山区",
            "city": "深圳市",
            "district": "南山区",
            "kind": "union_station",
            "opening_hours": {"weekly": [], "during_warnings": during_warnings},
        },
    }


def test_an_import_file_carries_the_rules_and_a_bad_one_names_its_row():
    rules = [{"warning": "heat", "opens": "07:00", "closes": "22:00", "services": "绿豆汤"}]
    now = dt.datetime.now(LOCAL_TZ)
    record = record_from_feature(feature(rules), row=2, catalogue=set(), now=now, today=now.date())
    assert record_properties(record)["opening_hours"]["during_warnings"] == rules
    with pytest.raises(RowError, match=r"row 7 \(SZ-RULE\): opening_hours: .*heat gives neither"):
        record_from_feature(
            feature([{"warning": "heat"}]), row=7, catalogue=set(), now=now, today=now.date()
        )
