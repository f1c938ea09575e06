from django.core.management.base import BaseCommand, CommandError

from services.benefits.services import BenefitsDataError, benefit_schemes_load


class Command(BaseCommand):
    help = (
        "Load the benefit schemes of fixtures/benefits.json (real schemes, each citing its "
        "publication). "
        "Idempotent: schemes are updated by code. Atomic: a bad scheme loads nothing."
    )

    def handle(self, *args, **options) -> None:
        try:
            created, updated = benefit_schemes_load()
        except BenefitsDataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"{created} schemes created, {updated} updated."))
