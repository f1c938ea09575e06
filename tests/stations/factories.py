import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from core.roles import Role
from stations.models import AdminArea, OpeningException, OpeningPeriod, Station, StationAmenity


class StationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Station

    code = factory.Sequence(lambda n: f"T-{n:05d}")
    name = factory.Sequence(lambda n: f"测试驿站{n}")
    name_en = factory.Sequence(lambda n: f"Test Station {n}")
    address = "深圳市南山区粤海街道科技路1号"
    city = "深圳市"
    district = "南山区"
    location = factory.LazyFunction(lambda: Point(113.94, 22.54, srid=4326))
    kind = Station.Kind.UNION_STATION
    status = Station.Status.OPEN


class StationAmenityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StationAmenity

    station = factory.SubFactory(StationFactory)
    amenity_id = "drinking_water"
    status = StationAmenity.Status.AVAILABLE


class OpeningPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningPeriod

    station = factory.SubFactory(StationFactory)
    weekday = 0
    opens = dt.time(8)
    closes = dt.time(20)


class OpeningExceptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningException

    station = factory.SubFactory(StationFactory)
    date = dt.date(2026, 12, 25)
    closed = True


class AdminAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdminArea

    code = factory.Sequence(lambda n: f"T{n:05d}")
    name = "福田区"
    name_en = "Futian District"
    city = "深圳市"
    city_en = "Shenzhen"
    province = "广东省"
    boundary = factory.LazyFunction(
        lambda: MultiPolygon(Polygon.from_bbox((113.99, 22.49, 114.02, 22.51)), srid=4326)
    )
    source = "test square"


class UserFactory(factory.django.DjangoModelFactory):
    """A user with the given ``roles`` (group names of core.roles.Role)."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            self.groups.add(Group.objects.get(name=role))


def manager_of(*stations, **kwargs):
    """A station manager assigned to ``stations``."""
    user = UserFactory(roles=[Role.STATION_MANAGER], **kwargs)
    for station in stations:
        station.managers.add(user)
    return user
