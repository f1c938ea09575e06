"""The organisers' planning API: propose van tours (a job), read a proposal, accept it as
check-up events."""

from __future__ import annotations

import uuid

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import (
    ORGANISER_ERRORS,
    OrganiserApi,
    validated_body,
)
from core.apis import JOB, job_accepted
from core.jobs import job_start
from core.localtime import local_iso
from services.checkups.serializers import EventSerializer
from services.planning.jobs import VAN_TOURS, van_tours_parameters
from services.planning.models import TourProposal
from services.planning.serializers import TourAcceptInput, TourPlanInput
from services.planning.services import tour_proposal_accept


def proposal_output(proposal: TourProposal) -> dict:
    return {
        "id": proposal.pk,
        "created_at": local_iso(proposal.created_at),
        "accepted_at": local_iso(proposal.accepted_at),
        "parameters": proposal.parameters,
        **proposal.plan,
    }


class TourPlanApi(OrganiserApi):
    @extend_schema(
        operation_id="van_tours_plan",
        summary="Propose van tours that reach the most workers (OR-Tools; not saved as events)",
        description="Planning searches for up to time_limit_s seconds, so it runs as a job: "
        "the answer is 202 with the job (Location: its URL); poll it until its status is done, "
        "when its result names the proposal.",
        request=TourPlanInput,
        responses={202: JOB, **ORGANISER_ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = validated_body(TourPlanInput, request)
        job = job_start(
            kind=VAN_TOURS,
            key=f"{VAN_TOURS}:{uuid.uuid4()}",  # every request is its own plan
            parameters=van_tours_parameters(data, request.user.pk),
            actor=request.user,
        )
        return job_accepted(request, job)


class TourProposalApi(OrganiserApi):
    @extend_schema(
        operation_id="van_tours_proposal", responses={200: OpenApiTypes.OBJECT, **ORGANISER_ERRORS}
    )
    def get(self, request: Request, proposal_id: int) -> Response:
        return Response(proposal_output(get_object_or_404(TourProposal, pk=proposal_id)))


class TourAcceptApi(OrganiserApi):
    @extend_schema(
        operation_id="van_tours_accept",
        summary="Save a proposal's visits as check-up events (all or none, van rules checked)",
        request=TourAcceptInput,
        responses={201: EventSerializer(many=True), **ORGANISER_ERRORS},
    )
    def post(self, request: Request, proposal_id: int) -> Response:
        get_object_or_404(TourProposal, pk=proposal_id)
        data = validated_body(TourAcceptInput, request)
        events = tour_proposal_accept(proposal_id=proposal_id, actor=request.user, offer=data)
        return Response(EventSerializer(events, many=True).data, status=status.HTTP_201_CREATED)
