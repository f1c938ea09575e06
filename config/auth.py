"""Logging in for apps: a username and password exchanged for an API token, throttled per
client address so that passwords cannot be guessed at speed."""

from __future__ import annotations

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
