from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from services.alerts.cap import CapError, parse_cap
from services.alerts.services import alert_districts, alerts_import


class Command(BaseCommand):
    help = (
        "Import weather warnings from CAP 1.2 XML files (a file, or every .xml in a folder, "
        "by name): all are checked before any is saved; an Update replaces, a Cancel cancels."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args, **options) -> None:
        path: Path = options["path"]
        if path.is_dir():
            files = sorted(path.glob("*.xml"))
        elif path.is_file():
            files = [path]
        else:
            raise CommandError(f"{path}: no such file or folder")
        if not files:
            raise CommandError(f"{path}: no .xml file")
        checked = []
        for file in files:
            try:
                alert = parse_cap(file.read_bytes())
                districts = [] if alert.msg_type == "Cancel" else alert_districts(alert)
            except CapError as error:
                raise CommandError(f"{file.name}: {error}") from error
            checked.append((alert, districts))
        done = alerts_import(checked)
        self.stdout.write(
            f"{done.created} warnings imported, {done.already_present} already present, "
            f"{done.cancelled} cancelled or replaced."
        )
