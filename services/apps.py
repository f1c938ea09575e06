from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = _("Services")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from config.roles import ensure_role_groups
        from services import jobs  # noqa: F401  (registers the check-up job kinds)

        # Once per migrate, after this app's own permissions are created (auth's receiver was
        # connected first); those of auth and stations, earlier in INSTALLED_APPS, exist by then.
        post_migrate.connect(ensure_role_groups, sender=self, dispatch_uid="yizhan-role-groups")
