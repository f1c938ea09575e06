"""Writes of benefit schemes: load the catalogue (fixtures/benefits.json) all or nothing."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from services.benefits.models import BenefitScheme, Occupation

BENEFITS_FILE = Path(settings.BASE_DIR) / "fixtures" / "benefits.json"


SCHEME_FIELDS = [
    "name",
    "name_en",
    "operator",
    "region_level",
    "region_name",
    "region_code",
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
