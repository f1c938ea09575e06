"""Warning-day rules: what a station does while a heat or cold warning is in force where it
stands (longer hours, extra services), and the days the warnings put it on (written by the alerts
app). Their rows change the station's version like its other children do, and a warning day's
date joins the station's ``exception_dates``: the nearest search's open filter then asks the
dated rules for that station on that day (``stations_open_by_dated_rules``, which now adds the
rule's period to the day's hours unless a dated exception closes the station all day), while
every other station is still judged from its row (migration 0008)."""

import importlib

import django.db.models.deletion
from django.db import migrations, models

FILTER_COLUMNS = importlib.import_module("stations.migrations.0008_station_filter_columns")
VERSION = importlib.import_module("stations.migrations.0003_station_version")

# The dates of a station's dated exceptions and of its warning days.
DATED = """
        UPDATE stations_station s
           SET version = s.version + 1,
               exception_dates = coalesce(
                   (SELECT array_agg(DISTINCT d ORDER BY d) FROM (
                        SELECT e.date FROM stations_openingexception e WHERE e.station_id = s.id
                        UNION ALL
                        SELECT w.date FROM stations_warningday w WHERE w.station_id = s.id
                    ) AS dated(d)), '{}')
         WHERE s.id IN (SELECT station_id FROM changed_rows);"""

REFRESH_FUNCTION = f"""
CREATE OR REPLACE FUNCTION stations_child_bump_station_version() RETURNS trigger AS $$
BEGIN
    PERFORM 1 FROM stations_station
      WHERE id IN (SELECT station_id FROM changed_rows) ORDER BY id FOR UPDATE;
    IF TG_TABLE_NAME = 'stations_stationamenity' THEN
        {FILTER_COLUMNS.refresh_statement("stations_stationamenity")}
    ELSIF TG_TABLE_NAME = 'stations_openingperiod' THEN
        {FILTER_COLUMNS.refresh_statement("stations_openingperiod")}
    ELSIF TG_TABLE_NAME IN ('stations_openingexception', 'stations_warningday') THEN
        {DATED}
    ELSE
        UPDATE stations_station SET version = version + 1
         WHERE id IN (SELECT station_id FROM changed_rows);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""

# A warning day's rule period covering local (day, t), or last night's running past midnight,
# unless a dated exception closes the station all that day; then the rules of migration 0008.
WARNING_PERIOD = """
    SELECT 1 FROM stations_warningday w
      JOIN stations_warningrule r ON r.station_id = w.station_id AND r.kind = w.kind
     WHERE w.station_id = station AND w.date = {day} AND r.opens IS NOT NULL AND {covers}
       AND NOT EXISTS (SELECT 1 FROM stations_openingexception e
                        WHERE e.station_id = station AND e.date = {day} AND e.closed)"""
OPEN_BY_DATED_RULES = FILTER_COLUMNS.OPEN_BY_DATED_RULES.replace(
    "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"
).replace(
    "BEGIN\n",
    "BEGIN\n    IF EXISTS ("
    + WARNING_PERIOD.format(day="day", covers="r.opens <= t AND (r.closes <= r.opens OR r.closes > t)")
    + ") OR EXISTS ("
    + WARNING_PERIOD.format(day="yesterday", covers="r.closes <= r.opens AND r.closes > t")
    + ") THEN\n        RETURN true;\n    END IF;\n",
    1,
)

REFILL_FUNCTION = """
CREATE OR REPLACE FUNCTION stations_refill_filter_columns() RETURNS void AS $$
WITH amenities AS ({amenities}),
     hours AS ({hours}),
     dated AS (SELECT station_id, array_agg(DISTINCT date ORDER BY date) AS value FROM (
                   SELECT station_id, date FROM stations_openingexception
                   UNION ALL SELECT station_id, date FROM stations_warningday) AS d
               GROUP BY station_id)
UPDATE stations_station s
   SET usable_amenities = coalesce(amenities.value, '{{}}'),
       weekly_open = coalesce(hours.value, '{{}}'),
       exception_dates = coalesce(dated.value, '{{}}')
  FROM stations_station everyone
       LEFT JOIN amenities ON amenities.station_id = everyone.id
       LEFT JOIN hours ON hours.station_id = everyone.id
       LEFT JOIN dated ON dated.station_id = everyone.id
 WHERE s.id = everyone.id
$$ LANGUAGE sql;
""".format(
    amenities=FILTER_COLUMNS.grouped("stations_stationamenity"),
    hours=FILTER_COLUMNS.grouped("stations_openingperiod"),
)

NEW_TABLES = ["stations_warningrule", "stations_warningday"]
FORWARD = (
    REFRESH_FUNCTION
    + OPEN_BY_DATED_RULES
    + REFILL_FUNCTION
    + "\n".join(VERSION.child_triggers(table) for table in NEW_TABLES)
)
BACKWARD = (
    "".join(
        f"DROP TRIGGER {t}_{e}_bump ON {t};"
        for t in NEW_TABLES
        for e in ("insert", "update", "delete", "update_old")
    )
    + FILTER_COLUMNS.REFRESH_FUNCTION
    + FILTER_COLUMNS.OPEN_BY_DATED_RULES.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")
    + FILTER_COLUMNS.REFILL_FUNCTION.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")
)


class Migration(migrations.Migration):

    dependencies = [
        ('stations', '0009_station_change_archive'),
    ]

    operations = [
        migrations.CreateModel(
            name='WarningDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField(verbose_name='date')),
                ('kind', models.CharField(choices=[('heat', 'during heat warnings'), ('cold', 'during cold warnings')], max_length=10, verbose_name='warning')),
                ('station', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='warning_days', to='stations.station')),
            ],
            options={
                'verbose_name': 'warning day',
                'verbose_name_plural': 'warning days',
                'constraints': [models.UniqueConstraint(fields=('station', 'date', 'kind'), name='warningday_unique_station_date_kind')],
            },
        ),
        migrations.CreateModel(
            name='WarningRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('heat', 'during heat warnings'), ('cold', 'during cold warnings')], max_length=10, verbose_name='warning')),
                ('opens', models.TimeField(blank=True, null=True, verbose_name='opens')),
                ('closes', models.TimeField(blank=True, null=True, verbose_name='closes')),
                ('services', models.CharField(blank=True, max_length=200, verbose_name='extra services')),
                ('station', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='warning_rules', to='stations.station')),
            ],
            options={
                'verbose_name': 'warning-day rule',
                'verbose_name_plural': 'warning-day rules',
                'ordering': ['station', 'kind'],
                'constraints': [models.UniqueConstraint(fields=('station', 'kind'), name='warningrule_unique_kind'), models.CheckConstraint(condition=models.Q(models.Q(('closes__isnull', True), ('opens__isnull', True)), models.Q(('closes__isnull', False), ('opens__isnull', False)), _connector='OR'), name='warningrule_hours_or_none', violation_error_message='Give both opening and closing time, or neither.'), models.CheckConstraint(condition=models.Q(('opens', None), ('services', ''), _negated=True), name='warningrule_says_something')],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
