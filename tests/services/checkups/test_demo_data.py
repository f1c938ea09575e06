import datetime as dt
import itertools
from collections import defaultdict

import pytest
from django.utils import timezone

from services.checkups.demo_data import checkup_demo_load
from services.checkups.models import CheckupEvent
from services.checkups.services import van_visit_problem

pytestmark = pytest.mark.django_db


def test_demo_checkups_cover_the_caravan_cities_and_the_next_eight_weeks(demo_data):
    created = checkup_demo_load(today=timezone.localdate())
    events = list(CheckupEvent.objects.select_related("station", "van"))
    assert created == len(events) > 100
    caravan = {e.station.city for e in events if e.van is not None}
    assert caravan == {"庆阳市", "武威市", "平凉市", "张掖市", "白银市", "兰州市"}
    assert {e.station.city for e in events if e.van is None} == {"深圳市", "厦门市"}
    now = timezone.now()
    assert all(now < e.starts_at < now + dt.timedelta(weeks=8, days=1) for e in events)
    assert all(e.location == e.station.location for e in events)
    assert all(e.women_only for e in events if e.kind_id == "two_cancer_screening")


def test_a_van_is_never_in_two_places_at_once(demo_data):
    checkup_demo_load()
    by_van = defaultdict(list)
    for event in CheckupEvent.objects.exclude(van=None).order_by("starts_at"):
        by_van[event.van_id].append(event)
    for visits in by_van.values():
        for before, after in itertools.pairwise(visits):
            assert before.ends_at <= after.starts_at


def test_loading_again_adds_nothing_while_demo_events_are_upcoming(demo_data):
    first = checkup_demo_load()
    assert first > 0 and checkup_demo_load() == 0
    assert CheckupEvent.objects.count() == first


def test_every_demo_van_visit_passes_the_van_rules(demo_data):
    checkup_demo_load()
    for visit in CheckupEvent.objects.exclude(van=None).select_related("van"):
        problem = van_visit_problem(
            van=visit.van, location=visit.location, starts_at=visit.starts_at,
            ends_at=visit.ends_at, moving=visit,
        )  # fmt: skip
        assert problem is None, (visit.pk, problem)


def test_the_caravan_is_the_lanzhou_offices_for_insured_members(demo_data):
    # Gansu report (2022): "中国职工保险互助会兰州办事处启动了2022年度“关爱健康·互助互济”新就业
    # 形态劳动者免费体检活动…在保会员代表…生化全项、腹部和心脏彩超、肿瘤因子早期检测…建立健康档案".
    checkup_demo_load()
    caravan = CheckupEvent.objects.exclude(van=None)
    assert caravan.exists()
    for event in caravan:
        assert event.organiser == "中国职工保险互助会兰州办事处"
        assert event.members_only and event.is_synthetic
        assert "在保会员代表" in event.eligibility_note and "健康档案" in event.eligibility_note
        assert event.items == ["生化全项", "腹部彩超", "心脏彩超", "肿瘤因子早期检测"]


def test_screening_days_offer_only_what_the_shenzhen_report_names(demo_data):
    # 《工人日报》2024-04-09: "安全义修""中医义诊""大病筛查""两癌筛查""健康体检""心理咨询", and
    # training in "外伤处置、AED设备使用"; no report lists the tests of a screening day.
    named = {"安全义修", "中医义诊", "大病筛查", "两癌筛查", "心理咨询", "外伤处置", "AED设备使用"}
    checkup_demo_load()
    days = CheckupEvent.objects.filter(van=None)
    assert days.exists()
    assert all(set(event.items) <= named for event in days)
