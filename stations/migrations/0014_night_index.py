"""The stations that may be open at night, in an index of their own.

Between midnight and 06:00 few stations are open (a quarter of the demo's, a tenth of the
bench's generated registry), so the worker map's "open now" search at night read four to ten
stations for each one it kept, and for a point far from any station its second round read every
station in reach. ``may_open_at_night`` marks each station whose weekly hours reach into
00:00–06:00 on some day, or that has dated exceptions or warning days (whose rules may open it
at any hour); the index holds only those stations (location and amenity keys, as the
location-and-amenities index of migration 0008), and the open filter asks for the column at
night (stations.conditions.open_at), which lets the planner use it.

A generated column, kept by PostgreSQL from ``weekly_open`` and ``exception_dates`` (which the
triggers of migrations 0008 and 0010 keep), so no writer can leave it stale. Measured on the
demo data, the worker map's night request (two amenities, open at 01:00), in-process over the
bench's 1,000 points: 3.16 → 2.36 ms a request (docs/OPERATIONS.md).
"""

from django.db import migrations

DAY_S, NIGHT_END_S = 86_400, 6 * 3_600
NIGHTS = ",".join(f"[{day * DAY_S},{day * DAY_S + NIGHT_END_S})" for day in range(7))

FORWARD = f"""
ALTER TABLE stations_station ADD COLUMN may_open_at_night boolean GENERATED ALWAYS AS (
    weekly_open && '{{{NIGHTS}}}'::int4multirange OR cardinality(exception_dates) > 0
) STORED;
CREATE INDEX station_night_knn ON stations_station
    USING gist (point(ST_X(location), ST_Y(location)), usable_amenities gist__int_ops)
    WHERE may_open_at_night;
"""

BACKWARD = """
DROP INDEX station_night_knn;
ALTER TABLE stations_station DROP COLUMN may_open_at_night;
"""


class Migration(migrations.Migration):
    dependencies = [("stations", "0013_city_changes_index")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
