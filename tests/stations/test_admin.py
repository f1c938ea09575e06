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


def test_the_role_groups_exist_after_migrate():
    from django.contrib.auth.models import Group

    names = set(Group.objects.values_list("name", flat=True))
    assert {"station_manager", "organiser", "administrator"} <= names
    organiser = Group.objects.get(name="organiser")
    assert organiser.permissions.filter(codename="change_van").exists()


def test_an_administrator_assigns_managers_and_the_change_is_in_the_history(admin_client):
    from django.contrib.auth import get_user_model

    from stations.models import StationChange
    from tests.stations.factories import UserFactory

    station = StationFactory(code="SZ-ADM", seats=3)
    manager = UserFactory(roles=["station_manager"])
    url = reverse("admin:stations_station_change", args=[station.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in {"managers", "location"}
    }
    data |= {
        "location": station.location.json,
        "managers": [manager.pk],
        "seats": 8,
        "last_verified_at_0": "",
        "last_verified_at_1": "",
    }
    for prefix in [
        "amenities",
        "opening_periods",
        "opening_exceptions",
        "warning_rules",
        "changes",
    ]:
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    station.refresh_from_db()
    assert list(station.managers.all()) == [manager]
    change = StationChange.objects.get(station=station)
    assert change.source == "admin"
    assert change.actor == get_user_model().objects.get(username="admin")
    assert change.changes["seats"] == {"before": 3, "after": 8}
    page = admin_client.get(url).content.decode()
    assert "SZ-ADM" in page and "seats" in page  # the history inline


def test_the_admin_map_loads_openlayers_from_local_static_files(admin_client):
    import re

    station = StationFactory()
    page = admin_client.get(reverse("admin:stations_station_change", args=[station.pk]))
    html = page.content.decode()
    assert "/static/core/vendor/ol/ol.js" in html
    assert re.findall(r'(?:src|href)="(https?://[^"]+)"', html) == []
