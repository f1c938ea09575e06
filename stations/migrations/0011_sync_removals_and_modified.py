"""Incremental sync: ``updated_at`` becomes the database's clock at the moment of the change, for
every change to a station or what it shows (its own row, and through migration 0003's triggers,
its amenities, hours, exceptions and warning-day rules), and a deleted station leaves its code
and the time in ``stations_stationremoval``. A mirror asking ``modified_after`` then gets every
station changed since, and the ones removed (stations.selectors.station_changes).

The clock is ``clock_timestamp()`` at the write, never earlier than its transaction's start: the
list's ``next_modified_after`` (the start of the oldest transaction still writing) relies on it."""

from django.db import migrations, models

FORWARD = """
CREATE OR REPLACE FUNCTION stations_station_bump_version() RETURNS trigger AS $$
BEGIN
    NEW.version := OLD.version + 1;
    NEW.updated_at := clock_timestamp();
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION stations_station_stamp_created() RETURNS trigger AS $$
BEGIN
    NEW.updated_at := clock_timestamp();
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER station_stamp_created BEFORE INSERT ON stations_station
    FOR EACH ROW EXECUTE FUNCTION stations_station_stamp_created();

CREATE FUNCTION stations_station_record_removal() RETURNS trigger AS $$
BEGIN
    INSERT INTO stations_stationremoval (code, removed_at)
        SELECT code, clock_timestamp() FROM removed_rows;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER station_record_removal AFTER DELETE ON stations_station
    REFERENCING OLD TABLE AS removed_rows FOR EACH STATEMENT
    EXECUTE FUNCTION stations_station_record_removal();
"""

BACKWARD = """
DROP TRIGGER station_record_removal ON stations_station;
DROP FUNCTION stations_station_record_removal();
DROP TRIGGER station_stamp_created ON stations_station;
DROP FUNCTION stations_station_stamp_created();
CREATE OR REPLACE FUNCTION stations_station_bump_version() RETURNS trigger AS $$
BEGIN
    NEW.version := OLD.version + 1;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('stations', '0010_warning_days'),
    ]

    operations = [
        migrations.CreateModel(
            name='StationRemoval',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(db_index=False, max_length=32, verbose_name='code')),
                ('removed_at', models.DateTimeField(verbose_name='removed at')),
            ],
            options={
                'verbose_name': 'removed station',
                'verbose_name_plural': 'removed stations',
                'ordering': ['removed_at'],
                'indexes': [models.Index(fields=['removed_at'], name='stationremoval_removed_at')],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
