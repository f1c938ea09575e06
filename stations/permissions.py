"""Who may change which station: its managers, and administrators. Raised as API errors:
401 for nobody logged in (the authentication classes say so), 403 for anybody else."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, PermissionDenied

from config.roles import STATION_KEEPERS, Role, has_any_role, has_role
from stations.models import Station


def may_manage_stations(user: AbstractBaseUser) -> bool:
    return has_any_role(user, STATION_KEEPERS)


def managed_stations(user: AbstractBaseUser) -> QuerySet[Station]:
    """The stations this user may change: all for administrators, their own for managers."""
    if has_role(user, Role.ADMINISTRATOR):
        return Station.objects.all()
    if has_role(user, Role.STATION_MANAGER):
        return Station.objects.filter(managers=user)
    return Station.objects.none()


def check_manages(user: AbstractBaseUser, code: str) -> None:
    """Raise unless ``user`` may read the manager's view of, and change, station ``code``."""
    if not may_manage_stations(user):
        raise PermissionDenied(_("Only station managers and administrators may do this."))
    if managed_stations(user).filter(code=code).exists():
        return
    if not Station.objects.filter(code=code).exists():
        raise NotFound(_("No station with code “%s”.") % code)
    raise PermissionDenied(_("You do not manage station “%s”.") % code)
