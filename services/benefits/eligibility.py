"""Who a benefit scheme covers: one small evaluator over the scheme's conditions as data.

Each condition is a function of a scheme's :class:`Terms` and a :class:`Worker` that returns a
:class:`Reason` when it is not met (or cannot be told from what the worker said). There is no
code about any particular scheme: a new scheme is a new row of data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

NATIONAL, PROVINCE, CITY, COUNTY = "national", "province", "city", "county"


@dataclass(frozen=True)
class Terms:
    """A scheme's conditions."""

    region_level: str
    region_name: str
    region_code: str
    occupations: frozenset[str]
    """Occupation codes covered; empty: every occupation."""
    union_member_required: bool
    min_months_in_occupation: int
    min_age: int | None
    max_age: int | None
    valid_from: dt.date | None
    valid_to: dt.date | None


@dataclass(frozen=True)
class Worker:
    """What the worker told us; None where they did not say."""

    occupation: str
    union_member: bool | None
    months_in_occupation: int | None
    age: int | None
    province: str | None
    city: str | None
    district: str | None
    today: dt.date
    district_code: str | None = None
    """The adcode of the county the worker is placed in."""


@dataclass(frozen=True)
class Reason:
    condition: str
    """The input or term it is about: occupation, union_member, months_in_occupation, age,
    valid_from."""
    message: str
    change: str | None
    """What would change it, when something can."""
    known: bool = True
    """False when the worker did not give what the condition needs."""


def in_region(terms: Terms, worker: Worker) -> bool:
    """Is the worker where the scheme applies? (Not a reason: other regions' schemes are
    simply not the worker's.)"""
    where = {
        NATIONAL: None,
        PROVINCE: worker.province,
        CITY: worker.city,
        COUNTY: worker.district,
    }
    if terms.region_level == NATIONAL:
        return True
    if terms.region_code and worker.district_code:
        return same_region(terms.region_code, worker.district_code, terms.region_level)
    return where[terms.region_level] == terms.region_name


# An adcode is province (2 digits), city (2), county (2): a region holds the counties whose
# code starts as its code does at its level. A municipality's code (110000) is its city's.
REGION_DIGITS = {PROVINCE: 2, CITY: 4, COUNTY: 6}


def same_region(region_code: str, county_code: str, level: str) -> bool:
    digits = REGION_DIGITS[level]
    if level == CITY and region_code.endswith("0000"):
        digits = 2
    return county_code[:digits] == region_code[:digits] and (
        level != COUNTY or county_code == region_code
    )


def is_current(terms: Terms, today: dt.date) -> bool:
    return terms.valid_to is None or terms.valid_to >= today


def _occupation(terms: Terms, worker: Worker, names: Mapping[str, str]) -> Reason | None:
    if not terms.occupations or worker.occupation in terms.occupations:
        return None
    covered = "、".join(sorted(names.get(code, code) for code in terms.occupations))
    return Reason("occupation", _("Only for: %(occupations)s.") % {"occupations": covered}, None)


def _union_member(terms: Terms, worker: Worker, names: Mapping[str, str]) -> Reason | None:
    if not terms.union_member_required or worker.union_member:
        return None
    change = _("Join the union.")
    if worker.union_member is None:
        return Reason("union_member", _("For union members: are you one?"), change, known=False)
    return Reason("union_member", _("For union members only."), change)


def _months(terms: Terms, worker: Worker, names: Mapping[str, str]) -> Reason | None:
    needed, months = terms.min_months_in_occupation, worker.months_in_occupation
    if not needed or (months is not None and months >= needed):
        return None
    message = ngettext(
        "Needs %(needed)d month in the occupation.",
        "Needs %(needed)d months in the occupation.",
        needed,
    ) % {"needed": needed}
    if months is None:
        return Reason("months_in_occupation", message, None, known=False)
    more = needed - months
    change = ngettext("%(more)d more month.", "%(more)d more months.", more) % {"more": more}
    return Reason("months_in_occupation", message, change)


def _age(terms: Terms, worker: Worker, names: Mapping[str, str]) -> Reason | None:
    if terms.min_age is None and terms.max_age is None:
        return None
    low = terms.min_age if terms.min_age is not None else 0
    span = (
        _("For ages %(low)d to %(high)d.") % {"low": low, "high": terms.max_age}
        if terms.max_age is not None
        else _("From age %(low)d.") % {"low": low}
    )
    if worker.age is None:
        message = _("Age not given: %(rule)s") % {"rule": span}
        return Reason("age", message, _("Give your age."), known=False)
    if worker.age < low:
        years = low - worker.age
        change = ngettext("In %(years)d year.", "In %(years)d years.", years) % {"years": years}
        return Reason("age", span, change)
    if terms.max_age is not None and worker.age > terms.max_age:
        return Reason("age", span, None)
    return None


def _started(terms: Terms, worker: Worker, names: Mapping[str, str]) -> Reason | None:
    if terms.valid_from is None or terms.valid_from <= worker.today:
        return None
    starts = terms.valid_from.isoformat()
    return Reason("valid_from", _("Starts on %(date)s.") % {"date": starts}, _("Wait until then."))


CONDITIONS: list[Callable[[Terms, Worker, Mapping[str, str]], Reason | None]] = [
    _occupation,
    _union_member,
    _months,
    _age,
    _started,
]


COVERED, MAY_BE_COVERED, CAN_ENROL, NOT_YET, NOT_FOR_YOU = (
    "covered",
    "may_be_covered",
    "can_enrol",
    "not_yet",
    "not_for_you",
)
GIFTED, BY_THE_DAY = "gifted", "by_the_day"


def state_of(reasons: list[Reason], enrolment: str) -> str:
    """Where the worker stands with a scheme of their region:

    - ``not_for_you``: a condition nothing can change (another trade, past the age limit);
    - ``not_yet``: conditions not met, or not known, that can change (join the union, more
      months, give one's age…);
    - ``can_enrol``: every condition met, and cover is bought by the day;
    - ``may_be_covered``: every condition met, but it was given to a set number of workers:
      only their union's record says whether they are among them;
    - ``covered``: every condition met, nothing more to do than claim.
    """
    if any(r.known and r.change is None for r in reasons):
        return NOT_FOR_YOU
    if reasons:
        return NOT_YET
    if enrolment == BY_THE_DAY:
        return CAN_ENROL
    if enrolment == GIFTED:
        return MAY_BE_COVERED
    return COVERED


def reasons_not_covered(
    terms: Terms, worker: Worker, occupation_names: Mapping[str, str]
) -> list[Reason]:
    """Every condition the worker does not (or may not) meet; empty: the scheme covers them.
    Months in the occupation are only counted in an occupation the scheme covers."""
    found = [condition(terms, worker, occupation_names) for condition in CONDITIONS]
    reasons = [reason for reason in found if reason is not None]
    if any(reason.condition == "occupation" for reason in reasons):
        reasons = [r for r in reasons if r.condition != "months_in_occupation"]
    return reasons
