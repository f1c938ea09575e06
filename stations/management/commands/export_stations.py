import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from core.coordinates import Crs
from stations.bulk import FORMATS, registry_records, write_export


class Command(BaseCommand):
    help = (
        "Export the whole station registry as GeoJSON, CSV or XLSX, in the form import_stations "
        "reads back."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=FORMATS, default="geojson")
        parser.add_argument("--crs", choices=[c.value for c in Crs], default=Crs.WGS84.value)
        parser.add_argument(
            "--output", "-o", type=Path, help="file to write (default: standard output)"
        )

    def handle(self, *args, format: str, crs: str, output: Path | None, **options) -> None:
        if output is None:
            count = write_export(sys.stdout.buffer, registry_records(), fmt=format, crs=crs)
            sys.stdout.buffer.flush()
        else:
            with output.open("wb") as handle:
                count = write_export(handle, registry_records(), fmt=format, crs=crs)
        self.stderr.write(f"{count} stations exported ({format}, {crs}).")
