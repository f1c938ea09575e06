"""Station.version: raised by triggers on every change to a station, its amenities, hours or
dated exceptions, and to the name of an amenity it has. Triggers, not application code, so that
the admin, imports and raw SQL all keep it true; cached API output and ETags key on it."""

from django.db import migrations, models

FORWARD = """
CREATE FUNCTION stations_station_bump_version() RETURNS trigger AS $$
BEGIN
    NEW.version := OLD.version + 1;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER station_bump_version BEFORE UPDATE ON stations_station
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION stations_station_bump_version();

CREATE FUNCTION stations_child_bump_station_version() RETURNS trigger AS $$
BEGIN
    UPDATE stations_station SET version = version + 1
     WHERE id IN (SELECT station_id FROM changed_rows);
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION stations_amenity_bump_station_version() RETURNS trigger AS $$
BEGIN
    UPDATE stations_station SET version = version + 1
     WHERE id IN (SELECT sa.station_id FROM stations_stationamenity sa
                  JOIN changed_rows c ON c.code = sa.amenity_id);
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""

CHILD_TABLES = ["stations_stationamenity", "stations_openingperiod", "stations_openingexception"]


def child_triggers(table: str) -> str:
    statements = []
    for event, transition in [("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")]:
        statements.append(
            f"CREATE TRIGGER {table}_{event.lower()}_bump AFTER {event} ON {table}"
            f" REFERENCING {transition} TABLE AS changed_rows FOR EACH STATEMENT"
            " EXECUTE FUNCTION stations_child_bump_station_version();"
        )
    statements.append(  # an UPDATE moving a row to another station bumps the old one too

        f"CREATE TRIGGER {table}_update_old_bump AFTER UPDATE ON {table}"
        " REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT"
        " EXECUTE FUNCTION stations_child_bump_station_version();"
    )
    return "\n".join(statements)


TRIGGERS = "\n".join(child_triggers(t) for t in CHILD_TABLES) + """
CREATE TRIGGER stations_amenity_update_bump AFTER UPDATE ON stations_amenity
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT
    EXECUTE FUNCTION stations_amenity_bump_station_version();
"""

BACKWARD = "\n".join(
    [f"DROP TRIGGER {t}_{e}_bump ON {t};" for t in CHILD_TABLES for e in ("insert", "update", "delete", "update_old")]
    + [
        "DROP TRIGGER stations_amenity_update_bump ON stations_amenity;",
        "DROP TRIGGER station_bump_version ON stations_station;",
        "DROP FUNCTION stations_amenity_bump_station_version();",
        "DROP FUNCTION stations_child_bump_station_version();",
        "DROP FUNCTION stations_station_bump_version();",
    ]
)


class Migration(migrations.Migration):
    dependencies = [("stations", "0002_amenity_catalogue")]

    operations = [
        migrations.AddField(
            model_name="station",
            name="version",
            field=models.PositiveBigIntegerField(
                db_default=1,
                editable=False,
                help_text="Raised by the database on every change to the station, its amenities "
                "or hours (migration 0003's triggers).",
                verbose_name="version",
            ),
        ),
        migrations.RunSQL(FORWARD + TRIGGERS, BACKWARD),
    ]
