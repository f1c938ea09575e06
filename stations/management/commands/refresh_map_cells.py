"""Count the stations per map cell again now (the map's clusters), instead of waiting for the
job a map request starts after stations change."""

from django.core.management.base import BaseCommand

from stations.services import map_cells_refresh


class Command(BaseCommand):
    help = "Count the stations per map cell again (the map's clusters)."

    def handle(self, *args, **options) -> None:
        cells = map_cells_refresh()
        self.stdout.write(f"{cells} map cells.")
