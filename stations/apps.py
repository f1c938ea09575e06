from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "stations"
    verbose_name = _("Stations")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from config.roles import ensure_role_groups

        # After every app has migrated (services registers last), so every permission exists.
        post_migrate.connect(ensure_role_groups, dispatch_uid="yizhan-role-groups")
