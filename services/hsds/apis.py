"""The registry as an HSDS 3.0 API (Open Referral's HSDA shape): services, each fully nested
on its own URL, and the operators as organizations; paginated as HSDA pages, with
``modified_after`` for mirrors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import ERROR_400, PublicApi, validated
from core.fields import LocalDateTimeField
from services.hsds.documents import operator_name, organization_document, service_document
from services.hsds.ids import organization_uuid
from services.hsds.selectors import page_context, service_row, service_rows
from services.hsds.tabular import data_package_zip
from stations.models import Station

HSDS_VERSION = "3.0"
HSDS_PROFILE = "https://docs.openreferral.org/en/latest/hsds/overview.html"


MODIFIED_AFTER_HELP = _lazy(
    "Only what changed at or after this moment (ISO 8601; Beijing time if no offset is given)."
)
DEMO_HELP = _lazy("Include the demo's invented stations, each marked as such in 'alert'.")


class PageInput(serializers.Serializer):
    page = serializers.IntegerField(min_value=1, default=1)
    per_page = serializers.IntegerField(min_value=1, max_value=500, default=50)
    modified_after = LocalDateTimeField(required=False, help_text=MODIFIED_AFTER_HELP)
    demo = serializers.BooleanField(default=False, help_text=DEMO_HELP)


class ServicesInput(PageInput):
    full = serializers.BooleanField(
        default=False, help_text=_lazy("Each service fully nested, as on its own URL.")
    )


def hsda_page(items: QuerySet | list, params: dict[str, Any]) -> tuple[list, dict[str, Any]]:
    """One page of ``items`` and the HSDA page fields (a page past the last is empty)."""
    paginator = Paginator(items, params["per_page"])
    number = params["page"]
    rows = list(paginator.page(number).object_list) if number <= paginator.num_pages else []
    pages = max(paginator.num_pages, 1) if paginator.count else 0
    return rows, {
        "total_items": paginator.count,
        "total_pages": pages,
        "page_number": number,
        "size": len(rows),
        "first_page": number == 1,
        "last_page": number >= pages,
        "empty": not rows,
    }


PAGE = OpenApiResponse(OpenApiTypes.OBJECT, description="An HSDA page: page fields, contents.")


class HsdsRootApi(PublicApi):
    @extend_schema(operation_id="hsds_root", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response(
            {
                "version": HSDS_VERSION,
                "profile": HSDS_PROFILE,
                "openapi_url": request.build_absolute_uri(reverse("schema")),
            }
        )


class HsdsServiceListApi(PublicApi):
    @extend_schema(
        operation_id="hsds_services",
        summary="Every amenity of every station as an HSDS 3.0 service, paginated",
        parameters=[ServicesInput],
        responses={200: PAGE, 400: ERROR_400},
    )
    def get(self, request: Request) -> Response:
        params = validated(ServicesInput, request)
        rows, page = hsda_page(
            service_rows(modified_after=params.get("modified_after"), with_demo=params["demo"]),
            params,
        )
        context = page_context(rows)
        contents = [service_document(row, context, full=params["full"]) for row in rows]
        return Response({**page, "contents": contents})


class HsdsServiceDetailApi(PublicApi):
    @extend_schema(
        operation_id="hsds_service",
        summary="One service, fully nested: where it is delivered, with the hours",
        responses={200: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, service_id: str) -> Response:
        row = service_row(service_id)
        if row is None:
            raise NotFound(_("No service with id %s.") % service_id)
        return Response(service_document(row, page_context([row]), full=True))


def operators(params: dict[str, Any]) -> list[str]:
    stations = Station.objects.all()
    if not params["demo"]:
        stations = stations.filter(is_synthetic=False)
    if params.get("modified_after") is not None:
        stations = stations.filter(updated_at__gte=params["modified_after"])
    names = {operator_name(station) for station in stations.only("operator")}
    return sorted(names)


class HsdsOrganizationListApi(PublicApi):
    @extend_schema(
        operation_id="hsds_organizations",
        summary="The stations' operators as HSDS 3.0 organizations, paginated",
        parameters=[PageInput],
        responses={200: PAGE, 400: ERROR_400},
    )
    def get(self, request: Request) -> Response:
        params = validated(PageInput, request)
        names, page = hsda_page(operators(params), params)
        return Response({**page, "contents": [organization_document(n) for n in names]})


class HsdsOrganizationDetailApi(PublicApi):
    @extend_schema(
        operation_id="hsds_organization",
        responses={200: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, organization_id: str) -> Response:
        everyone = operators({"demo": True})
        name = next((n for n in everyone if organization_uuid(n) == organization_id), None)
        if name is None:
            raise NotFound(_("No organization with id %s.") % organization_id)
        return Response(organization_document(name))


class PackageInput(serializers.Serializer):
    modified_after = LocalDateTimeField(required=False, help_text=MODIFIED_AFTER_HELP)
    demo = serializers.BooleanField(default=False, help_text=DEMO_HELP)


class HsdsDataPackageApi(PublicApi):
    cache_max_age = 300

    @extend_schema(
        operation_id="hsds_datapackage",
        summary="The HSDS 3.0 export as a tabular data package (CSV files and datapackage.json)",
        parameters=[PackageInput],
        responses={(200, "application/zip"): OpenApiTypes.BINARY, 400: ERROR_400},
    )
    def get(self, request: Request) -> HttpResponse:
        params = validated(PackageInput, request)
        rows = service_rows(modified_after=params.get("modified_after"), with_demo=params["demo"])
        package = data_package_zip(
            all_services(rows), created=timezone.now().isoformat(timespec="seconds")
        )
        response = HttpResponse(package, content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="yizhan-hsds.zip"'
        return response


def all_services(rows: QuerySet, chunk: int = 500) -> Iterator[dict[str, Any]]:
    """Every row as a fully nested service, a chunk of rows (and their hours) at a time."""
    batch = []
    for row in rows.iterator(chunk_size=chunk):
        batch.append(row)
        if len(batch) == chunk:
            yield from _nested(batch)
            batch = []
    yield from _nested(batch)


def _nested(batch: list) -> Iterator[dict[str, Any]]:
    context = page_context(batch)
    for row in batch:
        yield service_document(row, context, full=True)
