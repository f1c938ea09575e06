"""The check-ups API: upcoming events, calendars, bookings; the organisers' vans and events."""

from django.urls import path

from services.checkups.apis import (
    BookingCancelApi,
    BookingCreateApi,
    CheckupDetailApi,
    CheckupIcsApi,
    CheckupUpcomingApi,
    CheckupUpcomingIcsApi,
)
from services.checkups.organiser_apis import EventDetailApi, EventListApi, VanDetailApi, VanListApi

urlpatterns = [
    path("checkups/upcoming/", CheckupUpcomingApi.as_view(), name="checkups-upcoming"),
    path("checkups/upcoming.ics", CheckupUpcomingIcsApi.as_view(), name="checkups-upcoming-ics"),
    path("checkups/<int:event_id>/", CheckupDetailApi.as_view(), name="checkup-detail"),
    path("checkups/<int:event_id>.ics", CheckupIcsApi.as_view(), name="checkup-ics"),
    path("checkups/<int:event_id>/bookings/", BookingCreateApi.as_view(), name="checkup-bookings"),
    path(
        "checkups/<int:event_id>/bookings/<slug:reference>/",
        BookingCancelApi.as_view(),
        name="checkup-booking",
    ),
    path("organisers/vans/", VanListApi.as_view(), name="vans"),
    path("organisers/vans/<int:van_id>/", VanDetailApi.as_view(), name="van-detail"),
    path("organisers/events/", EventListApi.as_view(), name="organiser-events"),
    path(
        "organisers/events/<int:event_id>/",
        EventDetailApi.as_view(),
        name="organiser-event-detail",
    ),
]
