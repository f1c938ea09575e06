"""Benefit schemes: the evaluator over each real scheme's boundary cases (table-driven), the
API's answer to the worker in the issue, claim points, and a new city's scheme as data only."""

import datetime as dt
import json
import re

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.core.management import call_command
from django.db import connection
from django.test import Client
from geographiclib.geodesic import Geodesic

from services.benefits.eligibility import Worker
from services.benefits.models import BenefitScheme
from services.benefits.selectors import assess, benefit_schemes
from services.benefits.services import benefit_schemes_load
from stations.models import Station
from tests.stations.factories import AdminAreaFactory

pytestmark = pytest.mark.django_db
ELIGIBLE = "/api/v1/benefits/eligible/"
TODAY = dt.date(2026, 11, 24)
PLACES = {
    "深圳市": ("广东省", "深圳市", "南山区"),
    "厦门市": ("福建省", "厦门市", "思明区"),
    "兰州市": ("甘肃省", "兰州市", "城关区"),
    "西安市": ("陕西省", "西安市", "雁塔区"),
    "镇安县": ("陕西省", "商洛市", "镇安县"),
    None: (None, None, None),
}


@pytest.fixture
def schemes(db):
    benefit_schemes_load()
    return benefit_schemes()


def worker(place="深圳市", occupation="food_delivery_rider", member=True, months=12, age=30):
    province, city, district = PLACES[place]
    return Worker(occupation, member, months, age, province, city, district, TODAY)


def verdicts(schemes, someone) -> dict[str, list[str]]:
    """Scheme code → the conditions not met ([] = covered), for the schemes of the region."""
    return {a.scheme.code: [r.condition for r in a.reasons] for a in assess(schemes, someone, {})}


CASES = [
    # (scheme, worker, expected conditions not met; None = not the worker's region)
    ("sz-e-road-guardian", worker(months=2), ["months_in_occupation"]),
    ("sz-e-road-guardian", worker(months=3), []),
    ("sz-e-road-guardian", worker(member=False), ["union_member"]),
    ("sz-e-road-guardian", worker(member=None), ["union_member"]),
    ("sz-e-road-guardian", worker(occupation="courier"), []),
    ("sz-e-road-guardian", worker(occupation="ride_hailing_driver"), []),
    ("sz-e-road-guardian", worker(occupation="freight_driver"), []),
    ("sz-e-road-guardian", worker(occupation="security_guard", months=1), ["occupation"]),
    ("sz-e-road-guardian", worker(place="厦门市"), None),
    ("sz-domestic-guardian", worker(occupation="domestic_worker", months=3), []),
    ("sz-domestic-guardian", worker(occupation="domestic_worker", months=2),
     ["months_in_occupation"]),
    ("sz-construction-guardian", worker(occupation="construction_worker"), []),
    ("sz-construction-guardian", worker(occupation="construction_worker", member=False),
     ["union_member"]),
    ("sz-sanitation-guardian", worker(occupation="sanitation_worker", months=3), []),
    ("sz-sanitation-guardian", worker(), ["occupation"]),
    ("xm-yilubao", worker(place="厦门市", age=15, member=False), ["age"]),
    ("xm-yilubao", worker(place="厦门市", age=16, member=False), []),
    ("xm-yilubao", worker(place="厦门市", age=65, occupation="truck_driver"), []),
    ("xm-yilubao", worker(place="厦门市", age=66), ["age"]),
    ("xm-yilubao", worker(place="厦门市", age=None), ["age"]),
    ("xm-yilubao", worker(place="深圳市"), None),
    ("gs-new-forms-mutual-aid", worker(place="兰州市", occupation="courier", member=False),
     ["union_member"]),  # members only: "为新就业形态劳动者会员…" (the Gansu report)
    ("gs-new-forms-mutual-aid", worker(place="兰州市", occupation="courier"), []),
    ("gs-new-forms-mutual-aid", worker(place="兰州市", occupation="security_guard"), []),
    ("gs-new-forms-mutual-aid", worker(place="兰州市", occupation="ride_hailing_driver"),
     ["occupation"]),
    ("gs-new-forms-mutual-aid", worker(place="西安市", occupation="courier"), None),
    ("xa-new-forms-gift-plan", worker(place="西安市", occupation="courier"), []),
    ("xa-new-forms-gift-plan", worker(place="西安市", occupation="care_worker"), ["occupation"]),
    ("zhenan-autumn-education-grant", worker(place="镇安县", member=True), []),
    ("zhenan-autumn-education-grant", worker(place="镇安县", member=False), ["union_member"]),
    ("zhenan-autumn-education-grant", worker(place="西安市"), None),
    ("cn-12351-hotline", worker(place=None, member=False, months=0, age=None), []),
    ("cn-12351-hotline", worker(place="厦门市"), []),
]  # fmt: skip


@pytest.mark.parametrize(("code", "someone", "unmet"), CASES)
def test_each_real_scheme_at_its_boundaries(schemes, code, someone, unmet):
    assert verdicts(schemes, someone).get(code) == unmet


def test_the_evaluator_says_what_would_change_it(schemes):
    by_code = {a.scheme.code: a for a in assess(schemes, worker(months=1, member=False), {})}
    reasons = {r.condition: r for r in by_code["sz-e-road-guardian"].reasons}
    assert reasons["months_in_occupation"].change == "还差 2 个月。"
    assert reasons["union_member"].change == "加入工会。"
    too_old = assess(schemes, worker(place="厦门市", age=70), {})
    (age,) = next(a for a in too_old if a.scheme.code == "xm-yilubao").reasons
    assert age.change is None  # nothing the worker can do


def test_a_scheme_that_has_ended_or_not_started_is_handled(schemes):
    BenefitScheme.objects.filter(code="sz-e-road-guardian").update(valid_to=TODAY)
    BenefitScheme.objects.filter(code="sz-domestic-guardian").update(
        valid_from=TODAY + dt.timedelta(days=10)
    )
    found = verdicts(benefit_schemes(), worker(occupation="domestic_worker"))
    assert found["sz-e-road-guardian"] == ["occupation"]  # still valid today
    assert found["sz-domestic-guardian"] == ["valid_from"]
    BenefitScheme.objects.filter(code="sz-e-road-guardian").update(
        valid_to=TODAY - dt.timedelta(days=1)
    )
    assert "sz-e-road-guardian" not in verdicts(benefit_schemes(), worker())


def test_loading_the_schemes_twice_changes_nothing(schemes):
    assert benefit_schemes_load() == (0, 9)
    assert BenefitScheme.objects.count() == 9


# The API -----------------------------------------------------------------------------------


def ask(language="zh-hans", **params):
    return Client(HTTP_ACCEPT_LANGUAGE=language).get(ELIGIBLE, params)


def test_the_worker_in_the_issue(demo_data, schemes):
    """Two months of food delivery in Shenzhen, a union member, 41."""
    for language, one_more in [("en", "1 more month."), ("zh-hans", "还差 1 个月。")]:
        body = ask(language, lat=22.54, lon=114.05, occupation="外卖骑手", union_member="true",
                   months_in_occupation=2, age=41).json()  # fmt: skip
        covered = [s["code"] for s in body["covered"]]
        waiting = {s["code"]: s for s in body["not_covered_yet"]}
        assert covered == ["cn-12351-hotline"]
        assert "xm-yilubao" not in covered and "xm-yilubao" not in waiting
        (reason,) = waiting["sz-e-road-guardian"]["reasons"]
        assert reason["condition"] == "months_in_occupation"
        assert reason["change"] == one_more
        assert body["worker"]["place"]["city"] == "深圳市"
        assert body["worker"]["occupation"]["code"] == "food_delivery_rider"
        # The schemes that could still cover them come before the other occupations' ones.
        assert next(iter(waiting)) == "sz-e-road-guardian"


@pytest.mark.parametrize("name", ["外卖骑手", "网约配送员", "food-delivery rider", "Delivery Rider",
                                  "food_delivery_rider"])  # fmt: skip
def test_occupation_by_code_or_any_synonym(schemes, name):
    AdminAreaFactory(city="深圳市")
    body = ask(city="深圳市", occupation=name).json()
    assert body["worker"]["occupation"]["code"] == "food_delivery_rider"


def test_a_non_member_is_told_where_to_join(demo_data, schemes):
    body = ask(lat=22.54, lon=114.05, occupation="courier", union_member="false",
               months_in_occupation=5).json()  # fmt: skip
    scheme = next(s for s in body["not_covered_yet"] if s["code"] == "sz-e-road-guardian")
    assert [r["condition"] for r in scheme["reasons"]] == ["union_member"]
    where = scheme["where_to_join_the_union"]
    assert where["distance_m"] > 0 and where["code"].startswith("SZ-")


def test_claim_points_are_the_nearest_in_the_region(demo_data, schemes):
    body = ask("en", lat=24.48, lon=118.09, occupation="courier", age=30).json()
    yilubao = next(s for s in body["covered"] if s["code"] == "xm-yilubao")
    points = yilubao["claim_points"]
    assert len(points) == 3
    assert all(p["kind"] in {"service_point", "rights_centre"} for p in points)
    distances = [p["distance_m"] for p in points]
    assert distances == sorted(distances)
    assert yilubao["cost"] == {"yuan_per_day": 0.4, "public_subsidy_yuan_per_day": 0.4,
                               "free": False}  # fmt: skip
    assert any(item["amount_yuan"] == 400000 for item in yilubao["cover"])


def test_a_gps_position_asked_about_on_an_amap_map(demo_data, schemes):
    """position_crs=wgs84 with crs=gcj02: the same claim points and distances as in WGS-84,
    drawn where Amap's tiles put them."""
    from core.coordinates import from_wgs84

    gps = {"lat": 24.48, "lon": 118.09, "occupation": "courier", "age": 30}
    plain = ask("en", **gps).json()
    amap = ask("en", **gps, crs="gcj02", position_crs="wgs84").json()

    def points(body):
        scheme = next(s for s in body["covered"] if s["code"] == "xm-yilubao")
        return scheme["claim_points"]

    assert [p["distance_m"] for p in points(amap)] == [p["distance_m"] for p in points(plain)]
    lon, lat = points(plain)[0]["location"]
    assert points(amap)[0]["location"] == pytest.approx(list(from_wgs84(lon, lat, "gcj02")))


def crossing_points(city: str, towards: tuple[float, float]) -> tuple[Point, Point]:
    """The last point inside the city and the first outside, 50 m apart, on the way from
    inside it towards ``towards``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(ST_Union(boundary)) p"
            " FROM stations_adminarea WHERE city = %s) c",
            [city],
        )
        lon, lat = cursor.fetchone()
    line = Geodesic.WGS84.InverseLine(lat, lon, towards[1], towards[0])
    previous = None
    for step in range(int(line.s13 // 50)):
        position = line.Position(step * 50)
        point = Point(position["lon2"], position["lat2"], srid=4326)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT bool_or(ST_Covers(boundary, %s::geometry)) FROM stations_adminarea"
                " WHERE city = %s",
                [point.ewkt, city],
            )
            if not cursor.fetchone()[0]:
                return previous, point
        previous = point
    raise AssertionError("never left the city")


def test_a_point_just_inside_or_just_outside_the_region(demo_data, schemes):
    inside, outside = crossing_points("厦门市", towards=(117.6, 24.5))
    near = ask(lat=inside.y, lon=inside.x, occupation="courier", age=30).json()
    assert "xm-yilubao" in [s["code"] for s in near["covered"]]
    far = ask(lat=outside.y, lon=outside.x, occupation="courier", age=30).json()
    assert [s["code"] for s in far["covered"]] == ["cn-12351-hotline"]
    assert far["worker"]["place"] is None and far["note"]


@pytest.mark.parametrize(
    ("params", "field", "text"),
    [
        ({"city": "深圳市", "occupation": "deliverer"}, "occupation", "food_delivery_rider"),
        ({"city": "深圳市", "occupation": "astronaut"}, "occupation", "courier"),
        ({"occupation": "courier"}, "city", ""),
        ({"city": "火星市", "occupation": "courier"}, "city", "深圳市"),
        ({"lat": 95, "lon": 114, "occupation": "courier"}, "lat", ""),
        ({"lat": 22.5, "occupation": "courier"}, "lon", ""),
        ({"city": "深圳市", "occupation": "courier", "age": -1}, "age", ""),
        ({"city": "深圳市", "occupation": "courier", "months_in_occupation": "two"},
         "months_in_occupation", ""),
        ({"city": "深圳市", "occupation": "courier", "union_member": "maybe"}, "union_member", ""),
    ],
)  # fmt: skip
def test_bad_input_is_400_naming_the_field(demo_data, schemes, params, field, text):
    response = ask("en", **params)
    assert response.status_code == 400
    assert text in " ".join(response.json()["errors"][field])


def test_the_catalogue_filters_by_region_and_occupation(schemes):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    xiamen = client.get("/api/v1/benefits/schemes/", {"region": "厦门市"}).json()
    assert [s["code"] for s in xiamen["results"]] == ["xm-yilubao"]
    riders = client.get("/api/v1/benefits/schemes/", {"occupation": "骑手"}).json()
    codes = {s["code"] for s in riders["results"]}
    assert {"sz-e-road-guardian", "xm-yilubao", "cn-12351-hotline"} <= codes
    assert "sz-domestic-guardian" not in codes
    scheme = BenefitScheme.objects.get(code="gs-new-forms-mutual-aid")
    detail = client.get(f"/api/v1/benefits/schemes/{scheme.pk}/").json()
    assert detail["name"] == "Gansu special mutual-aid plan for new-form workers"
    assert {item["amount_yuan"] for item in detail["cover"]} == {None}  # no limits published
    assert {case["amount_yuan"] for case in detail["paid_cases"]} == {150000, 75000, 50000}
    assert client.get("/api/v1/benefits/schemes/999999/").status_code == 404


def test_a_new_citys_scheme_is_a_data_change(schemes):
    AdminAreaFactory(code="330106", name="西湖区", city="杭州市", province="浙江省",
                     boundary=MultiPolygon(Polygon.from_bbox((120.0, 30.1, 120.2, 30.3)),
                                           srid=4326))  # fmt: skip
    scheme = BenefitScheme.objects.create(
        code="hz-riders", name="杭州骑手保障", name_en="Hangzhou riders' cover",
        operator="杭州市总工会", region_level="city", region_name="杭州市",
        min_months_in_occupation=1, min_age=18, enrolment="automatic",
        cover_items=[{"kind": "意外", "kind_en": "Accident", "amount_yuan": 10000}],
        source="test",
    )  # fmt: skip
    scheme.occupations.set(["food_delivery_rider"])
    body = ask(lat=30.2, lon=120.1, occupation="外卖员", months_in_occupation=1, age=18).json()
    assert {s["code"] for s in body["covered"]} == {"hz-riders", "cn-12351-hotline"}
    young = ask(lat=30.2, lon=120.1, occupation="外卖员", months_in_occupation=1, age=17).json()
    (reason,) = young["not_covered_yet"][0]["reasons"]
    assert reason["condition"] == "age"


def test_the_demo_command_loads_the_schemes(db):
    call_command("load_demo_benefits", verbosity=0)
    assert BenefitScheme.objects.count() == 9


# The facts of the schemes, each against the sentence of its source it comes from.


def scheme_output(code, language="zh-hans"):
    scheme = BenefitScheme.objects.get(code=code)
    return (
        Client(HTTP_ACCEPT_LANGUAGE=language).get(f"/api/v1/benefits/schemes/{scheme.pk}/").json()
    )


def test_shenzhen_claims_go_to_the_city_union_and_its_figures_are_a_paid_case(schemes):
    # 《工人日报》2024-04-09: "只要成为深圳工会会员并从事相关职业满3个月,
    # 发生意外或疾病后即可向市总工会申请专属保障金" — and
    # "工会提供了3万元援助,且每天报销200元住院费用" is one driver's case.
    # "深i工" is named there for prevention ("事前预防"), and 12351 not at all.
    body = scheme_output("sz-e-road-guardian")
    (channel,) = body["how_to_claim"]["channels"]
    assert "向市总工会申请专属保障金" in channel
    assert "深i工" not in json.dumps(body, ensure_ascii=False)
    assert "12351" not in json.dumps(body, ensure_ascii=False)
    assert all(item["amount_yuan"] is None for item in body["cover"])
    (case,) = body["paid_cases"]
    assert "3万元援助" in case["text"] and "200元" in case["text"]


def test_gansus_gift_is_for_members_a_quota_and_a_2022_programme(schemes):
    # Gansu report (2022): "投入1200万元为10万名新就业形态劳动者赠送专项互助保障"; "为新就业形态
    # 劳动者会员提供…"; the truck driver's "7.5万元的互助金" is a paid case, not hospital cover.
    body = scheme_output("gs-new-forms-mutual-aid")
    assert body["conditions"]["union_member_required"] is True
    assert body["enrolment"]["code"] == "gifted"
    assert "10万名" in body["validity"] and "是否仍有效待核实" in body["validity"]
    assert not any(item["amount_yuan"] for item in body["cover"])
    assert any(
        case["amount_yuan"] == 75000 and "货车司机" in case["text"] for case in body["paid_cases"]
    )


def test_xian_is_the_associations_office_and_its_gift_a_quota(schemes, demo_data):
    # Xi'an review: "中国职工保险互助会西安办事处(下称西安办事处)";
    # "为全市2万名新业态劳动者赠送互助保障计划".
    body = scheme_output("xa-new-forms-gift-plan")
    assert "中国职工保险互助会西安办事处" in body["operator"]
    assert "2万名" in body["validity"]
    assert Station.objects.filter(name="中国职工保险互助会西安办事处").exists()
    assert not Station.objects.filter(name__contains="陕西省职工互助保障协会").exists()


def test_12351_is_the_workers_rights_hotline(schemes):
    # Gansu report: "12351职工维权热线电话".
    assert scheme_output("cn-12351-hotline")["name"] == "12351职工维权热线"


def test_yilubao_insures_occupational_injury_by_the_day_and_says_how_to_enrol(schemes):
    # Xiamen report (2023-09-13): "灵活就业人员职业伤害保险";
    # "只要支付每人每天0.4元的保费,财政再给予0.4元/人/天的补贴";
    # "参保人员可通过手机扫码的形式实现线上投保".
    body = scheme_output("xm-yilubao")
    kinds = [item["kind"] for item in body["cover"]]
    assert kinds == ["职业伤害"] and "工伤" not in json.dumps(body, ensure_ascii=False)
    assert body["cost"] == {"yuan_per_day": 0.4, "public_subsidy_yuan_per_day": 0.4, "free": False}
    assert body["enrolment"]["code"] == "by_the_day" and "扫码" in body["enrolment"]["how"]


def test_sources_are_chinese_first_with_an_english_rendering(schemes):
    for scheme in BenefitScheme.objects.all():
        zh, en = scheme_output(scheme.code)["source"], scheme_output(scheme.code, "en")["source"]
        assert re.search(r"[\u4e00-\u9fff]", zh) and zh != en, scheme.code
        assert "valid_from" not in (scheme.illustrative_zh + scheme.illustrative_en)


def test_joining_the_union_points_to_the_union_and_says_one_can_join_alone(demo_data, schemes):
    # Xi'an review: "针对未建会企业里有入会意愿的新就业形态劳动者,可以个人名义申请入会。"
    body = ask(lat=22.54, lon=114.05, occupation="courier", union_member="false").json()
    waiting = [s for s in body["not_covered_yet"] if s["where_to_join_the_union"]]
    assert waiting
    for scheme in waiting:
        assert scheme["where_to_join_the_union"]["kind"] in {
            "union_service_centre",
            "union_station",
        }
        assert "以个人名义申请入会" in scheme["how_to_join_the_union"]


@pytest.mark.parametrize(("name", "offered"), [("清洁工", "环卫工人"), ("农民工", "建筑劳务工")])
def test_names_wider_than_a_schemes_trade_are_asked_about(schemes, name, offered):
    # 《工人日报》2024-04-09: the schemes are for "建筑劳务工人和市政环卫工人"; a cleaner or a
    # migrant worker is not necessarily either: the answer asks, offering the trades.
    response = ask(lat=22.54, lon=114.05, occupation=name)
    assert response.status_code == 400
    (message,) = response.json()["errors"]["occupation"]
    assert name in message and offered in message


# Where a worker stands with each scheme of their region: the five states, on worked examples.


def states(body) -> dict[str, str]:
    lists = ("covered", "not_covered_yet", "not_for_you")
    return {s["code"]: s["state"] for name in lists for s in body[name]}


def test_a_gansu_courier_who_is_not_a_member_is_not_yet_covered(demo_data, schemes):
    body = ask(city="兰州市", occupation="courier", union_member="false", age=30).json()
    gansu = next(s for s in body["not_covered_yet"] if s["code"] == "gs-new-forms-mutual-aid")
    assert gansu["state"] == "not_yet"
    assert [r["condition"] for r in gansu["reasons"]] == ["union_member"]
    member = ask("en", city="兰州市", occupation="courier", union_member="true", age=30).json()
    gift = next(s for s in member["covered"] if s["code"] == "gs-new-forms-mutual-aid")
    assert gift["state"] == "may_be_covered"  # given to 100,000 members: a quota
    assert "ask your union" in gift["next_step"]


def test_a_xiamen_courier_aged_30_can_enrol_in_yilubao_and_is_told_how(demo_data, schemes):
    body = ask(city="厦门市", occupation="courier", union_member="false", age=30).json()
    yilubao = next(s for s in body["covered"] if s["code"] == "xm-yilubao")
    assert yilubao["state"] == "can_enrol"
    assert "扫码" in yilubao["next_step"] and "0.4元" in yilubao["next_step"]
    assert body["distances_from"] == "厦门市的市中心"


def test_a_shenzhen_rider_of_two_months_is_not_yet_covered_and_told_why(demo_data, schemes):
    body = ask(
        lat=22.54,
        lon=114.05,
        occupation="外卖骑手",
        union_member="true",
        months_in_occupation=2,
        age=25,
    ).json()
    assert states(body)["sz-e-road-guardian"] == "not_yet"
    assert states(body)["sz-domestic-guardian"] == "not_for_you"  # another trade: listed apart
    apart = next(s for s in body["not_for_you"] if s["code"] == "sz-domestic-guardian")
    assert all("change" not in reason for reason in apart["reasons"])
    assert body["distances_from"] == "你的位置"


def test_a_shenzhen_sanitation_worker_is_covered_by_the_sanitation_guardian(demo_data, schemes):
    body = ask(
        city="深圳市", occupation="环卫工", union_member="true", months_in_occupation=12, age=50
    ).json()
    assert states(body)["sz-sanitation-guardian"] == "covered"
    assert states(body)["sz-e-road-guardian"] == "not_for_you"


def test_a_missing_age_says_so_instead_of_the_age_rule(demo_data, schemes):
    body = ask("en", city="厦门市", occupation="courier", union_member="false").json()
    yilubao = next(s for s in body["not_covered_yet"] if s["code"] == "xm-yilubao")
    (reason,) = yilubao["reasons"]
    assert reason["message"].startswith("Age not given") and reason["change"] == "Give your age."


def test_a_scheme_named_by_adcode_is_not_mistaken_for_a_namesake_anywhere_in_china(schemes):
    """朝阳区 is in Beijing and in Changchun: by name a scheme of one covers both; by adcode,
    only its own. A province's scheme by adcode covers its counties anywhere (Gansu's 敦煌)."""
    from stations.services import national_boundaries_load

    national_boundaries_load(only=["110105", "220104", "620982"])
    for code, region_code in (("by-name", ""), ("by-code", "220104")):
        scheme = BenefitScheme.objects.create(
            code=f"cc-{code}", name=f"朝阳区骑手保障{code}", name_en="Chaoyang riders' cover",
            operator="长春市朝阳区总工会", region_level="county", region_name="朝阳区",
            region_code=region_code, enrolment="automatic", source="test",
        )  # fmt: skip
        scheme.occupations.set(["food_delivery_rider"])
    covered = {}
    for city, (lon, lat) in (("beijing", (116.486, 39.921)), ("changchun", (125.288, 43.834))):
        body = ask(lat=lat, lon=lon, occupation="外卖员", months_in_occupation=6, age=30).json()
        covered[city] = {s["code"] for s in body["covered"]} & {"cc-by-name", "cc-by-code"}
    assert covered == {"beijing": {"cc-by-name"}, "changchun": {"cc-by-name", "cc-by-code"}}

    BenefitScheme.objects.filter(code="gs-new-forms-mutual-aid").update(region_code="620000")
    at_dunhuang = ask(lat=40.142, lon=94.662, occupation="外卖员", months_in_occupation=6,
                      age=30, union_member="true").json()  # fmt: skip
    assert "gs-new-forms-mutual-aid" in {s["code"] for s in at_dunhuang["covered"]}
