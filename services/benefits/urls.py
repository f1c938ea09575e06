"""The benefits API: what covers a worker and where to claim; the schemes."""

from django.urls import path

from services.benefits.apis import (
    BenefitSchemeDetailApi,
    BenefitSchemeListApi,
    BenefitsEligibleApi,
)

urlpatterns = [
    path("benefits/eligible/", BenefitsEligibleApi.as_view(), name="benefits-eligible"),
    path("benefits/schemes/", BenefitSchemeListApi.as_view(), name="benefit-schemes"),
    path(
        "benefits/schemes/<int:scheme_id>/",
        BenefitSchemeDetailApi.as_view(),
        name="benefit-scheme-detail",
    ),
]
