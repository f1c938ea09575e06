"""Health check-ups: the catalogue of kinds, mobile vans, screening events, and bookings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from stations.models import Station, planar_knn_index


class CheckupKind(models.Model):
    """What an event offers: general check-up, two-cancer screening, TCM clinic…"""

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=80)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
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
    nearest-events query is one indexed KNN. ``booked`` counts live bookings and never exceeds
    ``capacity`` (a database constraint; bookings take a place with one conditional UPDATE)."""

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
        verbose_name = _("check-up event")
        verbose_name_plural = _("check-up events")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="checkupevent_status_start"),
            planar_knn_index("checkupevent_location_knn"),
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
    """A worker's place at an event. The phone number is kept only as a keyed hash (to match a
    second booking or a cancellation) and its last four digits (to show it masked)."""

    event = models.ForeignKey(
        CheckupEvent, on_delete=models.CASCADE, related_name="bookings", verbose_name=_("event")
    )
    reference = models.CharField(_("booking reference"), max_length=12, unique=True)
    phone_hash = models.CharField(_("phone number (keyed hash)"), max_length=64)
    phone_last4 = models.CharField(_("phone number, last four digits"), max_length=4)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "phone_hash"],
                condition=Q(cancelled_at__isnull=True),
                name="booking_one_live_per_phone_and_event",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def masked_phone(self) -> str:
        return f"*******{self.phone_last4}"


class TourProposal(models.Model):
    """A proposed set of van tours (from the planner), kept so that it can be accepted as
    events later; accepting creates the events and records when and by whom."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    parameters = models.JSONField(_("parameters"), encoder=DjangoJSONEncoder)
    plan = models.JSONField(_("plan"), encoder=DjangoJSONEncoder)
    demand_total = models.PositiveIntegerField(_("demand of all candidates"))
    demand_covered = models.PositiveIntegerField(_("demand covered"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )

    class Meta:
        verbose_name = _("van tour proposal")
        verbose_name_plural = _("van tour proposals")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.pk} ({self.created_at:%Y-%m-%d})"


class Occupation(models.Model):
    """The catalogue of occupations, with the names workers use (seeded by a migration)."""

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=80)
    synonyms = ArrayField(
        models.CharField(max_length=60),
        verbose_name=_("synonyms"),
        default=list,
        blank=True,
        help_text=_("Other names, Chinese or English, that mean this occupation."),
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class BenefitScheme(models.Model):
    """A protection scheme and who it covers. Its conditions are data (region, occupations,
    union membership, months in the occupation, age, dates) read by one evaluator
    (``services.eligibility``): a new city's scheme is a new row, not new code."""

    class RegionLevel(models.TextChoices):
        NATIONAL = "national", _("national")
        PROVINCE = "province", _("province")
        CITY = "city", _("city")
        COUNTY = "county", _("district or county")

    class Enrolment(models.TextChoices):
        AUTOMATIC = "automatic", _("automatic group cover, no names needed")
        GIFTED = "gifted", _("given by the union to a set number of workers")
        BY_THE_DAY = "by_the_day", _("enrol and pay by the day")
        APPLICATION = "application", _("apply each time")
        NONE = "none", _("nothing to enrol in: a service open to all")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=160)
    operator = models.CharField(_("operator"), max_length=120)
    region_level = models.CharField(_("region level"), max_length=10, choices=RegionLevel.choices)
    region_name = models.CharField(
        _("region"), max_length=50, blank=True, help_text=_("As in the boundaries: 深圳市, 甘肃省…")
    )
    occupations = models.ManyToManyField(
        Occupation,
        verbose_name=_("occupations covered"),
        blank=True,
        related_name="schemes",
        help_text=_("None: every occupation."),
    )
    union_member_required = models.BooleanField(_("union members only"), default=False)
    min_months_in_occupation = models.PositiveSmallIntegerField(
        _("minimum months in the occupation"), default=0
    )
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    cost_yuan_per_day = models.DecimalField(
        _("cost to the worker, yuan per day"), max_digits=6, decimal_places=2, default=0
    )
    public_subsidy_yuan_per_day = models.DecimalField(
        _("public subsidy, yuan per day"), max_digits=6, decimal_places=2, default=0
    )
    enrolment = models.CharField(_("enrolment"), max_length=12, choices=Enrolment.choices)
    cover_items = models.JSONField(
        _("cover"),
        default=list,
        help_text=_('[{"kind": …, "kind_en": …, "amount_yuan": number or null, "rule": …, '
                    '"rule_en": …}]'),
    )  # fmt: skip
    claim_channels = models.JSONField(
        _("how to claim"), default=list, blank=True, help_text=_('[{"zh": …, "en": …}]')
    )
    claim_documents = models.JSONField(
        _("documents needed"), default=list, blank=True, help_text=_('[{"zh": …, "en": …}]')
    )
    time_to_pay = models.CharField(_("time to pay"), max_length=120, blank=True)
    time_to_pay_en = models.CharField(_("time to pay (English)"), max_length=160, blank=True)
    claim_point_kinds = ArrayField(
        models.CharField(max_length=32),
        verbose_name=_("claim point kinds"),
        default=list,
        blank=True,
        help_text=_("Kinds of station where a claim can be made (service_point…)."),
    )
    how_to_enrol = models.JSONField(
        _("how to enrol"), default=dict, blank=True, help_text=_('{"zh": …, "en": …}')
    )
    paid_cases = models.JSONField(
        _("paid cases"),
        default=list,
        blank=True,
        help_text=_('Claims the source reports as paid (examples, not limits): '
                    '[{"zh": …, "en": …, "amount_yuan": number or null}]'),
    )  # fmt: skip
    validity = models.JSONField(
        _("validity note"),
        default=dict,
        blank=True,
        help_text=_('What is known of how long it runs, for the worker: {"zh": …, "en": …}'),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=300, help_text=_("The publication, in Chinese as it is titled.")
    )
    source_en = models.CharField(_("source (English)"), max_length=300, blank=True)
    illustrative_zh = models.CharField(
        _("illustrative parts"),
        max_length=300,
        blank=True,
        help_text=_("What in this entry is not from the source, for the worker (empty: "
                    "everything is)."),
    )  # fmt: skip
    illustrative_en = models.CharField(
        _("illustrative parts (English)"), max_length=300, blank=True
    )

    class Meta:
        verbose_name = _("benefit scheme")
        verbose_name_plural = _("benefit schemes")
        ordering = ["region_level", "region_name", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(max_age__gte=F("min_age")),
                name="benefitscheme_age_range",
            ),
            models.CheckConstraint(
                condition=Q(region_level="national") | ~Q(region_name=""),
                name="benefitscheme_region_named",
            ),
        ]

    def __str__(self) -> str:
        return self.name
