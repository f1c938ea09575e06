"""The registry as an HSDS 3.0 API (Open Referral's HSDA shape): services, each fully nested
on its own URL, and the operators as organizations; paginated as HSDA pages, with
``modified_after`` for mirrors."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
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
from services.hsds.checkups import (
    CheckupService,
    CheckupServicePages,
    checkup_service,
    checkup_service_document,
    upcoming_events,
)
from services.hsds.documents import operator_name, organization_document, service_document
from services.hsds.ids import organization_uuid
from services.hsds.selectors import page_context, service_row, service_rows
from services.hsds.tabular import data_package_zip
from stations.apis import ExportThrottle
from stations.models import Station, StationAmenity

HSDS_VERSION = "3.0"
HSDS_PROFILE = "https://docs.openreferral.org/en/latest/hsds/overview.html"


MODIFIED_AFTER_HELP = _lazy(
    "Only what changed at or after this moment (ISO 8601; Beijing time if no offset is given)."
)
DEMO_HELP = _lazy("Include the demo's invented stations, each marked as such in 'alert'.")


class PackageInput(serializers.Serializer):
    modified_after = LocalDateTimeField(required=False, help_text=MODIFIED_AFTER_HELP)
    demo = serializers.BooleanField(default=False, help_text=DEMO_HELP)


class PageInput(PackageInput):
    page = serializers.IntegerField(min_value=1, default=1)
    per_page = serializers.IntegerField(min_value=1, max_value=500, default=50)


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


class ServicesInOrder:
    """Every service as one sequence for the paginator: the stations' amenities (a queryset,
    by station code), then the check-ups (by place and kind)."""

    def __init__(self, params: dict[str, Any]) -> None:
        options = {"modified_after": params.get("modified_after"), "with_demo": params["demo"]}
        self.amenities = service_rows(**options)
        self.checkups = CheckupServicePages(**options)
        self.amenity_count = self.amenities.count()

    def count(self) -> int:
        return self.amenity_count + self.checkups.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list:
        start, stop = index.start or 0, index.stop
        found = list(self.amenities[start:stop]) if start < self.amenity_count else []
        if stop > self.amenity_count:
            found += self.checkups[max(start - self.amenity_count, 0) : stop - self.amenity_count]
        return found


def service_documents(items: Sequence[Any], *, full: bool) -> list[dict[str, Any]]:
    """Amenity rows and check-up services as HSDS services, their stations' hours and
    provinces read once for all (3 queries)."""
    stations = [item.station for item in items if isinstance(item, StationAmenity)]
    stations += [item.first.station for item in items if isinstance(item, CheckupService)]
    context = page_context([station for station in stations if station is not None])
    return [
        service_document(item, context, full=full)
        if isinstance(item, StationAmenity)
        else checkup_service_document(item, context, full=full)
        for item in items
    ]


class HsdsServiceListApi(PublicApi):
    @extend_schema(
        operation_id="hsds_services",
        summary="Every amenity of every station, then every check-up at a place, as HSDS 3.0 "
        "services, paginated",
        parameters=[ServicesInput],
        responses={200: PAGE, 400: ERROR_400},
    )
    def get(self, request: Request) -> Response:
        params = validated(ServicesInput, request)
        items, page = hsda_page(ServicesInOrder(params), params)
        return Response({**page, "contents": service_documents(items, full=params["full"])})


class HsdsServiceDetailApi(PublicApi):
    @extend_schema(
        operation_id="hsds_service",
        summary="One service, fully nested: where it is delivered, with the hours",
        responses={200: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, service_id: str) -> Response:
        found = service_row(service_id) or checkup_service(service_id)
        if found is None:
            raise NotFound(_("No service with id %s.") % service_id)
        return Response(service_documents([found], full=True)[0])


def operators(params: dict[str, Any]) -> list[str]:
    """The stations' operators and the check-ups' organisers (of what the feed lists)."""
    stations = Station.objects.all()
    if not params["demo"]:
        stations = stations.filter(is_synthetic=False)
    if params.get("modified_after") is not None:
        stations = stations.filter(updated_at__gte=params["modified_after"])
    operators_named = stations.order_by().values_list("operator", flat=True).distinct()
    names = {operator_name(operator) for operator in operators_named}
    events = upcoming_events(with_demo=params["demo"])
    if params.get("modified_after") is not None:
        events = events.filter(updated_at__gte=params["modified_after"])
    names |= set(events.order_by().values_list("organiser", flat=True).distinct())
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


class HsdsDataPackageApi(PublicApi):
    """Built on request, the whole registry at once: limited per client address, as the
    export's snapshot is."""

    cache_max_age = 300
    throttle_classes = (ExportThrottle,)

    @extend_schema(
        operation_id="hsds_datapackage",
        summary="The HSDS 3.0 export as a tabular data package (CSV files and datapackage.json)",
        parameters=[PackageInput],
        responses={(200, "application/zip"): OpenApiTypes.BINARY, 400: ERROR_400},
    )
    def get(self, request: Request) -> HttpResponse:
        params = validated(PackageInput, request)
        package = data_package_zip(
            all_services(ServicesInOrder(params)),
            created=timezone.now().isoformat(timespec="seconds"),
        )
        response = HttpResponse(package, content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="yizhan-hsds.zip"'
        return response


def all_services(services: ServicesInOrder, chunk: int = 500) -> Iterator[dict[str, Any]]:
    """Every service fully nested, a chunk (and its stations' hours) at a time."""
    for start in range(0, services.count(), chunk):
        yield from service_documents(services[start : start + chunk], full=True)
