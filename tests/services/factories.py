import datetime as dt

import factory
from django.contrib.gis.geos import Point
from django.utils import timezone

from services.checkups.models import CheckupEvent, Van


class VanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Van

    name = factory.Sequence(lambda n: f"体检车{n}号")
    organiser = "测试工会"
    depot = Point(103.83, 36.06, srid=4326)
    day_starts = dt.time(8, 30)
    day_ends = dt.time(17, 30)
    checkups_per_hour = 10


class CheckupEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckupEvent

    kind_id = "general_checkup"
    location = Point(114.0, 22.5, srid=4326)
    address = "测试地址"
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=2))
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + dt.timedelta(hours=3))
    capacity = 30
    organiser = "测试工会"
