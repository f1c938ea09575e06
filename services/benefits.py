"""Benefit schemes: loading the demo catalogue, and answering "what covers me, and where do I
claim?" with the evaluator (services.eligibility) over the schemes of the worker's region."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from services.eligibility import (
    NOT_YET,
    Reason,
    Terms,
    Worker,
    in_region,
    is_current,
    reasons_not_covered,
    state_of,
)
from services.models import BenefitScheme, Occupation
from services.selectors import Place, benefit_schemes
from stations.opening_hours import local_today

BENEFITS_FILE = Path(settings.BASE_DIR) / "fixtures" / "benefits.json"
SCHEME_FIELDS = [
    "name",
    "name_en",
    "operator",
    "region_level",
    "region_name",
    "union_member_required",
    "min_months_in_occupation",
    "min_age",
    "max_age",
    "cost_yuan_per_day",
    "public_subsidy_yuan_per_day",
    "enrolment",
    "cover_items",
    "claim_channels",
    "claim_documents",
    "time_to_pay",
    "time_to_pay_en",
    "claim_point_kinds",
    "how_to_enrol",
    "paid_cases",
    "validity",
    "valid_from",
    "valid_to",
    "source",
    "source_en",
    "illustrative_zh",
    "illustrative_en",
]


class BenefitsDataError(Exception):
    """The schemes file is unusable; the message names the scheme and the field."""


@transaction.atomic
def benefit_schemes_load(*, path: Path = BENEFITS_FILE) -> tuple[int, int]:
    """Create or update the schemes in ``path`` (by code), all or none. Returns (created,
    updated)."""
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))["schemes"]
    except (OSError, ValueError, KeyError) as exc:
        raise BenefitsDataError(f"{path.name}: not a readable schemes file ({exc})") from exc
    catalogue = set(Occupation.objects.values_list("code", flat=True))
    created = 0
    for row in rows:
        code = row.get("code", "?")
        unknown = sorted(set(row.get("occupations", [])) - catalogue)
        if unknown:
            raise BenefitsDataError(f"{path.name}: {code}: unknown occupation(s) {unknown}")
        scheme = BenefitScheme.objects.filter(code=code).first() or BenefitScheme(code=code)
        created += scheme.pk is None
        for name in SCHEME_FIELDS:
            if name in row:
                value = row[name]
                setattr(scheme, name, Decimal(str(value)) if isinstance(value, float) else value)
        try:
            scheme.full_clean()
        except ValidationError as exc:
            raise BenefitsDataError(f"{path.name}: {code}: {exc.message_dict}") from exc
        scheme.save()
        scheme.occupations.set(row.get("occupations", []))
    return created, len(rows) - created


def scheme_terms(scheme: BenefitScheme) -> Terms:
    return Terms(
        region_level=scheme.region_level,
        region_name=scheme.region_name,
        occupations=frozenset(o.code for o in scheme.occupations.all()),
        union_member_required=scheme.union_member_required,
        min_months_in_occupation=scheme.min_months_in_occupation,
        min_age=scheme.min_age,
        max_age=scheme.max_age,
        valid_from=scheme.valid_from,
        valid_to=scheme.valid_to,
    )


@dataclass
class Assessment:
    scheme: BenefitScheme
    reasons: list[Reason] = field(default_factory=list)

    @property
    def covers(self) -> bool:
        return not self.reasons

    @property
    def state(self) -> str:
        """covered, may_be_covered, can_enrol, not_yet or not_for_you (see ``state_of``)."""
        return state_of(self.reasons, self.scheme.enrolment)

    @property
    def can_change(self) -> bool:
        """Every reason is one the worker could change (or has not told us about)."""
        return all(r.change is not None or not r.known for r in self.reasons)


def assess(
    schemes: list[BenefitScheme], worker: Worker, occupation_names: dict[str, str]
) -> list[Assessment]:
    """The current schemes of the worker's region, each with why it does not cover them (if
    it does not): those that cover first, then those the worker could still get."""
    found = []
    for scheme in schemes:
        terms = scheme_terms(scheme)
        if not is_current(terms, worker.today) or not in_region(terms, worker):
            continue
        found.append(Assessment(scheme, reasons_not_covered(terms, worker, occupation_names)))
    return sorted(found, key=lambda a: (not a.covers, not a.can_change, a.scheme.code))


@dataclass(frozen=True)
class Eligibility:
    """Where a worker stands with every current scheme of their region."""

    worker: Worker
    occupation: Occupation
    place: Place | None
    assessments: list[Assessment]

    def in_state(self, *states: str) -> list[Assessment]:
        return [a for a in self.assessments if a.state in states]

    @property
    def covered(self) -> list[Assessment]:
        return [a for a in self.assessments if a.covers]

    @property
    def membership_missing(self) -> bool:
        """Joining the union is one of the things that would change a ``not_yet``."""
        return any(r.condition == "union_member" for a in self.in_state(NOT_YET) for r in a.reasons)


def worker_eligibility(
    *,
    occupation_code: str,
    union_member: bool | None,
    months_in_occupation: int | None,
    age: int | None,
    place: Place | None,
    english: bool,
) -> Eligibility:
    """Assess every scheme for a worker of ``occupation_code`` at ``place``."""
    occupation = Occupation.objects.get(pk=occupation_code)
    worker = Worker(
        occupation=occupation.code,
        union_member=union_member,
        months_in_occupation=months_in_occupation,
        age=age,
        province=place and place.province,
        city=place and place.city,
        district=place and place.district,
        today=local_today(),
    )
    schemes = benefit_schemes()
    names = {
        o.code: (o.name_en if english else o.name) for s in schemes for o in s.occupations.all()
    }
    return Eligibility(worker, occupation, place, assess(schemes, worker, names))


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
        "region": {"level": scheme.region_level, "name": scheme.region_name or None},
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
