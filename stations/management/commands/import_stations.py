from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from core.coordinates import Crs
from stations.bulk import (
    FORMATS,
    BadRows,
    FileError,
    checked_batches,
    format_of,
    read_features,
)
from stations.services import stations_import


class Command(BaseCommand):
    help = (
        "Import stations from a GeoJSON, CSV or XLSX file (upsert by station code), read as a "
        "stream. Every row is validated; any bad row writes nothing (one transaction) and every "
        "bad row is listed. Re-importing the same file changes nothing; changes are kept in the "
        "audit history."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=FORMATS, help="default: from the file suffix")
        parser.add_argument(
            "--crs",
            choices=[c.value for c in Crs],
            default=Crs.WGS84.value,
            help="coordinate system of the file (Chinese sources are usually gcj02)",
        )
        parser.add_argument("--dry-run", action="store_true", help="validate and count only")
        parser.add_argument("--by", metavar="USERNAME", help="the account the change is made for")

    def handle(self, *args, file: Path, crs: str, dry_run: bool, verbosity: int, **options):
        def progress(desc):
            return lambda items: tqdm(
                items, desc=desc, unit="row", disable=verbosity < 1, leave=False
            )

        actor = self._actor(options["by"])
        try:
            features = read_features(file, fmt=format_of(file, options["format"]), crs=crs)
            report = stations_import(
                batches=checked_batches(features, progress=progress("importing")),
                actor=actor,
                dry_run=dry_run,
            )
        except FileError as exc:
            raise CommandError(str(exc)) from exc
        except BadRows as exc:
            raise CommandError(
                f"{file.name}: {exc.count} bad row(s), nothing imported:\n  {exc.report()}"
            ) from exc
        prefix = "Dry run, nothing written: would have " if dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}{report.created} created, {report.updated} updated, "
                f"{report.unchanged} unchanged ({report.rows} rows)."
            )
        )

    def _actor(self, username: str | None):
        if username is None:
            return None
        try:
            return get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"--by: no user {username!r}") from None
