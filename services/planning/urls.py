"""The van-tour planning API: propose (a job), read a proposal, accept it."""

from django.urls import path

from services.planning.apis import TourAcceptApi, TourPlanApi, TourProposalApi

urlpatterns = [
    path("planning/van-tours/", TourPlanApi.as_view(), name="van-tours"),
    path(
        "planning/van-tours/<int:proposal_id>/",
        TourProposalApi.as_view(),
        name="van-tour-proposal",
    ),
    path(
        "planning/van-tours/<int:proposal_id>/accept/",
        TourAcceptApi.as_view(),
        name="van-tour-accept",
    ),
]
