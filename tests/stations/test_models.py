import pytest
from django.contrib.gis.geos import Point
from django.db import IntegrityError, connection, transaction

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
