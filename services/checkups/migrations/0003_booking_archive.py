"""An archive for bookings: those of events that ended longer ago than the bookings kept online
(``YIZHAN_BOOKINGS_ONLINE_DAYS``) move there (``manage.py archive_bookings``), so the live table,
its unique references and its indexes stay the size of the recent years. The events stay (the
numbers page reads them). See docs/OPERATIONS.md, "Archives"."""

from django.db import migrations

ARCHIVE = """
CREATE TABLE services_booking_archive (LIKE services_booking INCLUDING DEFAULTS);
ALTER TABLE services_booking_archive ADD PRIMARY KEY (id);
CREATE INDEX booking_archive_event ON services_booking_archive (event_id);
"""


class Migration(migrations.Migration):
    dependencies = [("checkups", "0002_booking_waiting_list_and_attendance")]

    operations = [
        migrations.RunSQL(ARCHIVE, reverse_sql="DROP TABLE services_booking_archive;"),
    ]
