"""Demo check-ups, all invented (is_synthetic) after real programmes, over the eight weeks after
loading:

- a health caravan touring 兰州, 庆阳, 武威, 平凉, 张掖 and 白银, after the 2022 “关爱健康·互助互济”
  free check-ups of the China Workers' Mutual Insurance Association's Lanzhou office (the Gansu
  union's 2022 report): for insured members' representatives, with the report's items
  (生化全项, 腹部和心脏彩超, 肿瘤因子早期检测), building a health record;
- screening days at Shenzhen and Xiamen stations, of the kinds the Shenzhen union names
  (《工人日报》, 9 April 2024: 安全义修, 中医义诊, 大病筛查, 两癌筛查, 心理咨询, first-aid
  training). The reports give no list of tests for these: each day's item is the kind itself.

Vans, places, dates, times and capacities are invented. Dates are relative to the day of
loading so the demo never runs out of upcoming events; a second load while synthetic events
are still upcoming adds nothing."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone

from core.localtime import LOCAL_TZ
from services.checkups.models import CheckupEvent, Van
from stations.models import Station

WEEKS = 8
SEED = 20261124
CARAVAN_ITEMS = ["生化全项", "腹部彩超", "心脏彩超", "肿瘤因子早期检测"]
CARAVAN_NOTE = (
    "在保会员代表（快递员、网约配送员、货车司机等新就业形态劳动者），免费，建立健康档案。"
    "演示数据，仿照2022年“关爱健康·互助互济”公益体检活动。"
)
GANSU_ORGANISER = "中国职工保险互助会兰州办事处"
SHENZHEN_ORGANISER = "深圳市总工会"
XIAMEN_ORGANISER = "厦门市总工会"
# (name, depot lon, lat, depot address, cities toured)
CARAVAN_VANS = [
    ("甘肃健康大篷车1号", 103.8343, 36.0611, "兰州市城关区", ["庆阳市", "平凉市", "白银市"]),
    ("甘肃健康大篷车2号", 103.8343, 36.0611, "兰州市城关区", ["武威市", "张掖市", "兰州市"]),
]
# (kind, items, women only, capacity, share of the screening days)
SCREENING_DAYS = [
    ("tcm_clinic", ["中医义诊"], False, 40, 3),
    ("two_cancer_screening", ["两癌筛查"], True, 30, 2),
    ("major_disease_screening", ["大病筛查"], False, 40, 2),
    ("counselling", ["心理咨询"], False, 15, 1),
    ("first_aid_training", ["外伤处置", "AED设备使用"], False, 30, 1),
    ("safety_repair", ["安全义修"], False, 30, 1),
]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LOCAL_TZ)


def _working_days(first: dt.date) -> list[dt.date]:
    days = (first + dt.timedelta(days=i) for i in range(7 * WEEKS))
    return [day for day in days if day.weekday() < 5]


def _caravan(first: dt.date) -> list[CheckupEvent]:
    events = []
    for name, lon, lat, address, cities in CARAVAN_VANS:
        van, _ = Van.objects.get_or_create(
            name=name,
            defaults={
                "organiser": GANSU_ORGANISER,
                "depot": Point(lon, lat, srid=4326),
                "depot_address": address,
                "day_starts": dt.time(8, 30),
                "day_ends": dt.time(17, 30),
                "checkups_per_hour": 10,
                "days_off": [5, 6],
                "is_synthetic": True,
            },
        )
        stops = list(Station.objects.filter(city__in=cities).order_by("city", "code"))
        for n, day in enumerate(_working_days(first)):
            station = stops[n % len(stops)]
            events.append(
                CheckupEvent(
                    kind_id="general_checkup",
                    station=station,
                    location=station.location,
                    address=station.address,
                    starts_at=_at(day, 9),
                    ends_at=_at(day, 16),
                    capacity=60,
                    organiser=GANSU_ORGANISER,
                    van=van,
                    members_only=True,
                    eligibility_note=CARAVAN_NOTE,
                    items=CARAVAN_ITEMS,
                )
            )
    return events


def _screening_days(first: dt.date, city: str, organiser: str, count: int) -> list[CheckupEvent]:
    rng = random.Random(f"{SEED}-{city}")
    stations = list(Station.objects.filter(city=city).order_by("code"))
    days = [first + dt.timedelta(days=i) for i in range(7 * WEEKS)]
    weights = [share for *_, share in SCREENING_DAYS]
    events = []
    for _ in range(count):
        kind, items, women_only, capacity, _share = rng.choices(SCREENING_DAYS, weights)[0]
        station, day = rng.choice(stations), rng.choice(days)
        hour = rng.choice([9, 14])
        events.append(
            CheckupEvent(
                kind_id=kind,
                station=station,
                location=station.location,
                address=station.address,
                starts_at=_at(day, hour),
                ends_at=_at(day, hour + 3),
                capacity=capacity,
                organiser=organiser,
                women_only=women_only,
                members_only=kind == "two_cancer_screening",
                eligibility_note="女职工" if women_only else "户外劳动者、新就业形态劳动者",
                items=items,
            )
        )
    return events


@transaction.atomic
def checkup_demo_load(*, today: dt.date | None = None) -> int:
    """Create the demo events unless synthetic ones are still upcoming; how many were made."""
    if CheckupEvent.objects.filter(is_synthetic=True, starts_at__gt=timezone.now()).exists():
        return 0
    first = (today or timezone.localdate()) + dt.timedelta(days=1)
    events = [
        *_caravan(first),
        *_screening_days(first, "深圳市", SHENZHEN_ORGANISER, 60),
        *_screening_days(first, "厦门市", XIAMEN_ORGANISER, 15),
    ]
    for event in events:
        event.is_synthetic = True
    CheckupEvent.objects.bulk_create(events)
    return len(events)
