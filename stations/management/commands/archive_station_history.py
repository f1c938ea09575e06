import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from stations.services import station_history_archive


class Command(BaseCommand):
    help = (
        "Move the stations' changes older than --days (YIZHAN_HISTORY_ONLINE_DAYS, 730) to the "
        "archive table stations_stationchange_archive, in batches (run it monthly)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=settings.YIZHAN_HISTORY_ONLINE_DAYS)

    def handle(self, *args, **options) -> None:
        if options["days"] < 1:
            raise CommandError("--days: give a whole number of days, at least 1")
        before = timezone.now() - dt.timedelta(days=options["days"])
        moved = station_history_archive(before=before)
        self.stdout.write(f"{moved} station changes made before {before:%Y-%m-%d} archived.")
