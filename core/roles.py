"""The three roles, as Django groups: station managers (of the stations assigned to them in
``Station.managers``), organisers (vans and check-up events) and administrators (everything).

The groups and their admin-site permissions are kept in step after every ``migrate``
(:func:`ensure_role_groups`), so a new deployment has them without a fixture. Membership of a
group with admin-site permissions (organisers, administrators) is all it takes to log into the
admin site: ``is_staff`` follows it (:func:`keep_staff_in_step`), nobody sets it by hand."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.db.models import Q
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
        ("reports", ()),
        ("alerts", ()),
        ("auth", ("user", "group")),
    ),
}


ORGANISERS = (Role.ORGANISER, Role.ADMINISTRATOR)
ADMIN_SITE_ROLES = tuple(role for role, grants in ROLE_PERMISSIONS.items() if grants)
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
    staff_in_step()


def staff_in_step(user_ids: Iterable[int] | None = None) -> None:
    """``is_staff`` for superusers and members of the roles that use the admin site, and for
    nobody else (all users, or those with these ids)."""
    users = get_user_model().objects.all()
    if user_ids is not None:
        users = users.filter(pk__in=list(user_ids))
    staff = Q(is_superuser=True) | Q(groups__name__in=[role.value for role in ADMIN_SITE_ROLES])
    users.filter(staff, is_staff=False).update(is_staff=True)
    users.exclude(staff).filter(is_staff=True).update(is_staff=False)


def keep_staff_in_step(sender, instance, action: str, reverse: bool, pk_set, **_kwargs) -> None:
    """``m2m_changed`` receiver of the users' groups: after a user joins or leaves a group (or
    a group gains or loses users), their ``is_staff`` follows."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        staff_in_step([instance.pk])
    else:  # a group's users changed: all of them, when cleared
        staff_in_step(pk_set if action != "post_clear" else None)


class HasRole(BasePermission):
    """DRF permission: the user has one of ``roles`` (subclass and set it)."""

    roles: tuple[Role, ...] = ()
    message = _("Your account does not have the role this needs.")

    def has_permission(self, request, view) -> bool:
        return has_any_role(request.user, self.roles)


class IsOrganiser(HasRole):
    roles = ORGANISERS
    message = _("Only organisers and administrators may do this.")
