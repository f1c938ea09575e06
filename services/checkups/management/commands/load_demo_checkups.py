from django.core.management.base import BaseCommand

from services.checkups.demo_data import checkup_demo_load


class Command(BaseCommand):
    help = (
        "Load the demo check-ups (Gansu's health caravan, Shenzhen and Xiamen screening days) over "
        "the eight weeks after today. Needs the demo stations (load_demo_data). Adds nothing while "
        "demo events are still upcoming."
    )

    def handle(self, *args, **options) -> None:
        created = checkup_demo_load()
        self.stdout.write(self.style.SUCCESS(f"{created} demo check-up events created."))
