import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from services.checkups.services import bookings_archive


class Command(BaseCommand):
    help = (
        "Move the bookings of check-ups that ended more than --days ago "
        "(YIZHAN_BOOKINGS_ONLINE_DAYS, 730) to the archive table services_booking_archive, in "
        "batches (run it monthly)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=settings.YIZHAN_BOOKINGS_ONLINE_DAYS)

    def handle(self, *args, **options) -> None:
        if options["days"] < 1:
            raise CommandError("--days: give a whole number of days, at least 1")
        before = timezone.now() - dt.timedelta(days=options["days"])
        moved = bookings_archive(ended_before=before)
        self.stdout.write(f"{moved} bookings of check-ups ended before {before:%Y-%m-%d} archived.")
