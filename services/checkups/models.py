"""Health check-ups: the catalogue of kinds, mobile vans, screening events, and bookings."""

from __future__ import annotations

from typing import Any

from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GistIndex
from django.db.models import F, Func, Q
from django.utils.translation import gettext_lazy as _

from stations.models import PointX, PointY, Station


class CheckupKind(models.Model):
    """What an event offers: general check-up, two-cancer screening, TCM clinic…"""

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=80)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        db_table = "services_checkupkind"  # made when services was one app
        verbose_name = _("check-up kind")
        verbose_name_plural = _("check-up kinds")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Van(models.Model):
    """A mobile health-check van: where it sleeps, when it works, how many it can see."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    organiser = models.CharField(_("organiser"), max_length=100)
    depot = models.PointField(_("depot"), srid=4326)
    depot_address = models.CharField(_("depot address"), max_length=200, blank=True)
    day_starts = models.TimeField(_("working day starts"))
    day_ends = models.TimeField(_("working day ends"))
    checkups_per_hour = models.PositiveSmallIntegerField(_("check-ups per hour"))
    days_off = ArrayField(
        models.PositiveSmallIntegerField(),
        verbose_name=_("days off"),
        default=list,
        blank=True,
        help_text=_("Weekdays without service: 0 = Monday … 6 = Sunday."),
    )
    is_synthetic = models.BooleanField(_("synthetic (demo) data"), default=False)

    class Meta:
        db_table = "services_van"  # made when services was one app
        verbose_name = _("van")
        verbose_name_plural = _("vans")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(day_ends__gt=F("day_starts")), name="van_day_ends_after_it_starts"
            ),
            models.CheckConstraint(
                condition=Q(checkups_per_hour__gte=1), name="van_sees_someone_each_hour"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CheckupEvent(models.Model):
    """A screening session at a station or a point; a van visit when ``van`` is set.

    ``location`` is always set (the station's point when there is a station) so that the
    nearest-events query is one indexed KNN. ``booked`` counts the live bookings that have a
    place (not those on the waiting list) and never exceeds ``capacity`` (a database
    constraint; bookings take a place with one conditional UPDATE)."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        CANCELLED = "cancelled", _("cancelled")
        DONE = "done", _("done")

    kind = models.ForeignKey(
        CheckupKind, on_delete=models.PROTECT, related_name="events", verbose_name=_("kind")
    )
    station = models.ForeignKey(
        Station,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="checkup_events",
        verbose_name=_("station"),
    )
    location = models.PointField(_("location"), srid=4326)
    address = models.CharField(_("address"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("capacity"))
    booked = models.PositiveIntegerField(_("places booked"), default=0)
    organiser = models.CharField(_("organiser"), max_length=100)
    van = models.ForeignKey(
        Van,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("van"),
    )
    members_only = models.BooleanField(_("union members only"), default=False)
    women_only = models.BooleanField(_("women only"), default=False)
    occupations = ArrayField(
        models.CharField(max_length=40),
        verbose_name=_("occupations"),
        default=list,
        blank=True,
        help_text=_("Empty: every occupation."),
    )
    eligibility_note = models.CharField(_("who may come"), max_length=200, blank=True)
    items = ArrayField(
        models.CharField(max_length=60), verbose_name=_("items checked"), default=list, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED
    )
    is_synthetic = models.BooleanField(_("synthetic (demo) data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        db_table = "services_checkupevent"  # made when services was one app
        verbose_name = _("check-up event")
        verbose_name_plural = _("check-up events")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="checkupevent_status_start"),
            # The nearest upcoming search walks this index: location as PostgreSQL's point (as
            # core.nearest spells it) beside the start, scheduled events only, so that events
            # outside the asked window are passed over in the index, not fetched (2.5× less
            # database time at 200,000 events over a year, bench/checkups.py).
            GistIndex(
                Func(PointX("location"), PointY("location"), function="point"),
                "starts_at",
                condition=Q(status="scheduled"),
                name="checkupevent_upcoming_knn",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="checkupevent_ends_after_it_starts"
            ),
            models.CheckConstraint(
                condition=Q(booked__lte=F("capacity")),
                name="checkupevent_never_overbooked",
                violation_error_message=_("More places booked than the event has."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.starts_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Saving a loaded event never writes ``booked``: only the booking functions' conditional
        UPDATEs change it, so a copy read before a booking cannot undo that booking (an
        organiser's edit during a booking rush would otherwise over-book the event)."""
        if not self._state.adding:
            names = kwargs.get("update_fields") or [
                field.name for field in self._meta.concrete_fields if not field.primary_key
            ]
            kwargs["update_fields"] = [name for name in names if name != "booked"]
        super().save(*args, **kwargs)

    @property
    def places_left(self) -> int:
        return self.capacity - self.booked


class Booking(models.Model):
    """A worker's place at an event, or their place in its waiting list (``waiting``) while the
    event is full: the first in the list takes the place someone gives back. The phone number is
    kept only as a keyed hash (to match a second booking or a cancellation) and its last four
    digits (to show it masked). At the van, the organiser records who came (``checked_in_at``)
    and who did not (``no_show_at``)."""

    class Attendance(models.TextChoices):
        """What the attendee list shows for a booking."""

        BOOKED = "booked", _("booked")
        ATTENDED = "attended", _("checked in")
        NO_SHOW = "no_show", _("did not come")
        WAITING = "waiting", _("waiting list")
        CANCELLED = "cancelled", _("cancelled")

    event = models.ForeignKey(
        CheckupEvent, on_delete=models.CASCADE, related_name="bookings", verbose_name=_("event")
    )
    reference = models.CharField(_("booking reference"), max_length=12, unique=True)
    phone_hash = models.CharField(_("phone number (keyed hash)"), max_length=64)
    phone_last4 = models.CharField(_("phone number, last four digits"), max_length=4)
    waiting = models.BooleanField(_("on the waiting list"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    given_place_at = models.DateTimeField(
        _("given a place from the waiting list at"), null=True, blank=True
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    no_show_at = models.DateTimeField(_("marked as not come at"), null=True, blank=True)

    class Meta:
        db_table = "services_booking"  # made when services was one app
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["event", "id"],
                condition=Q(waiting=True, cancelled_at__isnull=True),
                name="booking_waiting_list",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "phone_hash"],
                condition=Q(cancelled_at__isnull=True),
                name="booking_one_live_per_phone_and_event",
            ),
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=True) | Q(no_show_at__isnull=True),
                name="booking_came_or_not_never_both",
            ),
            models.CheckConstraint(
                condition=Q(waiting=False) | Q(checked_in_at__isnull=True, no_show_at__isnull=True),
                name="booking_attendance_only_with_a_place",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def masked_phone(self) -> str:
        return f"*******{self.phone_last4}"

    @property
    def attendance(self) -> str:
        if self.cancelled_at is not None:
            return self.Attendance.CANCELLED
        if self.waiting:
            return self.Attendance.WAITING
        if self.checked_in_at is not None:
            return self.Attendance.ATTENDED
        if self.no_show_at is not None:
            return self.Attendance.NO_SHOW
        return self.Attendance.BOOKED
