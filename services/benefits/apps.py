from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    name = "services.benefits"
    label = "benefits"
    verbose_name = _("Benefit schemes")

    def ready(self) -> None:
        from services.benefits.models import BenefitScheme, Occupation
        from services.benefits.selectors import ALL_SCHEMES, OCCUPATION_NAMES

        for catalogue in (ALL_SCHEMES, OCCUPATION_NAMES):
            catalogue.clear_when_changed(
                BenefitScheme, Occupation, m2m=(BenefitScheme.occupations.through,)
            )
