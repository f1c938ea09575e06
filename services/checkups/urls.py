"""The check-ups API: upcoming events, calendars, bookings; the organisers' vans and events."""

from django.urls import path, re_path

from services.checkups.apis import (
    BookingCreateApi,
    BookingDetailApi,
    CheckupDetailApi,
    CheckupIcsApi,
    CheckupUpcomingApi,
    CheckupUpcomingIcsApi,
    SlotsFileApi,
    SlotsManifestApi,
)
from services.checkups.organiser_apis import (
    EventAttendanceApi,
    EventAttendeesApi,
    EventAttendeesExportApi,
    EventDetailApi,
    EventListApi,
    VanDetailApi,
    VanListApi,
)

urlpatterns = [
    path("checkups/upcoming/", CheckupUpcomingApi.as_view(), name="checkups-upcoming"),
    re_path(r"^checkups/\$bulk-publish$", SlotsManifestApi.as_view(), name="checkups-slots"),
    re_path(
        r"^checkups/slots/(?P<kind>location|schedule|slot)\.ndjson$",
        SlotsFileApi.as_view(),
        name="checkups-slots-file",
    ),
    path("checkups/upcoming.ics", CheckupUpcomingIcsApi.as_view(), name="checkups-upcoming-ics"),
    path("checkups/<int:event_id>/", CheckupDetailApi.as_view(), name="checkup-detail"),
    path("checkups/<int:event_id>.ics", CheckupIcsApi.as_view(), name="checkup-ics"),
    path("checkups/<int:event_id>/bookings/", BookingCreateApi.as_view(), name="checkup-bookings"),
    path(
        "checkups/<int:event_id>/bookings/<slug:reference>/",
        BookingDetailApi.as_view(),
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
    path(
        "organisers/events/<int:event_id>/attendees/",
        EventAttendeesApi.as_view(),
        name="organiser-event-attendees",
    ),
    re_path(
        r"^organisers/events/(?P<event_id>[0-9]+)/attendees\.(?P<fmt>csv|xlsx)$",
        EventAttendeesExportApi.as_view(),
        name="organiser-event-attendees-export",
    ),
    path(
        "organisers/events/<int:event_id>/attendance/",
        EventAttendanceApi.as_view(),
        name="organiser-event-attendance",
    ),
]
