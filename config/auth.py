"""Logging in: for apps, a username and password exchanged for an API token; for people, the
session login page. Both are throttled per client address so that passwords cannot be guessed
at speed."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from config.api import ERROR_400, PublicApi, validated_body


class LoginThrottle(AnonRateThrottle):
    """Every attempt counts, successful or not (``YIZHAN_LOGIN_RATE``, default 10/min)."""

    scope = "login"


class TokenLoginApi(PublicApi):
    throttle_classes = (LoginThrottle,)

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
    """The session login ``view`` with the same throttle as the token login: a POST over the
    rate gets 429 with the seconds to wait."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        throttle = LoginThrottle()
        if request.method == "POST" and not throttle.allow_request(request, None):
            wait = int(throttle.wait() or 60) + 1
            message = _("Too many login attempts: try again in %(seconds)s seconds.")
            response = HttpResponse(message % {"seconds": wait}, status=429)
            response["Retry-After"] = str(wait)
            return response
        return view(request, *args, **kwargs)

    return wrapper
