"""An archive for the stations' change history: changes older than the history kept online
(``YIZHAN_HISTORY_ONLINE_DAYS``) move there (``manage.py archive_station_history``), so the live
table and its index stay the size of the recent history. See docs/OPERATIONS.md, "Archives"."""

from django.db import migrations

ARCHIVE = """
CREATE TABLE stations_stationchange_archive (LIKE stations_stationchange INCLUDING DEFAULTS);
ALTER TABLE stations_stationchange_archive ADD PRIMARY KEY (id);
CREATE INDEX stationchange_archive_station_at ON stations_stationchange_archive (station_id, at);
CREATE INDEX stationchange_at ON stations_stationchange (at);
"""


class Migration(migrations.Migration):
    dependencies = [("stations", "0008_station_filter_columns")]

    operations = [
        migrations.RunSQL(
            ARCHIVE,
            reverse_sql="DROP INDEX stationchange_at; DROP TABLE stations_stationchange_archive;",
        )
    ]
