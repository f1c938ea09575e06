"""The three roles, as Django groups: station managers (of the stations assigned to them in
``Station.managers``), organisers (vans and check-up events) and administrators (everything).

The groups and their admin-site permissions are kept in step after every ``migrate``
(:func:`ensure_role_groups`), so a new deployment has them without a fixture."""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission


class Role(StrEnum):
    STATION_MANAGER = "station_manager"
    ORGANISER = "organiser"
    ADMINISTRATOR = "administrator"


# Admin-site permissions per role, as (app label, model names); administrators get every
# permission of these apps.
ROLE_PERMISSIONS: dict[Role, tuple[tuple[str, tuple[str, ...]], ...]] = {
    Role.STATION_MANAGER: (),
    Role.ORGANISER: (("checkups", ("van", "checkupevent")),),
    Role.ADMINISTRATOR: (
        ("stations", ()),
        ("checkups", ()),
        ("planning", ()),
        ("benefits", ()),
        ("auth", ("user", "group")),
    ),
}


ORGANISERS = (Role.ORGANISER, Role.ADMINISTRATOR)
STATION_KEEPERS = (Role.STATION_MANAGER, Role.ADMINISTRATOR)


def has_any_role(user: AbstractBaseUser | AnonymousUser | None, roles: tuple[Role, ...]) -> bool:
    return any(has_role(user, role) for role in roles)


def has_role(user: AbstractBaseUser | AnonymousUser | None, role: Role) -> bool:
    """Superusers have every role; the result is kept on the user object for the request."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if not hasattr(user, "_yizhan_roles"):
        user._yizhan_roles = set(user.groups.values_list("name", flat=True))
    return role.value in user._yizhan_roles


def ensure_role_groups(**_kwargs) -> None:
    """Create the role groups and give them their permissions (post_migrate receiver)."""
    for role, grants in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role.value)
        permissions = Permission.objects.none()
        for app_label, models in grants:
            query = Permission.objects.filter(content_type__app_label=app_label)
            if models:
                query = query.filter(content_type__model__in=models)
            permissions |= query
        group.permissions.set(permissions)


class HasRole(BasePermission):
    """DRF permission: the user has one of ``roles`` (subclass and set it)."""

    roles: tuple[Role, ...] = ()
    message = _("Your account does not have the role this needs.")

    def has_permission(self, request, view) -> bool:
        return has_any_role(request.user, self.roles)


class IsOrganiser(HasRole):
    roles = ORGANISERS
    message = _("Only organisers and administrators may do this.")
