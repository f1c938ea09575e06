"""The quick reading of query strings gives what the serializer gives, or leaves it to DRF."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework import serializers

from core.fields import CrsInput, PositionInput
from core.quick_query import QuickQuery
from services.benefits.serializers import EligibleInput, SchemeFilterInput
from services.checkups.organiser_apis import EventFilterInput
from services.checkups.serializers import UpcomingInput
from services.hsds.apis import PackageInput, PageInput, ServicesInput
from stations.apis import ExportInput
from stations.serializers import (
    CoverageInput,
    DetailInput,
    MapInput,
    NearestInput,
    StationListInput,
)

QUERY_INPUTS = [
    NearestInput,
    StationListInput,
    MapInput,
    DetailInput,
    CoverageInput,
    ExportInput,
    CrsInput,
    PositionInput,
    UpcomingInput,
    EligibleInput,
    SchemeFilterInput,
    EventFilterInput,
    PackageInput,
    PageInput,
    ServicesInput,
]
NOW = dt.datetime(2026, 7, 15, 4, 30, tzinfo=dt.UTC)

# Values in the plain forms the quick readers take, and in the forms they leave to DRF.
ODD_TEXT = [
    "", " 10", "10 ", "1e2", "10.0", "1_000", "nan", "inf", "-0", "0x1f", "+5", "١٢",
    "True", "yes", "1", "on", "off", "TRUE", "null", "wgs84 ", "WGS84", "2026-07-15",
]  # fmt: skip
values = st.one_of(
    st.integers(-400, 400).map(str),
    st.floats(-200, 200, allow_nan=False).map(lambda x: f"{x:.6f}"),
    st.sampled_from(["true", "false", "wgs84", "gcj02", "bd09", "auto", "off", "heat"]),
    st.sampled_from(ODD_TEXT),
    st.text(max_size=8),
)


def query_for(serializer: serializers.Serializer) -> st.SearchStrategy[dict]:
    names = [name for name, field in serializer.fields.items() if not field.read_only]
    return st.dictionaries(
        st.sampled_from([*names, "unknown"]), values, max_size=len(names) + 1
    ).map(
        lambda query: {
            name: [value] if isinstance(serializer.fields.get(name), serializers.ListField)
            else value
            for name, value in query.items()
        }
    )  # fmt: skip


@pytest.fixture
def frozen_now(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


@pytest.mark.django_db
@pytest.mark.parametrize("input_class", QUERY_INPUTS, ids=lambda cls: cls.__name__)
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_the_quick_reading_agrees_with_the_serializer(input_class, data, frozen_now) -> None:
    quick = QuickQuery(input_class())
    query = data.draw(query_for(quick.serializer))
    read = quick.validated(query)
    try:
        expected = quick.serializer.run_validation(query)
    except serializers.ValidationError:
        assert read is None, f"read {read} where the serializer refuses {query}"
        return
    assert read in (None, expected)


@pytest.mark.django_db
def test_a_plain_nearest_query_is_read_quickly(frozen_now) -> None:
    read = QuickQuery(NearestInput()).validated({"lat": "22.54", "lon": "114.06", "limit": "10"})
    assert read == {
        "lat": 22.54,
        "lon": 114.06,
        "limit": 10,
        "crs": "wgs84",
        "position_crs": None,
        "amenity": [],
        "kind": [],
        "open_now": False,
        "mode": "auto",
        "at": NOW,
    }


@pytest.mark.django_db
def test_filters_and_flags_are_read_quickly(frozen_now) -> None:
    read = QuickQuery(NearestInput()).validated(
        {"lat": "22.5", "lon": "114", "amenity": ["drinking_water,phone_charging"], "open_now": "1"}
    )
    assert read["amenity"] == ["drinking_water", "phone_charging"]
    assert read["open_now"] is True
    assert read["lon"] == 114.0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"lat": "22.5", "lon": "114", "limit": "10.0"},  # DRF takes it as 10
        {"lat": " 22.5", "lon": "114"},
        {"lat": "95", "lon": "114"},  # out of range: DRF's message
        {"lat": "22.5"},  # the serializer's own validate() refuses it
        {"lat": "22.5", "lon": "114", "amenity": ["no_such_amenity"]},
    ],
)
def test_unusual_or_wrong_queries_are_left_to_the_serializer(query) -> None:
    assert QuickQuery(NearestInput()).validated(query) is None


def test_a_serializer_with_field_methods_is_left_to_drf() -> None:
    assert not QuickQuery(CoverageInput()).usable
    assert QuickQuery(NearestInput()).usable
