"""The check-up, planning and benefits models moved out of the one ``services`` app into three;
a database made before the move migrates in place: rows, their ids, content types and
permissions stay what they were, and no table is made or dropped."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.gis.geos import Point
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from services.benefits.models import BenefitScheme, Occupation
from services.checkups.models import CheckupEvent, Van
from services.planning.models import TourProposal

BEFORE_THE_MOVE = [("services", "0008_occupation_synonyms_that_over_match")]
# Tables made by the apps' later migrations (unapplied when going back to before the move).
MADE_AFTER_THE_MOVE = {"services_booking_archive"}


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)


def tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor)) - MADE_AFTER_THE_MOVE


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_made_before_the_move_migrates_in_place():
    tables_now = tables()
    executor = migrate(BEFORE_THE_MOVE)  # as the code before the move left a database
    old = executor.loader.project_state(BEFORE_THE_MOVE).apps
    old_van = old.get_model("services", "Van").objects.create(
        name="老车",
        organiser="甘肃",
        depot=Point(103.8, 36.0, srid=4326),
        day_starts=dt.time(8),
        day_ends=dt.time(17),
        checkups_per_hour=10,
    )
    old_scheme = old.get_model("services", "BenefitScheme").objects.create(
        code="old",
        name="旧险",
        name_en="Old",
        operator="工会",
        region_level="national",
        enrolment="automatic",
        source="《旧文》",
    )
    courier, _ = old.get_model("services", "Occupation").objects.get_or_create(
        code="courier", defaults={"name": "快递员", "name_en": "courier"}
    )
    old_scheme.occupations.add(courier)
    van_type, _ = ContentType.objects.get_or_create(app_label="services", model="van")
    permission, _ = Permission.objects.get_or_create(
        content_type=van_type, codename="add_van", defaults={"name": "Can add van"}
    )
    assert tables() == tables_now

    executor = migrate(executor.loader.graph.leaf_nodes())

    assert tables() == tables_now
    ContentType.objects.clear_cache()
    assert not ContentType.objects.filter(app_label="services").exists()
    van = Van.objects.get(pk=old_van.pk)
    assert (van.name, van.checkups_per_hour) == ("老车", 10)
    scheme = BenefitScheme.objects.get(pk=old_scheme.pk)
    assert list(scheme.occupations.values_list("code", flat=True)) == ["courier"]
    assert Occupation.objects.filter(pk="courier").exists()
    # The same content type and permission rows, under the new app label: groups and the
    # admin's history keep what they had.
    assert ContentType.objects.get(pk=van_type.pk).app_label == "checkups"
    assert Permission.objects.get(pk=permission.pk).content_type.app_label == "checkups"
    for model in (Van, CheckupEvent, TourProposal, BenefitScheme):
        assert model._meta.db_table.startswith("services_")
