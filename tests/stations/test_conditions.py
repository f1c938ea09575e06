"""The filters' SQL conditions (stations/conditions.py)."""

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from stations.conditions import amenity_key
from stations.models import Amenity

pytestmark = pytest.mark.django_db
# What a text column can hold: no NUL, no lone surrogate (no UTF-8 for it, in Python or SQL).
TEXT_CHARACTERS = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")


def database_keys(codes: list[str]) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT stations_amenity_key(code) FROM unnest(%s::text[]) AS code", [codes])
        return [key for (key,) in cursor.fetchall()]


def test_every_amenity_has_the_key_the_database_gives_it():
    codes = list(Amenity.objects.values_list("code", flat=True))
    assert len(codes) > 10
    assert [amenity_key(code) for code in codes] == database_keys(codes)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(TEXT_CHARACTERS, max_size=40), min_size=1))
def test_any_code_has_the_key_the_database_gives_it(codes):
    """Signed like the column's integers (half the keys have their top bit set), and from the
    code's UTF-8 bytes, as PostgreSQL's md5 reads them."""
    assert [amenity_key(code) for code in codes] == database_keys(codes)
