"""Who may change which station: its managers, and administrators. One DRF permission,
:class:`IsStationManager`, says so for every manager endpoint: 401 for nobody logged in (the
authentication classes say so), 403 for anybody else, 404 for a station that does not exist."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import NotFound, PermissionDenied

from core.roles import STATION_KEEPERS, HasRole, Role, has_role
from stations.models import Station


def managed_stations(user: AbstractBaseUser) -> QuerySet[Station]:
    """The stations this user may change: all for administrators, their own for managers."""
    if has_role(user, Role.ADMINISTRATOR):
        return Station.objects.all()
    if has_role(user, Role.STATION_MANAGER):
        return Station.objects.filter(managers=user)
    return Station.objects.none()


class IsStationManager(HasRole):
    """A station manager or an administrator; on a view with a station ``code`` in its URL, one
    who manages that station."""

    roles = STATION_KEEPERS
    message = gettext_lazy("Only station managers and administrators may do this.")

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        code = view.kwargs.get("code")
        if code is None or managed_stations(request.user).filter(code=code).exists():
            return True
        if not Station.objects.filter(code=code).exists():
            raise NotFound(_("No station with code “%s”.") % code)
        raise PermissionDenied(_("You do not manage station “%s”.") % code)
