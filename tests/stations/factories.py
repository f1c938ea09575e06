import datetime as dt

import factory
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

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
