"""Logging in: for apps, a username and password exchanged for an API token; for people, the
session login page. Both are throttled per client address and per username so that passwords
cannot be guessed at speed."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle

from core.api import ERROR_400, PublicApi, validated_body
from core.throttles import AddressThrottle, throttled


class LoginThrottle(AddressThrottle):
    """Login attempts per client address (``YIZHAN_LOGIN_RATE``, default 10/min), logged in or
    not, successful or not. The address is the socket's unless ``YIZHAN_TRUSTED_PROXIES`` says
    how many proxies of ours stand in front (DRF's ``NUM_PROXIES``): a client-sent
    ``X-Forwarded-For`` is never trusted on its own."""

    scope = "login"


class UsernameLoginThrottle(SimpleRateThrottle):
    """Login attempts per username, from any number of addresses
    (``YIZHAN_LOGIN_USERNAME_RATE``, default 20/hour): guessing one account's password from
    many addresses is as slow as from one."""

    scope = "login_username"

    def get_cache_key(self, request, view) -> str | None:
        data = request.POST if isinstance(request, HttpRequest) else request.data
        username = data.get("username") if hasattr(data, "get") else None
        if not isinstance(username, str) or not username.strip():
            return None
        digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": digest}


LOGIN_THROTTLES = (LoginThrottle, UsernameLoginThrottle)


class TokenLoginApi(PublicApi):
    throttle_classes = LOGIN_THROTTLES

    @extend_schema(
        operation_id="auth_token",
        summary="Exchange a username and password for an API token",
        request=AuthTokenSerializer,
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description='{"token": "…"}'),
            400: ERROR_400,
            429: OpenApiResponse(OpenApiTypes.OBJECT, description="Too many attempts."),
        },
    )
    def post(self, request: Request) -> Response:
        data = validated_body(AuthTokenSerializer, request, context={"request": request})
        token, _created = Token.objects.get_or_create(user=data["user"])
        return Response({"token": token.key})


def throttled_login(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The session login ``view`` with the same throttles as the token login (on POST)."""
    message = _("Too many login attempts: try again in %(seconds)s seconds.")
    return throttled(*LOGIN_THROTTLES, methods=("POST",), message=message)(view)
