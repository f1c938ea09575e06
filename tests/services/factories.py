import datetime as dt

import factory
from django.contrib.gis.geos import Point
from django.utils import timezone

from services.checkups.models import Booking, CheckupEvent, Van
from services.checkups.services import booking_create


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


def booked_event_held_at(
    starts_at: dt.datetime, *, phones: tuple[str, ...] = (), hours: float = 3, **fields
) -> tuple[CheckupEvent, list[Booking]]:
    """An event booked by ``phones`` while it was still to come (those beyond its capacity on
    its waiting list), then moved to ``starts_at`` as if time had passed: how an event that
    has started or is over comes to have bookings."""
    event = CheckupEventFactory(**fields)
    bookings = [
        booking_create(event_id=event.pk, phone=phone, join_waiting_list=True) for phone in phones
    ]
    CheckupEvent.objects.filter(pk=event.pk).update(
        starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=hours)
    )
    event.refresh_from_db()
    return event, bookings
