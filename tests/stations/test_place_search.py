"""Place search (``q=``) over every province, city and county: Chinese names with or without
their province and city, pinyin and English; a name several places share answers with the
first by adcode and lists the others; the answer says which geocoder found the place."""

import pytest
from django.test import Client

from stations.services import national_boundaries_load

pytestmark = pytest.mark.django_db

# Beijing and 朝阳区 in it, Changchun's 朝阳区, Liaoning's 朝阳市, Shenzhen and 福田区, Guangdong.
CODES = ["110000", "110105", "220100", "220104", "211300", "440000", "440300", "440304"]


@pytest.fixture(autouse=True)
def boundaries():
    national_boundaries_load(only=CODES)


def search(q: str) -> dict:
    answer = Client().get("/api/v1/stations/nearest/", {"q": q})
    assert answer.status_code == 200, answer.content
    return answer.json()["query"]


@pytest.mark.parametrize(
    ("q", "place"),
    [
        ("北京市朝阳区", "北京市朝阳区"),
        ("长春市朝阳区", "长春市朝阳区"),
        ("长春朝阳区", "长春市朝阳区"),
        ("长春市朝阳区", "长春市朝阳区"),
        ("福田区", "深圳市福田区"),
        ("福田", "深圳市福田区"),
        ("Futian", "深圳市福田区"),
        ("futian qu", "深圳市福田区"),
        ("Futian District", "深圳市福田区"),
        ("shenzhen", "深圳市"),
        ("深圳", "深圳市"),
        ("广东省", "广东省"),
        ("Guangdong", "广东省"),
        ("changchun chaoyang", "长春市朝阳区"),
    ],
)
def test_a_place_is_found_by_its_chinese_pinyin_or_english_name(q, place):
    said = search(q)
    assert (said["place"], said["place_source"]) == (place, "gazetteer")


def test_a_name_several_places_share_says_the_others():
    said = search("朝阳区")
    assert said["place"] == "北京市朝阳区"
    assert [other["place"] for other in said["alternatives"]] == ["长春市朝阳区"]
    pinyin = search("chaoyang qu")
    assert pinyin["place"] == "北京市朝阳区" and len(pinyin["alternatives"]) == 1
    both = search("朝阳")  # the stem: the city of 朝阳 (Liaoning) before the districts
    assert both["place"] == "朝阳市"
    assert {other["place"] for other in both["alternatives"]} == {
        "北京市朝阳区",
        "长春市朝阳区",
    }


def test_an_unknown_place_is_a_clear_error():
    answer = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/stations/nearest/", {"q": "Atlantis"})
    assert answer.status_code == 400 and "Atlantis" in answer.json()["errors"]["q"][0]


def test_the_clients_position_ranks_places_of_one_name():
    answer = Client().get(
        "/api/v1/stations/nearest/", {"q": "朝阳区", "near_lat": 43.88, "near_lon": 125.32}
    )
    said = answer.json()["query"]
    assert said["place"] == "长春市朝阳区"
    assert [other["place"] for other in said["alternatives"]] == ["北京市朝阳区"]
    from_beijing = Client().get(
        "/api/v1/stations/nearest/", {"q": "chaoyang qu", "near_lat": 39.9, "near_lon": 116.4}
    )
    assert from_beijing.json()["query"]["place"] == "北京市朝阳区"
    bad = Client().get("/api/v1/stations/nearest/", {"q": "朝阳区", "near_lat": 91})
    assert bad.status_code == 400 and "near_lat" in bad.json()["errors"]
