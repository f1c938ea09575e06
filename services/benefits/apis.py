"""The benefits API: which schemes cover a worker, what they pay, how and where to claim."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import ERROR_400, PublicApi, validated
from core.fields import point_output, position_in_wgs84
from core.language import is_english
from services.benefits.eligibility import (
    CAN_ENROL,
    MAY_BE_COVERED,
    NOT_FOR_YOU,
    NOT_YET,
)
from services.benefits.models import BenefitScheme
from services.benefits.selectors import (
    Assessment,
    Eligibility,
    StationsNearby,
    benefit_schemes,
    stations_nearby,
    worker_eligibility,
)
from services.benefits.serializers import EligibleInput, SchemeFilterInput
from stations.selectors import place_at, place_of_city

# Where to join the union, in order of preference: a union service centre, else a union
# station, in the worker's city. Never a bank's or a company's "workers' harbour": joining is
# the union's business.
JOIN_UNION_KINDS = [["union_service_centre"], ["union_station"]]
OBJECT = OpenApiResponse(OpenApiTypes.OBJECT)
JOIN_ALONE = gettext_lazy(
    "A worker whose employer has no union can apply to join on their own (以个人名义申请入会): "
    "ask at a union service centre or union station."
)


def station_output(found: dict[str, Any], crs: str) -> dict[str, Any]:
    shown = {key: value for key, value in found.items() if key not in ("lon", "lat")}
    return shown | {"location": point_output(found["lon"], found["lat"], crs)}


def covered_output(
    assessment: Assessment, *, nearby: StationsNearby, crs: str, english: bool
) -> dict[str, Any]:
    """A scheme that covers the worker, with the nearest claim points in its region."""
    points = nearby.claim_points.get(assessment.scheme.pk, [])
    return cover_output(assessment.scheme, english) | {
        "state": assessment.state,
        "next_step": next_step(assessment, english),
        "claim_points": [station_output(point, crs) for point in points],
    }


def next_step(assessment: Assessment, english: bool) -> str:
    """What a worker whose conditions are all met does next."""
    if assessment.state == CAN_ENROL:
        how = assessment.scheme.how_to_enrol.get("en" if english else "zh")
        return how or _("Enrol, and pay by the day.")
    if assessment.state == MAY_BE_COVERED:
        return _(
            "It was given to a set number of workers: ask your union whether you are on its "
            "list before you count on it."
        )
    return _("Nothing to enrol in: when something happens, claim as shown.")


def not_covered_output(
    assessment: Assessment, *, join_at: dict[str, Any] | None, english: bool
) -> dict[str, Any]:
    """A scheme that does not cover the worker yet: why, and where to join the union when
    membership is one of the reasons."""
    reasons = assessment.reasons
    joining = any(r.condition == "union_member" for r in reasons)
    return cover_output(assessment.scheme, english) | {
        "state": assessment.state,
        "reasons": [
            {"condition": r.condition, "message": r.message, "change": r.change, "known": r.known}
            for r in reasons
        ],
        "where_to_join_the_union": join_at if joining else None,
        "how_to_join_the_union": str(JOIN_ALONE) if joining else None,
    }


def not_for_you_output(assessment: Assessment, *, english: bool) -> dict[str, Any]:
    """A scheme of the worker's region for another trade or age: why, and nothing to change."""
    return cover_output(assessment.scheme, english) | {
        "state": assessment.state,
        "reasons": [{"condition": r.condition, "message": r.message} for r in assessment.reasons],
    }


class BenefitsEligibleApi(PublicApi):
    @extend_schema(
        operation_id="benefits_eligible",
        summary="The schemes that cover a worker, and those of their region that do not yet",
        parameters=[EligibleInput],
        responses={200: OBJECT, 400: ERROR_400},
    )
    def get(self, request: Request) -> Response:
        params = validated(EligibleInput, request)
        crs, english = params["crs"], is_english()
        if "lat" in params:
            lon, lat = position_in_wgs84(params)
            place = place_at(lon=lon, lat=lat)
        else:
            place = place_of_city(city=params["city"])
        found = worker_eligibility(
            occupation_code=params["occupation"],
            union_member=params["union_member"],
            months_in_occupation=params.get("months_in_occupation"),
            age=params.get("age"),
            place=place,
            english=english,
        )
        from_where = (
            _("your position")
            if "lat" in params
            else _("the centre of %(city)s") % {"city": params["city"]}
        )
        return Response(eligibility_output(found, crs=crs, english=english, from_where=from_where))


def eligibility_output(
    found: Eligibility, *, crs: str, english: bool, from_where: str
) -> dict[str, Any]:
    place, worker, occupation = found.place, found.worker, found.occupation
    nearby = stations_nearby(found, join_union_kinds=JOIN_UNION_KINDS)
    join_at = station_output(nearby.join_at, crs) if nearby.join_at else None
    return {
        "worker": {
            "occupation": {
                "code": occupation.code,
                "name": occupation.name_en if english else occupation.name,
            },
            "union_member": worker.union_member,
            "months_in_occupation": worker.months_in_occupation,
            "age": worker.age,
            "place": place
            and {
                "province": place.province,
                "city": place.city,
                "district": place.district,
                "point": point_output(place.lon, place.lat, crs),
            },
        },
        "note": None
        if place
        else _(
            "Your position is outside the regions yizhan knows: only national schemes are shown."
        ),
        "crs": crs,
        "distances_from": from_where,
        "covered": [
            covered_output(a, nearby=nearby, crs=crs, english=english) for a in found.covered
        ],
        "not_covered_yet": [
            not_covered_output(a, join_at=join_at, english=english) for a in found.in_state(NOT_YET)
        ],
        "not_for_you": [
            not_for_you_output(a, english=english) for a in found.in_state(NOT_FOR_YOU)
        ],
    }


class BenefitSchemeListApi(PublicApi):
    @extend_schema(
        operation_id="benefit_schemes_list",
        parameters=[SchemeFilterInput],
        responses={200: OBJECT, 400: ERROR_400},
    )
    def get(self, request: Request) -> Response:
        params = validated(SchemeFilterInput, request)
        english = is_english()
        schemes = benefit_schemes(region=params.get("region"), occupation=params.get("occupation"))
        results = [cover_output(scheme, english) for scheme in schemes]
        return Response({"count": len(results), "results": results})


class BenefitSchemeDetailApi(PublicApi):
    @extend_schema(
        operation_id="benefit_scheme_detail",  # no points in a scheme: no crs to choose
        responses={200: OBJECT, 404: OBJECT},
    )
    def get(self, request: Request, scheme_id: int) -> Response:
        scheme = get_object_or_404(
            BenefitScheme.objects.prefetch_related("occupations"), pk=scheme_id
        )
        return Response(cover_output(scheme, is_english()))


def cover_output(scheme: BenefitScheme, english: bool) -> dict[str, Any]:
    """A scheme as the API shows it, in the worker's language."""

    def pick(item: dict[str, Any], name: str) -> Any:
        return (item.get(f"{name}_en") or item.get(name)) if english else item.get(name)

    def texts(items: list[dict[str, str]]) -> list[str]:
        return [item["en" if english else "zh"] for item in items]

    return {
        "id": scheme.pk,
        "code": scheme.code,
        "name": scheme.name_en if english else scheme.name,
        "operator": scheme.operator,
        "region": {
            "level": scheme.region_level,
            "name": scheme.region_name or None,
            "code": scheme.region_code or None,
        },
        "cost": {
            "yuan_per_day": float(scheme.cost_yuan_per_day),
            "public_subsidy_yuan_per_day": float(scheme.public_subsidy_yuan_per_day),
            "free": scheme.cost_yuan_per_day == 0,
        },
        "enrolment": {
            "code": scheme.enrolment,
            "text": scheme.get_enrolment_display(),
            "how": scheme.how_to_enrol.get("en" if english else "zh"),
        },
        "conditions": {
            "occupations": sorted(o.code for o in scheme.occupations.all()),
            "union_member_required": scheme.union_member_required,
            "min_months_in_occupation": scheme.min_months_in_occupation,
            "min_age": scheme.min_age,
            "max_age": scheme.max_age,
        },
        "cover": [
            {
                "kind": pick(item, "kind"),
                "amount_yuan": item.get("amount_yuan"),
                "rule": pick(item, "rule"),
            }
            for item in scheme.cover_items
        ],
        "how_to_claim": {
            "channels": texts(scheme.claim_channels),
            "documents": texts(scheme.claim_documents),
            "time_to_pay": (scheme.time_to_pay_en if english else scheme.time_to_pay) or None,
        },
        "paid_cases": [
            {"text": item["en" if english else "zh"], "amount_yuan": item.get("amount_yuan")}
            for item in scheme.paid_cases
        ],
        "validity": scheme.validity.get("en" if english else "zh"),
        "valid_from": scheme.valid_from and scheme.valid_from.isoformat(),
        "valid_to": scheme.valid_to and scheme.valid_to.isoformat(),
        "source": (scheme.source_en if english else scheme.source) or scheme.source,
        "illustrative": (scheme.illustrative_en if english else scheme.illustrative_zh) or None,
    }
