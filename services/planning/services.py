"""Writes of van-tour planning: solve a tour request into a proposal, and accept a proposal as
check-up events (all or none, every visit checked by the van rules)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Refused
from core.localtime import LOCAL_TZ, local_midnight
from services.checkups.models import CheckupEvent, Van
from services.checkups.services import checkup_event_schedule, van_travel_seconds
from services.planning.models import TourProposal
from services.planning.planners import (
    QUARTER_HOUR_S,
    Plan,
    on_quarter_hours,
    plan_tours,
    problem,
)
from services.planning.selectors import (
    UNCOVERED_DAYS,
    UNCOVERED_KM,
    distance_matrix,
    planning_candidates,
    planning_van_days,
)
from stations.models import Station


@dataclass(frozen=True)
class TourRequest:
    city: str
    first_day: dt.date
    last_day: dt.date
    vans: Sequence[Van]
    visit_minutes: int
    district: str | None = None
    station_codes: Sequence[str] = ()
    uncovered_km: float = UNCOVERED_KM
    uncovered_days: int = UNCOVERED_DAYS
    time_limit_s: float = 10.0

    def parameters(self) -> dict[str, Any]:
        """What was asked, as JSON values (kept with the proposal)."""
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        return values | {
            "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(),
            "vans": [van.pk for van in self.vans],
            "station_codes": list(self.station_codes),
        }


def quarter_hour_drive(metres: float) -> float:
    """A drive as the plan counts it: the van rule's time, rounded up to a quarter hour, so
    that visits planned from a day starting on the hour start on quarter hours (people are
    told 09:15, not 09:12) and the solver chooses its visits knowing it."""
    return math.ceil(van_travel_seconds(metres) / QUARTER_HOUR_S) * QUARTER_HOUR_S


def tour_plan(
    request: TourRequest, *, on_solution: Callable[[float], None] | None = None
) -> tuple[Plan, list[tuple[Van, dt.date]]]:
    """Plan the tours (not saved). Returns the plan and the van-days left out because the van
    already has visits then."""
    van_days, busy = planning_van_days(
        vans=request.vans,
        first=request.first_day,
        last=request.last_day,
        visit_minutes=request.visit_minutes,
    )
    candidates = planning_candidates(
        city=request.city,
        district=request.district,
        codes=request.station_codes,
        before=local_midnight(request.first_day),
        uncovered_km=request.uncovered_km,
        uncovered_days=request.uncovered_days,
    )
    if not candidates:
        raise Refused(
            _("No open station to visit in %(place)s.") % {"place": request.city}, status=400
        )
    tour_problem = problem(
        van_days=van_days,
        candidates=candidates,
        visit_minutes=request.visit_minutes,
        distance_matrix=distance_matrix,
        travel_seconds=quarter_hour_drive,
    )
    plan = plan_tours(tour_problem, time_limit_s=request.time_limit_s, on_solution=on_solution)
    return on_quarter_hours(plan, tour_problem), busy


def plan_document(plan: Plan, busy: Sequence[tuple[Van, dt.date]]) -> dict[str, Any]:
    """The plan as JSON values (what the API returns and a proposal keeps)."""
    tours = []
    for tour in plan.tours:
        day = tour.van_day
        stops = [
            {
                "order": order,
                "station": stop.candidate.code,
                "station_id": stop.candidate.station_id,
                "name": stop.candidate.name,
                "is_synthetic": stop.candidate.is_synthetic,
                "location": [stop.candidate.lon, stop.candidate.lat],
                "starts_at": stop.starts_at(day.date, LOCAL_TZ).isoformat(),
                "ends_at": stop.ends_at(day.date, LOCAL_TZ).isoformat(),
                "drive_minutes": round(stop.travel_s / 60),
                "demand": stop.candidate.demand,
                "uncovered": stop.candidate.uncovered,
                "reached": stop.reached,
            }
            for order, stop in enumerate(tour.stops, start=1)
        ]
        tours.append(
            {
                "van": day.van_id,
                "van_name": day.van_name,
                "van_is_synthetic": day.van_is_synthetic,
                "date": day.date.isoformat(),
                "capacity_per_visit": day.visit_capacity,
                "reached": tour.reached,
                "stops": stops,
            }
        )
    return {
        "method": plan.method,
        "solve_seconds": round(plan.seconds, 2),
        "demand_total": plan.demand_total,
        "demand_covered": plan.demand_covered,
        "visits": plan.visits,
        "tours": tours,
        "skipped_busy_days": [{"van": van.pk, "date": day.isoformat()} for van, day in busy],
    }


def tour_proposal_create(
    *,
    request: TourRequest,
    actor: AbstractBaseUser | None,
    on_solution: Callable[[float], None] | None = None,
) -> TourProposal:
    """Plan the tours and keep the proposal (no events yet: see :func:`tour_proposal_accept`)."""
    plan, busy = tour_plan(request, on_solution=on_solution)
    return TourProposal.objects.create(
        created_by=actor,
        parameters=request.parameters(),
        plan=plan_document(plan, busy),
        demand_total=plan.demand_total,
        demand_covered=plan.demand_covered,
    )


@transaction.atomic
def tour_proposal_accept(
    *, proposal_id: int, actor: AbstractBaseUser | None, offer: dict[str, Any]
) -> list[CheckupEvent]:
    """Save a proposal's visits as events, all or none: each is checked by the van rules (with
    the van locked) as if an organiser had entered it, so a plan overtaken by other bookings
    is refused with the reason. ``offer`` is what every visit offers and who may come:
    ``kind``, ``items`` and the eligibility fields of an event."""
    proposal = TourProposal.objects.select_for_update().get(pk=proposal_id)
    if proposal.accepted_at is not None:
        raise Refused(_("This proposal was already accepted."))
    # Every van of the plan is locked at once, in id order: two proposals over the same vans
    # accepted together wait for each other instead of deadlocking; the second is then refused
    # by the van rules (409), with the reason.
    van_ids = sorted({tour["van"] for tour in proposal.plan["tours"]})
    locked = Van.objects.select_for_update().filter(pk__in=van_ids).order_by("pk")
    vans = {van.pk: van for van in locked}
    stations = Station.objects.in_bulk(
        [stop["station_id"] for tour in proposal.plan["tours"] for stop in tour["stops"]]
    )
    events = []
    for tour in proposal.plan["tours"]:
        van = vans.get(tour["van"])
        for stop in tour["stops"]:
            station = stations.get(stop["station_id"])
            if van is None or station is None:
                raise Refused(_("A van or station of this proposal no longer exists."))
            event = CheckupEvent(
                **offer,
                capacity=tour["capacity_per_visit"],
                organiser=van.organiser,
                van=van,
                address=station.address,
            )
            events.append(
                checkup_event_schedule(
                    event=event,
                    starts_at=dt.datetime.fromisoformat(stop["starts_at"]),
                    ends_at=dt.datetime.fromisoformat(stop["ends_at"]),
                    station=station,
                )
            )
    proposal.accepted_at, proposal.accepted_by = timezone.now(), actor
    proposal.save(update_fields=["accepted_at", "accepted_by"])
    return events
