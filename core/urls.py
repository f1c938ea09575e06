"""The API's shared endpoints: a token for a login, and the jobs that run long work."""

from django.urls import path

from core.apis import JobDetailApi
from core.auth import TokenLoginApi

urlpatterns = [
    path("auth/token/", TokenLoginApi.as_view(), name="auth-token"),
    path("jobs/<uuid:job_id>/", JobDetailApi.as_view(), name="job"),
]
