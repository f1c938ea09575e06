from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from stations.demo_data import FIXTURES_DIR, DemoDataError, demo_data_load
from stations.services import map_cells_refresh, planner_statistics_refresh


class Command(BaseCommand):
    help = (
        "Load the demo data (real district boundaries, synthetic stations) from fixtures/. "
        "Idempotent: stations already present are left alone. Atomic: a bad row loads nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--directory", type=Path, default=FIXTURES_DIR)

    def handle(self, *args, directory: Path, verbosity: int, **options) -> None:
        def progress(items):
            return tqdm(items, desc="stations", unit="row", disable=verbosity < 1, leave=False)

        try:
            report = demo_data_load(directory=directory, progress=progress)
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        map_cells_refresh()  # the map's clusters, before the first map asks
        planner_statistics_refresh()
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.areas} district boundaries; {report.created} stations created, "
                f"{report.already_present} already present."
            )
        )
