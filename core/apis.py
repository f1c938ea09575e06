"""GET /api/v1/jobs/{id}/: how a job is doing, and its result when done."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import JsonOnlyNegotiation
from core.localtime import local_iso
from core.models import Job
from core.roles import Role, has_role

JOB = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="A job: status (queued, running, done, failed), progress 0–1, result or error.",
)


def job_url(request: Request, job: Job) -> str:
    return request.build_absolute_uri(reverse("v1:job", args=[job.pk]))


def job_output(request: Request, job: Job) -> dict[str, Any]:
    return {
        "id": str(job.pk),
        "kind": job.kind,
        "status": job.status,
        "status_text": job.get_status_display(),
        "progress": round(job.progress, 3),
        "created_at": local_iso(job.created_at),
        "started_at": local_iso(job.started_at),
        "finished_at": local_iso(job.finished_at),
        "result": job.result,
        "error": job.error or None,
        "url": job_url(request, job),
    }


def job_accepted(request: Request, job: Job) -> Response:
    """202 Accepted: the job's state, its URL in ``Location``, and when to look again."""
    response = Response(job_output(request, job), status=status.HTTP_202_ACCEPTED)
    response["Location"] = job_url(request, job)
    response["Retry-After"] = "2"
    return response


class JobDetailApi(APIView):
    """A job started by a logged-in user is theirs (and administrators'); one started
    anonymously (a city's coverage, the open-data export) is anybody's who has its id."""

    authentication_classes = (TokenAuthentication, SessionAuthentication)
    permission_classes = (AllowAny,)
    content_negotiation_class = JsonOnlyNegotiation

    @extend_schema(
        operation_id="job_detail",
        responses={200: JOB, 404: OpenApiResponse(OpenApiTypes.OBJECT, description="No job.")},
    )
    def get(self, request: Request, job_id: str) -> Response:
        job = get_object_or_404(Job, pk=job_id)
        user = request.user
        owner = job.created_by_id is None or (
            user is not None
            and user.is_authenticated
            and (user.pk == job.created_by_id or has_role(user, Role.ADMINISTRATOR))
        )
        if not owner:
            raise NotFound()
        return Response(job_output(request, job))
