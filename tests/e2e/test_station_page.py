"""A station manager logs in, marks an amenity out of service on the station page, and the
worker map no longer offers the station for it."""

import datetime as dt

import pytest
from django.db.models import Q

from core.localtime import local_today
from stations.models import Station
from stations.selectors import station_nearest_list
from tests.e2e.pages import FUTIAN, log_in, save_screenshots
from tests.stations.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def station(demo):
    (nearest,) = station_nearest_list(
        lon=114.057, lat=22.543, limit=1, amenities=["ebike_charging"]
    )
    return Station.objects.get(pk=nearest.id)


def listed_with_chip(open_page, amenity):
    page = open_page("/", geolocation=FUTIAN)
    page.wait_for_selector("#stations li.station")
    page.click(f".chip[data-amenity={amenity}]")
    page.wait_for_function(
        f"""() => [...document.querySelectorAll('#stations li.station')]
                    .every(item => item.querySelector('.amenity[data-amenity={amenity}]'))"""
    )
    return page.eval_on_selector_all(
        "#stations li.station", "items => items.map(i => i.dataset.code)"
    )


def test_a_manager_edits_an_amenity_and_the_map_shows_it(station, open_page):
    assert station.code in listed_with_chip(open_page, "ebike_charging")
    manager = UserFactory(username="zhang", roles=["station_manager"])
    station.managers.add(manager)

    page = open_page(f"/stations/{station.code}/", language="en")
    assert page.locator("#manage").count() == 0  # not logged in: no forms
    page.click("text=log in to update this station")
    log_in(page, "zhang")
    page.wait_for_selector("#manage[data-ready=true]")  # its script has run
    save_screenshots(page, "station-page")
    form = page.locator(".amenity-form[data-amenity=ebike_charging]")
    form.locator("select").select_option("out_of_service")
    form.locator("input[name=details]").fill("充电桩维修中")
    form.locator("button[type=submit]").click()
    form.locator(".result.saved").wait_for()  # said beside the form saved
    status = page.locator(".amenity-list [data-amenity=ebike_charging] .amenity-status")
    assert status.inner_text() == "out of service"  # the label, in the page's language

    assert station.code not in listed_with_chip(open_page, "ebike_charging")
    assert station.changes.get().actor == manager


def managers_page(open_page, station, username):
    """The station page, for a manager of the station who has just logged in."""
    station.managers.add(UserFactory(username=username, roles=["station_manager"]))
    page = open_page(f"/accounts/login/?next=/stations/{station.code}/", language="en")
    log_in(page, username)
    page.wait_for_selector("#manage[data-ready=true]")  # its script has run
    return page


def test_a_stale_page_cannot_overwrite_a_colleagues_change(station, open_page):
    page = managers_page(open_page, station, "li")
    # Meanwhile a colleague changes the station.
    Station.objects.filter(pk=station.pk).update(phone="0755-0000")
    page.locator("#station-status select").select_option("temporarily_closed")
    page.locator("#station-status button").click()
    page.wait_for_selector("#station-status .result.error")
    assert "reload" in page.locator("#station-status .result").inner_text()
    assert Station.objects.filter(Q(pk=station.pk) & Q(status="open")).exists()


def test_a_manager_closes_the_station_for_a_holiday_and_overlaps_are_refused(station, open_page):
    page = managers_page(open_page, station, "wang")
    holiday = local_today() + dt.timedelta(days=3)
    page.click("#add-exception")
    row = page.locator("#exceptions .period").last
    row.locator("[name=date]").fill(holiday.isoformat())
    row.locator("[name=note]").fill("春节闭站")
    page.click("#hours button[type=submit]")
    page.wait_for_selector("#hours > .result.saved")
    saved = station.opening_exceptions.get(date=holiday)
    assert (saved.closed, saved.note) == (True, "春节闭站")

    periods = list(station.opening_periods.values_list("weekday", "opens", "closes"))
    add_on_monday = page.locator("#weekly .day[data-weekday='0'] .add-to-day")
    add_on_monday.click()
    add_on_monday.click()  # two identical Monday 09:00–18:00 periods overlap
    page.click("#hours button[type=submit]")
    page.wait_for_selector("#hours > .result.error")
    assert "Opening periods overlap: Mon" in page.locator("#hours > .result").inner_text()
    assert list(station.opening_periods.values_list("weekday", "opens", "closes")) == periods


def test_a_lost_connection_is_said_and_nothing_changes(station, open_page):
    page = managers_page(open_page, station, "zhao")
    page.route("**/api/v1/stations/**", lambda route: route.abort())
    page.locator("#station-status select").select_option("temporarily_closed")
    page.locator("#station-status button").click()
    page.wait_for_selector("#station-status .result.error")
    assert "No connection" in page.locator("#station-status .result").inner_text()
    assert Station.objects.get(pk=station.pk).status == "open"


def test_a_manager_adds_and_removes_amenities_and_edits_phone_seats_notes(station, open_page):
    page = managers_page(open_page, station, "qian")
    add = page.locator("#add-amenity")
    option = add.locator("select[name=amenity] option").first
    code, name = option.get_attribute("value"), option.inner_text()
    add.locator("select[name=amenity]").select_option(code)
    add.locator("input[name=details]").fill("二楼")
    add.locator("button[type=submit]").click()
    add.locator(".result.saved").wait_for()
    public = page.locator(f".amenity-list [data-amenity={code}]")
    assert name in public.inner_text() and "二楼" in public.inner_text()  # no reload
    assert station.amenities.filter(amenity_id=code).exists()
    assert add.locator(f"option[value={code}]").count() == 0

    added = page.locator(f".amenity-form[data-amenity={code}]")
    added.locator("select").select_option("limited")
    added.locator("button[type=submit]").click()
    added.locator(".result.saved").wait_for()  # a form added on the page works too
    added.locator(".remove-amenity").click()
    page.wait_for_selector(f".amenity-form[data-amenity={code}]", state="detached")
    assert page.locator(f".amenity-list [data-amenity={code}]").count() == 0
    assert not station.amenities.filter(amenity_id=code).exists()
    assert add.locator(f"option[value={code}]").count() == 1

    details = page.locator("#station-details")
    details.locator("[name=phone]").fill("0755-8888 6666")
    details.locator("[name=seats]").fill("12")
    details.locator("[name=notes]").fill("夜间请走北门")
    details.locator("button[type=submit]").click()
    details.locator(".result.saved").wait_for()
    saved = Station.objects.get(pk=station.pk)
    assert (saved.phone, saved.seats, saved.notes) == ("0755-8888 6666", 12, "夜间请走北门")
    details.locator("[name=seats]").fill("-3")  # the browser says so before sending
    assert details.locator("[name=seats]").evaluate("input => input.validity.valid") is False


def test_a_refused_period_is_marked_on_its_own_row(station, open_page):
    page = managers_page(open_page, station, "sun")
    while page.locator("#weekly .period").count():  # a week with only the new period
        page.locator("#weekly .period .remove").first.click()
    page.click("#weekly .day[data-weekday='2'] .add-to-day")
    row = page.locator("#weekly .period").last
    row.locator("[name=opens]").fill("22:00")
    row.locator("[name=closes]").fill("06:00")  # past midnight, but not ticked
    page.click("#hours button[type=submit]")
    page.wait_for_selector("#hours > .result.error")
    assert row.get_attribute("aria-invalid") == "true"
    assert "past midnight" in row.locator(".row-error").inner_text()
    assert page.locator("#weekly .period[aria-invalid]").count() == 1  # only that row
    row.locator("[name=overnight]").check()
    page.click("#hours button[type=submit]")
    page.wait_for_selector("#hours > .result.saved")
    assert row.locator(".row-error").count() == 0


def test_the_week_at_once_monday_to_friday_or_round_the_clock(station, open_page):
    page = managers_page(open_page, station, "zhou")
    while page.locator("#weekly .period").count():
        page.locator("#weekly .period .remove").first.click()
    assert page.locator("#weekly .closed-day:visible").count() == 7
    page.click("#weekly .day[data-weekday='0'] .add-to-day")
    monday = page.locator("#weekly .day[data-weekday='0'] .period")
    monday.locator("[name=opens]").fill("08:00")
    monday.locator("[name=closes]").fill("20:00")
    page.click("#copy-monday")
    assert page.locator("#weekly .closed-day:visible").count() == 2  # Saturday, Sunday
    page.click("#hours button[type=submit]")
    page.wait_for_selector("#hours > .result.saved")
    week = sorted(station.opening_periods.values_list("weekday", "opens", "closes"))
    assert week == [(day, dt.time(8), dt.time(20)) for day in range(5)]

    page.click("#all-day")
    assert page.locator("#weekly .period").count() == 7
    with page.expect_response(lambda r: r.request.method == "PATCH"):
        page.click("#hours button[type=submit]")
    page.wait_for_selector("#hours > .result.saved")
    week = sorted(station.opening_periods.values_list("weekday", "opens", "closes"))
    assert week == [(day, dt.time(0), dt.time(0)) for day in range(7)]
    page.wait_for_function(  # the public part follows
        "() => document.getElementById('open-state').textContent === 'Open now'"
    )


def test_a_manager_promises_longer_hours_and_mung_bean_soup_during_heat_warnings(
    station, open_page
):
    page = managers_page(open_page, station, "re")
    heat = page.locator("#during_warnings .period[data-warning=heat]")
    heat.locator("[name=opens]").fill("07:00")  # no closing time
    page.click("#hours button[type=submit]")
    page.wait_for_selector("#hours > .result.error")
    assert heat.get_attribute("aria-invalid") == "true"
    assert page.locator("#during_warnings .period[aria-invalid]").count() == 1
    heat.locator("[name=closes]").fill("22:00")
    heat.locator("[name=services]").fill("绿豆汤、藿香正气水")
    page.click("#hours button[type=submit]")
    page.wait_for_selector("#hours > .result.saved")
    rule = station.warning_rules.get()
    assert (rule.kind, rule.opens, rule.closes, rule.services) == (
        "heat",
        dt.time(7),
        dt.time(22),
        "绿豆汤、藿香正气水",
    )
    page.reload()
    said = page.locator("#details .warning-rule[data-warning=heat]").inner_text()
    assert said == "During heat warnings: also open 07:00–22:00; extra services: 绿豆汤、藿香正气水"
