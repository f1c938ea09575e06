import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.db import IntegrityError, connection, transaction

from stations.models import Amenity, OpeningPeriod, Station, StationAmenity
from tests.stations.factories import (
    OpeningExceptionFactory,
    OpeningPeriodFactory,
    StationAmenityFactory,
    StationFactory,
)

pytestmark = pytest.mark.django_db


def test_station_codes_are_unique():
    StationFactory(code="SZ-1")
    with pytest.raises(IntegrityError):
        StationFactory(code="SZ-1")


def test_an_amenity_appears_once_per_station():
    station = StationFactory()
    StationAmenityFactory(station=station, amenity_id="toilet")
    with pytest.raises(IntegrityError):
        StationAmenityFactory(station=station, amenity_id="toilet")


def test_an_amenity_must_exist_in_the_catalogue():
    with pytest.raises(IntegrityError), transaction.atomic():
        StationAmenityFactory(amenity_id="jacuzzi")
        connection.check_constraints()  # foreign keys are checked at commit otherwise


@pytest.mark.parametrize("lon, lat", [(181.0, 22.5), (-180.5, 0.0), (114.0, 90.1), (0.0, -91.0)])
def test_coordinates_outside_wgs84_ranges_are_refused_by_the_database(lon, lat):
    with pytest.raises(IntegrityError, match="station_location_in_wgs84_range"):
        StationFactory(location=Point(lon, lat, srid=4326))


def test_weekday_is_0_to_6():
    with pytest.raises(IntegrityError, match="openingperiod_weekday_0_6"):
        OpeningPeriodFactory(weekday=7)


def test_an_exception_is_either_closed_or_has_hours():
    with pytest.raises(IntegrityError, match="openingexception_closed_or_hours"):
        OpeningExceptionFactory(closed=False)


def test_location_has_a_gist_index():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'stations_station'"
            " AND indexdef ILIKE '%USING gist (location)%'"
        )
        assert cursor.fetchone() is not None


def test_the_amenity_catalogue_is_seeded_in_both_languages():
    from stations.models import Amenity

    codes = set(Amenity.objects.values_list("code", flat=True))
    required = {
        "seating",
        "drinking_water",
        "hot_water",
        "phone_charging",
        "ebike_charging",
        "battery_swap",
        "microwave",
        "free_meal",
        "toilet",
        "cooling",
        "heating",
        "first_aid",
        "aed",
        "wifi",
        "rain_gear",
        "repair_tools",
        "reading",
        "legal_aid",
        "counselling",
    }
    assert required <= codes
    assert not Amenity.objects.filter(name="").exists()
    assert not Amenity.objects.filter(name_en="").exists()


def version_of(station) -> int:
    return Station.objects.values_list("version", flat=True).get(pk=station.pk)


def test_every_change_to_a_station_or_its_amenities_and_hours_raises_its_version():
    station = StationFactory()
    other = StationFactory()
    seen = [version_of(station)]

    def changed() -> bool:
        seen.append(version_of(station))
        return seen[-1] > seen[-2]

    Station.objects.filter(pk=station.pk).update(phone="0755-1234")
    assert changed()
    amenity = StationAmenityFactory(station=station, amenity_id="toilet")
    assert changed()
    StationAmenity.objects.filter(pk=amenity.pk).update(status="out_of_service")
    assert changed()
    period = OpeningPeriodFactory(station=station, weekday=0)
    assert changed()
    OpeningPeriod.objects.filter(pk=period.pk).delete()
    assert changed()
    OpeningExceptionFactory(station=station, date=dt.date(2026, 12, 25), closed=True)
    assert changed()
    Amenity.objects.filter(code="toilet").update(name_en="Toilets")
    assert changed()
    assert version_of(other) == 1  # untouched


def test_moving_an_amenity_row_to_another_station_raises_both_versions():
    first, second = StationFactory(), StationFactory()
    amenity = StationAmenityFactory(station=first, amenity_id="wifi")
    before = version_of(first), version_of(second)
    StationAmenity.objects.filter(pk=amenity.pk).update(station=second)
    assert version_of(first) > before[0] and version_of(second) > before[1]
