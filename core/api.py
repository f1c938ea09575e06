"""What every yizhan API view shares: the base view for anonymous endpoints, query-string
validation, the request's language, and the documented error responses."""

from __future__ import annotations

import functools
from typing import Any

from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from core.quick_query import QuickQuery
from core.roles import IsOrganiser
from core.transfer import mark_public

ERROR_400 = OpenApiResponse(
    OpenApiTypes.OBJECT, description='Invalid parameter: {"errors": {"field": ["message"]}}'
)
GEOJSON = OpenApiResponse(OpenApiTypes.OBJECT, description="GeoJSON (RFC 7946)")


def page_of(serializer_class: type[serializers.Serializer], name: str) -> serializers.Serializer:
    """The schema of one page of a paginated list (count, next, previous, results)."""
    return inline_serializer(
        name,
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )


class JsonOnlyNegotiation(DefaultContentNegotiation):
    """JSON whatever the client's Accept header says (DRF's documented
    ``IgnoreClientContentNegotiation``): the public API speaks nothing else. Request bodies are
    parsed only when they say they are JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class PublicApi(APIView):
    """For anonymous workers: nobody to authenticate (so no session, and no CSRF check on the
    booking writes) and no format to negotiate, which also keeps both off the hot path of the
    nearest-station query."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    content_negotiation_class = JsonOnlyNegotiation
    cache_max_age: int | None = 60
    """Seconds a browser or proxy may keep a GET answer (``Cache-Control``); None for an
    answer meant for one person (``no-store``)."""
    content_etag = True
    """Whether a GET answer carries an ETag of its content (304 when it is sent back). Off
    for answers that name the moment they were made: they never match."""

    def finalize_response(self, request: Request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if self.cache_max_age is None:
            response["Cache-Control"] = "private, no-store"
        else:
            mark_public(response, max_age=self.cache_max_age, content_etag=self.content_etag)
        return response


class AuthenticatedApi(APIView):
    """For managers, organisers and administrators: a token (``Authorization: Token …``) for
    apps, the session (with its CSRF check) for the web pages. Token first, so that a request
    with neither gets 401 with a ``WWW-Authenticate`` challenge rather than 403."""

    authentication_classes = (TokenAuthentication, SessionAuthentication)
    permission_classes = (IsAuthenticated,)
    content_negotiation_class = JsonOnlyNegotiation


class PreconditionRequired(APIException):
    status_code = 428
    default_detail = _("Send the ETag you read in an If-Match header, so that nobody's change "
                       "is overwritten unseen.")  # fmt: skip
    default_code = "precondition_required"


def if_match_version(request: Request) -> int:
    """The version named by the request's ``If-Match`` (428 when there is none). An entity tag
    that is not a version we issued matches nothing: -1, answered by 412 like any stale one."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired()
    tag = header.removeprefix("W/").strip('"')
    return int(tag) if tag.isdigit() else -1


class Pagination(PageNumberPagination):
    """Pages of 100 (``page_size`` 1–500). A page size that is not a number in that range is a
    400 naming it (DRF would quietly use the default)."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None:
            try:
                size = int(raw)
            except ValueError:
                size = 0
            if not 1 <= size <= self.max_page_size:
                message = gettext("Give a whole number from 1 to %(most)d.")
                raise ValidationError(
                    {self.page_size_query_param: [message % {"most": self.max_page_size}]}
                )
        return super().get_page_size(request)


def language() -> str:
    return get_language() or "zh-hans"


@functools.cache
def _query_reader(serializer_class: type[serializers.Serializer], language: str) -> QuickQuery:
    """One instance per input class and language, reused: instantiating a serializer deep-copies
    its fields, which cost more than the nearest query, and ``run_validation`` keeps no state on
    the instance. Per language because validators format their messages once (``lazy_format``)."""
    return QuickQuery(serializer_class())


def validated(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    """Validate the query string; list fields get every value of a repeated parameter. Plainly
    written queries are read quickly (:mod:`core.quick_query`), the rest by the serializer."""
    quick = _query_reader(serializer_class, language())
    serializer = quick.serializer
    params = request.query_params
    query = {
        key: params.getlist(key)
        if isinstance(serializer.fields.get(key), serializers.ListField)
        else params[key]
        for key in params
    }
    values = quick.validated(query)
    return serializer.run_validation(query) if values is None else values


def validated_body(
    serializer_class: type[serializers.Serializer], request: Request, **kwargs: Any
) -> dict:
    """Validate a JSON request body (400 naming the field)."""
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


ORGANISER_ERRORS = {
    400: ERROR_400,
    401: OpenApiResponse(OpenApiTypes.OBJECT, description="Not logged in."),
    403: OpenApiResponse(OpenApiTypes.OBJECT, description="Not an organiser."),
    404: OpenApiResponse(OpenApiTypes.OBJECT, description="No such van or event."),
    409: OpenApiResponse(OpenApiTypes.OBJECT, description="Refused by a rule, with the reason."),
}


class OrganiserApi(AuthenticatedApi):
    permission_classes = (IsAuthenticated, IsOrganiser)
