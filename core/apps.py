from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every yizhan app uses: the API's building blocks (base views, fields, the error
    shape), roles and permissions, authentication and throttles, local time, coordinates, the
    exact nearest-N query, phone numbers, the admin's map widget, and jobs run outside the
    request."""

    name = "core"
    verbose_name = _("yizhan core")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_migrate

        from core.roles import ensure_role_groups, keep_staff_in_step

        # After every app's migrate: the last call, once every app's permissions exist, wins.
        post_migrate.connect(ensure_role_groups, dispatch_uid="yizhan-role-groups")
        groups = get_user_model().groups.through
        m2m_changed.connect(keep_staff_in_step, sender=groups, dispatch_uid="yizhan-staff")
