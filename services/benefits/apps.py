from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    name = "services.benefits"
    label = "benefits"
    verbose_name = _("Benefit schemes")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from services.benefits.models import BenefitScheme, Occupation
        from services.benefits.selectors import ALL_SCHEMES, OCCUPATION_NAMES

        for catalogue in (ALL_SCHEMES, OCCUPATION_NAMES):
            for model in (BenefitScheme, Occupation):
                post_save.connect(catalogue.clear, sender=model, weak=False)
                post_delete.connect(catalogue.clear, sender=model, weak=False)
            m2m_changed.connect(
                catalogue.clear, sender=BenefitScheme.occupations.through, weak=False
            )
