"""Reads for benefits: "what covers me, and where do I claim?", answered by the evaluator
(``services.benefits.eligibility``) over the schemes of the worker's region."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.db.models import Q

from core.catalogues import KeptCatalogue
from core.localtime import local_today
from core.prepared import execute_prepared
from core.routers import read_connection
from services.benefits.eligibility import (
    NOT_YET,
    Reason,
    Terms,
    Worker,
    in_region,
    is_current,
    reasons_not_covered,
    state_of,
)
from services.benefits.models import BenefitScheme, Occupation
from stations.models import Station
from stations.selectors import Place, StationsWanted, regions_cities, station_nearest_lists


def scheme_terms(scheme: BenefitScheme) -> Terms:
    return Terms(
        region_level=scheme.region_level,
        region_name=scheme.region_name,
        region_code=scheme.region_code,
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
    schemes: list[BenefitScheme],
    worker: Worker,
    occupation_names: dict[str, str],
    terms_by_scheme: Mapping[int, Terms] | None = None,
) -> list[Assessment]:
    """The current schemes of the worker's region, each with why it does not cover them (if
    it does not): those that cover first, then those the worker could still get.
    ``terms_by_scheme``: each scheme's terms by id, where they were made before (the kept
    catalogue); otherwise made here."""
    found = []
    for scheme in schemes:
        terms = scheme_terms(scheme) if terms_by_scheme is None else terms_by_scheme[scheme.pk]
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
    """Assess every scheme for a worker of ``occupation_code`` (a code the input validated:
    :func:`occupation_names`) at ``place``."""
    occupation = occupation_names()[normalised(occupation_code)]
    worker = Worker(
        occupation=occupation.code,
        union_member=union_member,
        months_in_occupation=months_in_occupation,
        age=age,
        province=place and place.province,
        city=place and place.city,
        district=place and place.district,
        district_code=place and place.code,
        today=local_today(),
    )
    kept = ALL_SCHEMES.get()
    names = kept.occupation_names_en if english else kept.occupation_names
    return Eligibility(worker, occupation, place, assess(kept.schemes, worker, names, kept.terms))


def normalised(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").replace("_", " ").split())


def _occupation_names() -> dict[str, Occupation]:
    names: dict[str, Occupation] = {}
    for occupation in Occupation.objects.all():
        for name in [occupation.code, occupation.name, occupation.name_en, *occupation.synonyms]:
            names.setdefault(normalised(name), occupation)
    return names


@dataclass(frozen=True)
class SchemeCatalogue:
    """Every scheme, by code, with what assessing one needs made once a load, not once an
    answer: its terms, and the names of the occupations schemes name (by code, in Chinese and
    in English). Made per answer, they were a fifth of an eligibility answer's time: each
    scheme's ``occupations.all()`` makes a related manager (≈20 µs), twice a scheme."""

    schemes: list[BenefitScheme]
    terms: dict[int, Terms]
    occupation_names: dict[str, str]
    occupation_names_en: dict[str, str]


def _all_schemes() -> SchemeCatalogue:
    schemes = list(BenefitScheme.objects.prefetch_related("occupations").order_by("code"))
    occupations = {o.code: o for scheme in schemes for o in scheme.occupations.all()}
    return SchemeCatalogue(
        schemes=schemes,
        terms={scheme.pk: scheme_terms(scheme) for scheme in schemes},
        occupation_names={code: o.name for code, o in occupations.items()},
        occupation_names_en={code: o.name_en for code, o in occupations.items()},
    )


CATALOGUE_SECONDS = 60
OCCUPATION_NAMES = KeptCatalogue(_occupation_names, seconds=CATALOGUE_SECONDS)
ALL_SCHEMES = KeptCatalogue(_all_schemes, seconds=CATALOGUE_SECONDS)
"""Every answer reads both; they change a few times a year (services.benefits.apps clears them
when this process changes them; other processes see a change within a minute)."""


def occupation_names() -> dict[str, Occupation]:
    """Every way of naming an occupation (code, zh/en names, synonyms), normalised."""
    return OCCUPATION_NAMES.get()


def benefit_schemes(
    *, region: str | None = None, occupation: str | None = None
) -> list[BenefitScheme]:
    """The schemes, by code: of a region (its name or level: 深圳市, national…) and open to an
    occupation (schemes for every occupation included), when given."""
    schemes = BenefitScheme.objects.prefetch_related("occupations").order_by("code")
    if region:
        schemes = schemes.filter(Q(region_name=region) | Q(region_level=region))
    if occupation:
        schemes = schemes.filter(Q(occupations=None) | Q(occupations=occupation)).distinct()
    return list(schemes)


# The columns a claim point shows, by hand: the ORM's ``in_bulk`` of the same rows cost
# ≈1.1 ms a call (building the query and the model instances), half again the nearest search
# it follows (a Shenzhen point of the bench's, demo data, 2026-12-03).
STATION_ROWS_SQL = f"""
SELECT id, code, name, kind, address, phone, ST_X(location), ST_Y(location), is_synthetic
  FROM {Station._meta.db_table}
 WHERE id = ANY(%s)
"""


def stations_near_many(
    *, lon: float, lat: float, wanted: Sequence[StationsWanted]
) -> list[list[dict]]:
    """For each list wanted, the nearest stations of its kinds (in its cities, if any) with
    their distance and position (``lon``, ``lat``): two queries in all, whatever the number
    of lists."""
    lists = station_nearest_lists(lon=lon, lat=lat, wanted=wanted)
    with read_connection().cursor() as cursor:
        execute_prepared(cursor, STATION_ROWS_SQL, [[ref.id for refs in lists for ref in refs]])
        rows = {row[0]: row[1:] for row in cursor.fetchall()}
    return [[station_row(rows[ref.id], ref.distance_m) for ref in refs] for refs in lists]


def station_row(row: tuple, distance_m: float) -> dict:
    code, name, kind, address, phone, station_lon, station_lat, is_synthetic = row
    return {
        "code": code,
        "name": name,
        "kind": kind,
        "address": address,
        "phone": phone,
        "lon": station_lon,
        "lat": station_lat,
        "distance_m": round(distance_m, 1),
        "is_synthetic": is_synthetic,
    }


@dataclass(frozen=True)
class StationsNearby:
    """The stations an eligibility answer shows: each covering scheme's nearest claim points
    in its region (by scheme id), and the first station found of ``join_union_kinds`` in the
    worker's city, where to join the union."""

    claim_points: dict[int, list[dict]]
    join_at: dict | None


def stations_nearby(
    found: Eligibility, *, join_union_kinds: Sequence[Sequence[str]]
) -> StationsNearby:
    """Found together in two queries, whatever the number of schemes: the nearest stations of
    every list, their rows (the regions' cities come from the kept districts)."""
    place = found.place
    if place is None:
        return StationsNearby({}, None)
    covered = [a.scheme for a in found.covered if a.scheme.claim_point_kinds]
    regions = regions_cities((s.region_level, s.region_name) for s in covered)
    wanted = [
        StationsWanted(kinds=s.claim_point_kinds, cities=regions[(s.region_level, s.region_name)])
        for s in covered
    ]
    if found.membership_missing:  # in order of preference
        wanted += [StationsWanted(kinds, [place.city], limit=1) for kinds in join_union_kinds]
    lists = stations_near_many(lon=place.lon, lat=place.lat, wanted=wanted) if wanted else []
    join_at = next((points[0] for points in lists[len(covered) :] if points), None)
    return StationsNearby(
        {scheme.pk: points for scheme, points in zip(covered, lists, strict=False)}, join_at
    )
