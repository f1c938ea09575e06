"""The benefits page in a real browser: the worker from the issue, in Chinese and in English,
claim points on the map, and nothing loaded from outside but map tiles."""

import pytest

from services.benefits.services import benefit_schemes_load

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def schemes(demo):
    benefit_schemes_load()


SELECTS = {"city", "occupation", "union_member"}


def ask(page, **fields):
    for name, value in fields.items():
        if name in SELECTS:
            page.select_option(f"[name={name}]", value)
        else:
            page.fill(f"[name={name}]", value)
    page.click("#worker button[type=submit]")
    page.wait_for_selector("#results article")


def test_the_worker_in_the_issue_in_chinese(schemes, open_page, outside_requests):
    page = open_page("/benefits/")
    assert page.locator("h1").inner_text() == "哪些保障覆盖我？"
    ask(
        page,
        city="深圳市",
        occupation="food_delivery_rider",
        union_member="true",
        months_in_occupation="2",
        age="41",
    )
    covered = page.locator("article.covered h3").all_inner_texts()
    assert covered == ["12351职工维权热线"]
    others = page.locator("ul.others").inner_text()  # other trades' schemes, listed apart
    assert "家政守护" in others and "还差" not in others
    e_road = page.locator("article.waiting[data-code=sz-e-road-guardian]")
    assert "还差 1 个月" in e_road.inner_text()
    assert page.locator("[data-code=xm-yilubao]").count() == 0
    assert all("tile.openstreetmap.org" in url for url in outside_requests), outside_requests
    # Readable on a 360 px phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_claim_points_appear_on_the_map_in_english(schemes, open_page, outside_requests):
    page = open_page("/benefits/", language="en")
    assert page.locator("h1").inner_text() == "Which schemes cover me?"
    ask(page, city="厦门市", occupation="courier", age="30")
    yilubao = page.locator("article.covered[data-code=xm-yilubao]")
    assert "Where to claim" in yilubao.inner_text()
    assert "You can enrol" in yilubao.inner_text() and "scanning" in yilubao.inner_text()
    assert yilubao.locator("li.station").count() == 3
    assert page.locator(".leaflet-interactive").count() >= 3  # the claim points' markers
    assert all("tile.openstreetmap.org" in url for url in outside_requests), outside_requests


def test_a_missing_place_is_said_on_the_page(schemes, open_page):
    page = open_page("/benefits/", language="en")
    page.click("#worker button[type=submit]")
    assert page.locator("#error").inner_text() == "Choose a city or use your position."


def test_a_lost_connection_is_said_on_the_page(schemes, open_page):
    page = open_page("/benefits/", language="en")
    page.route("**/api/v1/benefits/**", lambda route: route.abort())
    page.select_option("[name=city]", "深圳市")
    page.click("#worker button[type=submit]")
    page.wait_for_selector("#error:not([hidden])")
    assert page.locator("#error").inner_text().startswith("No connection")


def test_with_amap_tiles_the_claim_points_come_in_gcj02(schemes, open_page, settings):
    settings.YIZHAN_TILE_CRS = "gcj02"
    page = open_page(
        "/benefits/", language="en", geolocation={"latitude": 24.48, "longitude": 118.09}
    )
    page.click("#locate")
    page.wait_for_function("() => document.querySelector('[name=lat]').value !== ''")
    page.select_option("[name=occupation]", "courier")
    page.fill("[name=age]", "30")
    with page.expect_request(lambda r: "/benefits/eligible/" in r.url) as asked:
        page.click("#worker button[type=submit]")
    assert "crs=gcj02" in asked.value.url and "position_crs=wgs84" in asked.value.url
    page.wait_for_selector("#results article")
