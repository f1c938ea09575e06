"""The HSDS 3.0 export, under /api/v1/hsds/."""

from django.urls import path

from services.hsds.apis import (
    HsdsDataPackageApi,
    HsdsOrganizationDetailApi,
    HsdsOrganizationListApi,
    HsdsRootApi,
    HsdsServiceDetailApi,
    HsdsServiceListApi,
)

urlpatterns = [
    path("hsds/", HsdsRootApi.as_view(), name="hsds"),
    path("hsds/services/", HsdsServiceListApi.as_view(), name="hsds-services"),
    path("hsds/datapackage.zip", HsdsDataPackageApi.as_view(), name="hsds-datapackage"),
    path(
        "hsds/services/<str:service_id>/",
        HsdsServiceDetailApi.as_view(),
        name="hsds-service",
    ),
    path("hsds/organizations/", HsdsOrganizationListApi.as_view(), name="hsds-organizations"),
    path(
        "hsds/organizations/<str:organization_id>/",
        HsdsOrganizationDetailApi.as_view(),
        name="hsds-organization",
    ),
]
