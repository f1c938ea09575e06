"""Check-up work that runs as a job on the task queue: planning van tours (up to a minute of
search) is never done inside a request."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _

from core.exceptions import Refused
from core.jobs import Progress, job_kind
from services.checkups.models import Van
from services.planning.services import TourRequest, tour_proposal_create

VAN_TOURS = "van_tours"


def van_tours_parameters(data: dict[str, Any], actor_id: int | None) -> dict[str, Any]:
    """A validated planning request (TourPlanInput) as the job's JSON parameters."""
    return {
        "city": data["city"],
        "district": data.get("district"),
        "date_from": data["date_from"].isoformat(),
        "date_to": data["date_to"].isoformat(),
        "vans": [van.pk for van in data["vans"]],
        "visit_minutes": data["visit_minutes"],
        "stations": list(data["stations"]),
        "uncovered_km": data["uncovered_km"],
        "uncovered_days": data["uncovered_days"],
        "time_limit_s": data["time_limit_s"],
        "actor": actor_id,
    }


@job_kind(VAN_TOURS)
def van_tours_job(parameters: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """Plan the tours and keep the proposal; the result names it."""
    vans = Van.objects.in_bulk(parameters["vans"])
    if len(vans) != len(parameters["vans"]):
        raise Refused(_("A van of this request no longer exists."))
    request = TourRequest(
        city=parameters["city"],
        district=parameters["district"],
        first_day=dt.date.fromisoformat(parameters["date_from"]),
        last_day=dt.date.fromisoformat(parameters["date_to"]),
        vans=[vans[pk] for pk in parameters["vans"]],
        visit_minutes=parameters["visit_minutes"],
        station_codes=parameters["stations"],
        uncovered_km=parameters["uncovered_km"],
        uncovered_days=parameters["uncovered_days"],
        time_limit_s=parameters["time_limit_s"],
    )
    actor = get_user_model().objects.filter(pk=parameters["actor"]).first()
    limit = request.time_limit_s
    proposal = tour_proposal_create(
        request=request, actor=actor, on_solution=lambda elapsed: progress(elapsed / limit)
    )
    return {
        "proposal": proposal.pk,
        "proposal_url": reverse("v1:van-tour-proposal", args=[proposal.pk]),
    }
