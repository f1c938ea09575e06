"""The station registry: places where outdoor workers can rest, and what each one offers."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.indexes import SpGistIndex
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F, FloatField, Func, Q
from django.db.models.lookups import Range
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PointX(Func):
    function = "ST_X"
    output_field = FloatField()


class PointY(Func):
    function = "ST_Y"
    output_field = FloatField()


def planar_knn_index(name: str) -> SpGistIndex:
    """An SP-GiST quad-tree over ``location`` as PostgreSQL's own point (lon, lat): the index
    through which :mod:`core.nearest` finds nearest-query candidates (see there for why
    not the geometry's GiST index)."""
    return SpGistIndex(Func(PointX("location"), PointY("location"), function="point"), name=name)


class AdminArea(models.Model):
    """A real district (区/县) boundary, stored in WGS-84: the demo's (fixtures/README.md) and
    every other county of mainland China (``load_boundaries``, docs/DATA.md)."""

    code = models.CharField(_("code"), max_length=16, unique=True, help_text=_("adcode"))
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80)
    city = models.CharField(_("city"), max_length=50, db_index=True)
    city_en = models.CharField(_("English city name"), max_length=80)
    province = models.CharField(_("province"), max_length=50)
    boundary = models.MultiPolygonField(_("boundary"), srid=4326)
    outline = models.MultiPolygonField(
        _("outline"), srid=4326, null=True, blank=True, help_text=_("Simplified, for maps.")
    )
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        verbose_name = _("administrative area")
        verbose_name_plural = _("administrative areas")
        ordering = ["city", "code"]
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="adminarea_unique_city_name"),
        ]

    def __str__(self) -> str:
        return f"{self.city}{self.name}"


class Region(models.Model):
    """A province or a prefecture-level city of mainland China (its counties are
    :class:`AdminArea` rows), for place search and for schemes and warnings named at those
    levels. Loaded by ``load_boundaries`` (docs/DATA.md)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("province")
        CITY = "city", _("city")

    code = models.CharField(_("code"), max_length=12, unique=True, help_text=_("adcode"))
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80)
    province = models.CharField(_("province"), max_length=50)
    boundary = models.MultiPolygonField(_("boundary"), srid=4326)
    outline = models.MultiPolygonField(
        _("outline"), srid=4326, null=True, blank=True, help_text=_("Simplified, for maps.")
    )
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "name"], name="region_level_name")]

    def __str__(self) -> str:
        return self.name


class Amenity(models.Model):
    """The catalogue of things a station can offer (seeded by migration 0002)."""

    code = models.SlugField(_("code"), max_length=32, primary_key=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80)
    icon = models.CharField(_("icon"), max_length=40, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("amenity")
        verbose_name_plural = _("amenities")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Station(models.Model):
    """A station. Its table also has three columns that are not fields here: what the nearest
    filters ask of it (usable amenity keys, the week's hours, dated exception dates), kept by
    the database's triggers from its amenities and hours (migration 0008)."""

    class Kind(models.TextChoices):
        UNION_STATION = "union_station", _("union outdoor workers' station")
        WORKERS_HARBOUR = "workers_harbour", _("workers' harbour")
        LOVE_STATION = "love_station", _("love station")
        DRIVERS_HOME = "drivers_home", _("drivers' home")
        SERVICE_POINT = "service_point", _("service and claim point")
        UNION_SERVICE_CENTRE = "union_service_centre", _("union service centre")
        RIGHTS_CENTRE = "rights_centre", _("rights-protection service centre")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        TEMPORARILY_CLOSED = "temporarily_closed", _("temporarily closed")
        CLOSED = "closed", _("closed")

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=160, blank=True)
    address = models.CharField(_("address"), max_length=200)
    city = models.CharField(_("city"), max_length=50)
    district = models.CharField(_("district"), max_length=50)
    subdistrict = models.CharField(_("sub-district"), max_length=50, blank=True)
    location = models.PointField(_("location"), srid=4326)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    operator = models.CharField(_("operator"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    seats = models.PositiveSmallIntegerField(_("seats"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.OPEN
    )
    notes = models.TextField(_("notes"), blank=True)
    last_verified_at = models.DateTimeField(_("last verified at"), null=True, blank=True)
    last_changed_at = models.DateTimeField(
        _("last changed at"),
        null=True,
        blank=True,
        help_text=_("When a manager, an administrator or an import last changed what it shows."),
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("managers"),
        related_name="managed_stations",
        blank=True,
        help_text=_("Station managers who may change this station."),
    )
    is_synthetic = models.BooleanField(
        _("synthetic"),
        default=False,
        help_text=_("Demo data placed realistically, not a real place."),
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveBigIntegerField(
        _("version"),
        db_default=1,
        editable=False,
        help_text=_("Raised by the database on every change to the station, its amenities or "
                    "hours (migration 0003's triggers)."),
    )  # fmt: skip

    class Meta:
        verbose_name = _("station")
        verbose_name_plural = _("stations")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["city", "district"], name="station_city_district"),
            # the newest change, for the map cells' freshness (stations.jobs)
            models.Index(fields=["updated_at"], name="station_updated_at"),
            # a city's latest change in one lookup: is its coverage map still true?
            models.Index(fields=["city", "updated_at"], name="station_city_updated_at"),
            planar_knn_index("station_location_knn"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Range(PointX(F("location")), (-180, 180))
                & Range(PointY(F("location")), (-90, 90)),
                name="station_location_in_wgs84_range",
                violation_error_message=_("Coordinates must be within WGS-84 ranges."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class StationAmenity(models.Model):
    class Status(models.TextChoices):
        AVAILABLE = "available", _("available")
        LIMITED = "limited", _("limited")
        OUT_OF_SERVICE = "out_of_service", _("out of service")
        UNKNOWN = "unknown", _("unknown")

    # No single-column FK indexes: the unique (station, amenity) and the (amenity, status)
    # indexes lead with these columns (here and below; fewer indexes to write at scale).
    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, related_name="amenities", db_index=False
    )
    amenity = models.ForeignKey(
        Amenity, on_delete=models.PROTECT, related_name="station_amenities", db_index=False
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.AVAILABLE
    )
    details = models.CharField(_("details"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("station amenity")
        verbose_name_plural = _("station amenities")
        ordering = ["station", "amenity__sort_order"]
        indexes = [models.Index(fields=["amenity", "status"], name="stationamenity_amenity_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "amenity"], name="stationamenity_unique_per_station"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station.code}: {self.amenity_id} ({self.status})"


class OpeningPeriod(models.Model):
    """A weekly opening period in Asia/Shanghai time.

    ``closes <= opens`` means the period runs past midnight into the next day; 00:00–00:00 is
    open all day. A station open 24/7 has seven such all-day periods.
    """

    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, related_name="opening_periods", db_index=False
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), help_text=_("0 = Monday … 6 = Sunday"))
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening period")
        verbose_name_plural = _("opening periods")
        ordering = ["station", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="openingperiod_weekday_0_6"),
            models.UniqueConstraint(
                fields=["station", "weekday", "opens"], name="openingperiod_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.opens:%H:%M}–{self.closes:%H:%M}"


class OpeningException(models.Model):
    """A dated exception (holiday, temporary closure, shorter hours) that replaces the weekly
    periods for that date. Several rows on one date give several periods; ``closed`` closes it."""

    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, related_name="opening_exceptions", db_index=False
    )
    date = models.DateField(_("date"))
    closed = models.BooleanField(_("closed all day"), default=False)
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("opening exception")
        verbose_name_plural = _("opening exceptions")
        ordering = ["station", "date", "opens"]
        indexes = [models.Index(fields=["station", "date"], name="openingexception_station_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed=True, opens__isnull=True, closes__isnull=True)
                | Q(closed=False, opens__isnull=False, closes__isnull=False),
                name="openingexception_closed_or_hours",
                violation_error_message=_(
                    "Either closed all day, or both opening and closing time."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {'closed' if self.closed else f'{self.opens}–{self.closes}'}"


class WarningRule(models.Model):
    """What a station does while a heat or cold warning is in force where it stands: longer
    hours (a daily period added to each warning day's hours, unless the station is closed all
    day by a dated exception) and extra services (e.g. 绿豆汤、防暑药品). The days come from the
    warnings (:class:`WarningDay`)."""

    class Kind(models.TextChoices):
        HEAT = "heat", _("during heat warnings")
        COLD = "cold", _("during cold warnings")

    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, related_name="warning_rules", db_index=False
    )
    kind = models.CharField(_("warning"), max_length=10, choices=Kind.choices)
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    services = models.CharField(_("extra services"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("warning-day rule")
        verbose_name_plural = _("warning-day rules")
        ordering = ["station", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["station", "kind"], name="warningrule_unique_kind"),
            models.CheckConstraint(
                condition=Q(opens__isnull=True, closes__isnull=True)
                | Q(opens__isnull=False, closes__isnull=False),
                name="warningrule_hours_or_none",
                violation_error_message=_("Give both opening and closing time, or neither."),
            ),
            models.CheckConstraint(
                condition=~Q(opens=None, services=""), name="warningrule_says_something"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station_id} {self.kind}"


class WarningDay(models.Model):
    """A local date on which a warning of ``kind`` is in force (for some part of the day) where a
    station with a rule of that kind stands. Written only by the alerts app's refresh
    (``warning_days_replace``); its dates join the station's ``exception_dates`` (migration
    0010), so the nearest search's open filter reads the day's rules."""

    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, related_name="warning_days", db_index=False
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("warning"), max_length=10, choices=WarningRule.Kind.choices)

    class Meta:
        verbose_name = _("warning day")
        verbose_name_plural = _("warning days")
        constraints = [
            models.UniqueConstraint(
                fields=["station", "date", "kind"], name="warningday_unique_station_date_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station_id} {self.date} {self.kind}"


class StationChange(models.Model):
    """One change to a station or its amenities, hours or exceptions: who, when, through what,
    and every field's value before and after (``changes``: {field: {"before": …, "after": …}})."""

    class Source(models.TextChoices):
        API = "api", _("API")
        ADMIN = "admin", _("admin site")
        IMPORT = "import", _("import")

    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, related_name="changes", db_index=False
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(
        _("by (name)"), max_length=150, blank=True, help_text=_("Kept if the account goes.")
    )
    source = models.CharField(_("through"), max_length=10, choices=Source.choices)
    action = models.CharField(_("action"), max_length=40)
    changes = models.JSONField(_("changes"), encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("station change")
        verbose_name_plural = _("station changes")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["station", "-at"], name="stationchange_station_at")]

    def __str__(self) -> str:
        return f"{self.station_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class StationRemoval(models.Model):
    """A station deleted from the registry: its code and when, written by the database as the
    row goes (migration 0011), so that mirrors polling ``modified_after`` learn of it."""

    code = models.SlugField(_("code"), max_length=32, db_index=False)
    removed_at = models.DateTimeField(_("removed at"))

    class Meta:
        verbose_name = _("removed station")
        verbose_name_plural = _("removed stations")
        ordering = ["removed_at"]
        indexes = [models.Index(fields=["removed_at"], name="stationremoval_removed_at")]

    def __str__(self) -> str:
        return f"{self.code} {self.removed_at:%Y-%m-%d %H:%M}"


class MapCell(models.Model):
    """Stations counted per map cell and zoom (:mod:`stations.cells`): a materialized view,
    made by migration 0007 and refreshed by the ``map-cells`` job; never written by Django."""

    pk = models.CompositePrimaryKey("zoom", "x", "y")
    zoom = models.SmallIntegerField()
    x = models.IntegerField()
    y = models.IntegerField()
    count = models.IntegerField()
    lon = models.FloatField()
    lat = models.FloatField()
    station_id = models.BigIntegerField(
        help_text="The lowest station id: the station of a cell of one."
    )

    class Meta:
        managed = False
        db_table = "stations_mapcell"
