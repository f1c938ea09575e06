import json
import shutil

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count

from stations.demo_data import FIXTURES_DIR
from stations.models import AdminArea, Amenity, OpeningPeriod, Station, StationAmenity

SHENZHEN_DISTRICTS = {
    "福田区",
    "罗湖区",
    "南山区",
    "宝安区",
    "龙岗区",
    "盐田区",
    "龙华区",
    "坪山区",
    "光明区",
    "大鹏新区",
}


def table_counts() -> dict[str, int]:
    models = (AdminArea, Station, StationAmenity, OpeningPeriod)
    return {m.__name__: m.objects.count() for m in models}


def test_demo_data_has_enough_stations_in_every_city(demo_data):
    assert demo_data.created == Station.objects.count() >= 1200
    by_city = dict(Station.objects.values_list("city").annotate(n=Count("id")))
    assert by_city["深圳市"] >= 1100
    assert by_city["厦门市"] >= 70
    for city in ("兰州市", "庆阳市", "武威市", "平凉市", "张掖市", "白银市", "西安市"):
        assert by_city[city] >= 3, city
    sz_districts = set(Station.objects.filter(city="深圳市").values_list("district", flat=True))
    assert sz_districts == SHENZHEN_DISTRICTS


def test_shenzhen_stations_follow_where_people_live(demo_data):
    counts = dict(
        Station.objects.filter(city="深圳市").values_list("district").annotate(n=Count("id"))
    )
    assert counts["宝安区"] > counts["龙岗区"] > counts["南山区"] > counts["盐田区"]
    assert counts["大鹏新区"] < counts["坪山区"] < counts["光明区"]


def test_every_station_lies_inside_its_own_district_polygon(demo_data):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT s.code, s.district FROM stations_station s
            LEFT JOIN stations_adminarea a ON a.city = s.city AND a.name = s.district
            WHERE a.id IS NULL OR NOT ST_Within(s.location, a.boundary)
            """
        )
        outside = cursor.fetchall()
        cursor.execute(
            "SELECT count(*) FROM stations_station s JOIN stations_adminarea a"
            " ON a.city = s.city AND a.name = s.district AND ST_Within(s.location, a.boundary)"
            " WHERE s.city = '深圳市'"
        )
        (inside_shenzhen,) = cursor.fetchone()
    assert outside == []
    assert inside_shenzhen >= 1100


def test_the_districts_of_a_city_do_not_overlap_and_no_station_lies_in_another(demo_data):
    """龙岗区's boundary once still held 大鹏新区's polygon: 96 stations named 龙岗区 stood in
    大鹏 (SZ-0304 at 114.438, 22.610)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT a.name, b.name,
                   ST_Area(ST_Intersection(a.boundary, b.boundary)::geography)
              FROM stations_adminarea a
              JOIN stations_adminarea b ON a.city = b.city AND a.id < b.id
             WHERE ST_Intersects(a.boundary, b.boundary)
            """
        )
        overlaps = [(a, b, area) for a, b, area in cursor.fetchall() if area > 10_000]
        cursor.execute(
            """
            SELECT s.code, s.district, o.name FROM stations_station s
              JOIN stations_adminarea o ON o.city = s.city AND o.name <> s.district
             WHERE ST_Within(s.location, o.boundary)
            """
        )
        elsewhere = cursor.fetchall()
    assert overlaps == []  # shared edges only: at most a hectare of simplification slivers
    assert elsewhere == []


def test_codes_are_unique_and_amenity_codes_exist_in_the_catalogue(demo_data):
    features = json.loads((FIXTURES_DIR / "stations.geojson").read_text())["features"]
    codes = [f["properties"]["code"] for f in features]
    assert len(codes) == len(set(codes)) == Station.objects.count()
    used = {a["code"] for f in features for a in f["properties"]["amenities"]}
    catalogue = set(Amenity.objects.values_list("code", flat=True))
    assert used <= catalogue
    assert len(used) >= 15


def test_demo_data_varies_like_a_real_network(demo_data):
    always_open = (
        Station.objects.filter(opening_periods__opens="00:00", opening_periods__closes="00:00")
        .annotate(n=Count("opening_periods"))
        .filter(n=7)
        .count()
    )
    weekdays_only = Station.objects.annotate(n=Count("opening_periods")).filter(n=5).count()
    over_midnight = OpeningPeriod.objects.filter(closes__lt="06:00", opens__gt="06:00").count()
    assert always_open > 100
    assert weekdays_only > 50
    assert over_midnight > 0
    assert Station.objects.filter(status=Station.Status.TEMPORARILY_CLOSED).exists()
    assert StationAmenity.objects.filter(status=StationAmenity.Status.OUT_OF_SERVICE).exists()
    assert Station.objects.filter(opening_exceptions__isnull=False).exists()
    assert not Station.objects.filter(is_synthetic=False).exists()


def test_xiamen_gansu_and_xian_have_their_service_centres(demo_data):
    xiamen = Station.objects.filter(city="厦门市")
    assert xiamen.filter(kind=Station.Kind.RIGHTS_CENTRE).count() == 1
    assert xiamen.filter(kind=Station.Kind.SERVICE_POINT, name__contains="益鹭保").count() >= 40
    love = xiamen.filter(kind=Station.Kind.LOVE_STATION)
    assert love.filter(amenities__amenity="free_meal").count() == love.count() >= 20
    assert love.filter(amenities__details="免费矿泉水").count() == love.count()
    for city in ("兰州市", "庆阳市", "武威市", "平凉市", "张掖市", "白银市", "西安市"):
        assert Station.objects.filter(city=city, kind=Station.Kind.UNION_SERVICE_CENTRE).exists()
    assert (
        Station.objects.get(city="西安市", kind="union_service_centre").name
        == "中国职工保险互助会西安办事处"
    )


@pytest.mark.django_db
def test_loading_twice_adds_nothing():
    call_command("load_demo_data", verbosity=0)
    first = table_counts()
    call_command("load_demo_data", verbosity=0)
    assert table_counts() == first
    assert first["Station"] >= 1200


@pytest.mark.django_db
def test_a_corrupted_row_stops_the_loader_naming_the_row_and_writes_nothing(tmp_path):
    shutil.copy(FIXTURES_DIR / "boundaries.geojson", tmp_path)
    collection = json.loads((FIXTURES_DIR / "stations.geojson").read_text())
    collection["features"][499]["geometry"]["coordinates"] = [114.0, 95.0]
    collection["features"][899]["properties"]["amenities"].append({"code": "jacuzzi"})
    (tmp_path / "stations.geojson").write_text(json.dumps(collection))
    before = table_counts()

    with pytest.raises(CommandError) as error:
        call_command("load_demo_data", directory=tmp_path, verbosity=0)

    message = str(error.value)
    code_500 = collection["features"][499]["properties"]["code"]
    assert f"row 500 ({code_500}): location:" in message
    assert "row 900" in message and "jacuzzi" in message
    assert "nothing loaded" in message
    assert table_counts() == before


@pytest.mark.django_db
def test_an_unreadable_fixture_is_a_clear_error(tmp_path):
    (tmp_path / "boundaries.geojson").write_text("{not json")
    (tmp_path / "stations.geojson").write_text("{}")
    with pytest.raises(CommandError, match=r"boundaries.geojson: not a readable GeoJSON"):
        call_command("load_demo_data", directory=tmp_path, verbosity=0)


def test_the_xiamen_rights_centre_is_led_by_the_bureau_and_says_where_and_what(demo_data):
    # Xiamen report (2023-09-13): "该中心由市人社局牵头,市总工会、市司法局协同"; "提供案件受理、
    # 纠纷调解、法律援助等一站式权益保障服务"; "劳动力市场大厦二楼大厅窗口".
    centre = Station.objects.get(kind="rights_centre", city="厦门市")
    assert centre.operator.startswith("厦门市人力资源和社会保障局")
    assert "劳动力市场大厦二楼" in centre.notes and "法律援助" in centre.notes
    assert centre.is_synthetic  # the point and street address are invented
