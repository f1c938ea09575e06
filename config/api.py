"""Base view for yizhan's public, read-only JSON endpoints."""

from __future__ import annotations

from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView


class JsonOnlyNegotiation(BaseContentNegotiation):
    """JSON whatever the client's Accept header says (DRF's documented
    ``IgnoreClientContentNegotiation``): the public API speaks nothing else."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class PublicApi(APIView):
    """Anyone may read; there is nobody to authenticate and no format to negotiate, which also
    keeps both off the hot path of the nearest-station query."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    content_negotiation_class = JsonOnlyNegotiation
