"""What the nearest filters ask of a station, on the station's own row: the amenities usable now
(as amenity keys, below), the week's opening hours as seconds of the week, and the dates of its
dated exceptions.

The filters used to probe the amenity and hours tables once per candidate (EXISTS), which cost
the worker map's filtered request 5-7x its plain one. On the row, each candidate is judged from
the tuple the index scan fetches anyway (stations/conditions.py).

The columns are kept by the triggers of migration 0003, which already raise ``version`` on every
change to a station's amenities, hours and exceptions: the same UPDATE now also rewrites the
column that table feeds, whatever wrote the change (services, the admin, imports, raw SQL).
They are not model fields, so that no ``save()`` can write a stale copy back.

The amenities are integer keys so that one GiST index holds both the location and the amenities
(intarray's ``gist__int_ops``): the nearest stations with a rare amenity are then found inside
the index, without reading the many nearer stations that lack it. Measured at 1M stations, legal
aid (1% of stations) near Shenzhen: 35 ms through the location index and a filter, 0.8 ms
through this one. A key is a hash of the code (``stations_amenity_key``), not a number kept in
a table: the same in every database and after any reload, so nothing has to be looked up or
cached, and the planner folds the queried keys into constants it can estimate. A unique index
refuses a new amenity code whose key would collide.
"""

from django.contrib.postgres.operations import CreateExtension
from django.db import migrations

WEEK_S = 7 * 86_400

COLUMNS = """
CREATE FUNCTION stations_amenity_key(code text) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT ('x' || left(md5(code), 8))::bit(32)::integer $$;
CREATE UNIQUE INDEX amenity_key ON stations_amenity (stations_amenity_key(code));
ALTER TABLE stations_station
    ADD COLUMN usable_amenities integer[] NOT NULL DEFAULT '{}',
    ADD COLUMN weekly_open int4multirange NOT NULL DEFAULT '{}',
    ADD COLUMN exception_dates date[] NOT NULL DEFAULT '{}';
-- Nearest stations with an amenity, inside the index; or, for an amenity only a handful of
-- stations have, all of them at once (the planner chooses).
CREATE INDEX station_location_amenities_knn ON stations_station
    USING gist (point(ST_X(location), ST_Y(location)), usable_amenities gist__int_ops);
"""

# A weekly period as seconds of the week (Monday 00:00 = 0), half-open like the rules: one that
# runs past midnight ends the next day, and Sunday night's end wraps round to Monday morning.
# Fractions of a second round up, as the per-request rules compare with whole seconds.
WEEK_RANGES = f"""
CREATE FUNCTION stations_week_ranges(weekday integer, opens time, closes time)
RETURNS SETOF int4range LANGUAGE sql IMMUTABLE AS $$
    SELECT r FROM (
        SELECT weekday * 86400 + ceil(extract(epoch FROM opens))::integer AS s,
               weekday * 86400 + ceil(extract(epoch FROM closes))::integer
                   + CASE WHEN closes <= opens THEN 86400 ELSE 0 END AS e
    ) AS span,
    LATERAL unnest(ARRAY[int4range(s, least(e, {WEEK_S})),
                         int4range(0, greatest(e - {WEEK_S}, 0))]) AS r
    WHERE NOT isempty(r)
$$;
"""

# Open at local (day, t) by the day's hours or last night's, where a date's dated exceptions
# replace its weekly periods: the rules of stations.opening_hours.Schedule.is_open_at, for the
# few stations with an exception today or yesterday. A function, not the subqueries inline:
# the planner then plans one call instead of six subplans on every nearest query.
OPEN_BY_DATED_RULES = """
CREATE FUNCTION stations_open_by_dated_rules(station bigint, day date, t time)
RETURNS boolean LANGUAGE plpgsql STABLE AS $$
DECLARE
    yesterday date := day - 1;
BEGIN
    IF EXISTS (SELECT 1 FROM stations_openingexception e WHERE e.station_id = station AND e.date = day) THEN
        IF EXISTS (SELECT 1 FROM stations_openingexception e
                    WHERE e.station_id = station AND e.date = day AND NOT e.closed
                      AND e.opens <= t AND (e.closes <= e.opens OR e.closes > t)) THEN
            RETURN true;
        END IF;
    ELSIF EXISTS (SELECT 1 FROM stations_openingperiod p
                   WHERE p.station_id = station AND p.weekday = extract(isodow FROM day) - 1
                     AND p.opens <= t AND (p.closes <= p.opens OR p.closes > t)) THEN
        RETURN true;
    END IF;
    IF EXISTS (SELECT 1 FROM stations_openingexception e
                WHERE e.station_id = station AND e.date = yesterday) THEN
        RETURN EXISTS (SELECT 1 FROM stations_openingexception e
                        WHERE e.station_id = station AND e.date = yesterday AND NOT e.closed
                          AND e.closes <= e.opens AND e.closes > t);
    END IF;
    RETURN EXISTS (SELECT 1 FROM stations_openingperiod p
                    WHERE p.station_id = station AND p.weekday = extract(isodow FROM yesterday) - 1
                      AND p.closes <= p.opens AND p.closes > t);
END $$;
"""

# Each column as an aggregate over its table's rows of one station:
# (column, aggregate, rows, their alias, condition, value when there are none).
SOURCES = {
    "stations_stationamenity": (
        "usable_amenities",
        "array_agg(stations_amenity_key(sa.amenity_id) ORDER BY sa.amenity_id)",
        "stations_stationamenity sa",
        "sa",
        "sa.status IN ('available', 'limited')",
        "'{}'::integer[]",
    ),
    "stations_openingperiod": (
        "weekly_open",
        "range_agg(r)",
        "stations_openingperiod p"
        " CROSS JOIN LATERAL stations_week_ranges(p.weekday, p.opens, p.closes) AS r",
        "p",
        "TRUE",
        "'{}'::int4multirange",
    ),
    "stations_openingexception": (
        "exception_dates",
        "array_agg(DISTINCT e.date ORDER BY e.date)",
        "stations_openingexception e",
        "e",
        "TRUE",
        "'{}'::date[]",
    ),
}


def refresh_statement(table: str) -> str:
    """The trigger's refresh of the stations a statement changed: one index probe per station
    (sound without statistics, e.g. right after a bulk insert in the same transaction)."""
    column, aggregate, rows, alias, condition, empty = SOURCES[table]
    return f"""
        UPDATE stations_station s
           SET version = s.version + 1,
               {column} = coalesce((SELECT {aggregate} FROM {rows}
                                     WHERE {alias}.station_id = s.id AND {condition}), {empty})
         WHERE s.id IN (SELECT station_id FROM changed_rows);"""


def grouped(table: str) -> str:
    """Every station's value at once, for the refill of the whole registry."""
    _, aggregate, rows, alias, condition, _ = SOURCES[table]
    return (
        f"SELECT {alias}.station_id, {aggregate} AS value FROM {rows}"
        f" WHERE {condition} GROUP BY {alias}.station_id"
    )


REFRESH_FUNCTION = f"""
CREATE OR REPLACE FUNCTION stations_child_bump_station_version() RETURNS trigger AS $$
BEGIN
    PERFORM 1 FROM stations_station
      WHERE id IN (SELECT station_id FROM changed_rows) ORDER BY id FOR UPDATE;
    IF TG_TABLE_NAME = 'stations_stationamenity' THEN
        {refresh_statement("stations_stationamenity")}
    ELSIF TG_TABLE_NAME = 'stations_openingperiod' THEN
        {refresh_statement("stations_openingperiod")}
    ELSE
        {refresh_statement("stations_openingexception")}
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""

PREVIOUS_FUNCTION = """
CREATE OR REPLACE FUNCTION stations_child_bump_station_version() RETURNS trigger AS $$
BEGIN
    UPDATE stations_station SET version = version + 1
     WHERE id IN (SELECT station_id FROM changed_rows);
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""

# Every station's columns from its tables in one pass: for the existing stations here, and for
# bulk loads that write with triggers off (bench/generate.py).
REFILL_FUNCTION = f"""
CREATE FUNCTION stations_refill_filter_columns() RETURNS void AS $$
WITH amenities AS ({grouped("stations_stationamenity")}),
     hours AS ({grouped("stations_openingperiod")}),
     exceptions AS ({grouped("stations_openingexception")})
UPDATE stations_station s
   SET usable_amenities = coalesce(amenities.value, '{{}}'),
       weekly_open = coalesce(hours.value, '{{}}'),
       exception_dates = coalesce(exceptions.value, '{{}}')
  FROM stations_station everyone
       LEFT JOIN amenities ON amenities.station_id = everyone.id
       LEFT JOIN hours ON hours.station_id = everyone.id
       LEFT JOIN exceptions ON exceptions.station_id = everyone.id
 WHERE s.id = everyone.id
$$ LANGUAGE sql;
SELECT stations_refill_filter_columns();
"""

BACKWARD = (
    PREVIOUS_FUNCTION
    + "DROP FUNCTION stations_refill_filter_columns();"
    + "DROP FUNCTION stations_open_by_dated_rules(bigint, date, time);"
    + "DROP FUNCTION stations_week_ranges(integer, time, time);"
    + "ALTER TABLE stations_station DROP COLUMN usable_amenities,"
    " DROP COLUMN weekly_open, DROP COLUMN exception_dates;"
    + "DROP INDEX amenity_key; DROP FUNCTION stations_amenity_key(text);"
)


class Migration(migrations.Migration):
    dependencies = [("stations", "0007_map_cells")]

    operations = [
        CreateExtension("intarray"),
        migrations.RunSQL(
            COLUMNS + WEEK_RANGES + OPEN_BY_DATED_RULES + REFRESH_FUNCTION + REFILL_FUNCTION,
            BACKWARD,
        ),
    ]
