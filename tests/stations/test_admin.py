import pytest
from django.urls import reverse

from tests.stations.factories import StationAmenityFactory, StationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_zh(admin_client):
    return admin_client


def test_changelist_filters_by_city_district_kind_amenity_and_status(admin_client):
    kept = StationFactory(name="沙头驿站", city="深圳市", district="福田区")
    StationAmenityFactory(station=kept, amenity_id="ebike_charging")
    StationFactory(name="西乡驿站", city="深圳市", district="宝安区")
    url = reverse("admin:stations_station_changelist")

    response = admin_client.get(
        url,
        {
            "city": "深圳市",
            "district": "福田区",
            "kind": "union_station",
            "amenity": "ebike_charging",
            "status": "open",
        },
    )

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [kept]


@pytest.mark.parametrize("term", ["沙头", "SZ-FT-9", "科技路"])
def test_changelist_searches_name_code_and_address(admin_client, term):
    kept = StationFactory(name="沙头驿站", code="SZ-FT-9", address="深圳市福田区科技路1号")
    StationFactory(name="西乡驿站", code="SZ-BA-1", address="深圳市宝安区建设路2号")
    response = admin_client.get(reverse("admin:stations_station_changelist"), {"q": term})
    assert list(response.context["cl"].result_list) == [kept]


def test_change_form_has_a_map_widget(admin_client):
    station = StationFactory()
    response = admin_client.get(reverse("admin:stations_station_change", args=[station.pk]))
    assert response.status_code == 200
    assert "OpenLayers" in str(response.content) or "ol.js" in response.content.decode()
