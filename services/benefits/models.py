"""Occupations and benefit schemes: who a scheme covers is data, read by one evaluator
(``services.benefits.eligibility``), so a new city's scheme is a new row, not new code."""

from __future__ import annotations

from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


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
        db_table = "services_occupation"  # made when services was one app
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class BenefitScheme(models.Model):
    """A protection scheme and who it covers. Its conditions are data (region, occupations,
    union membership, months in the occupation, age, dates) read by one evaluator
    (``services.benefits.eligibility``): a new city's scheme is a new row, not new code."""

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
    region_code = models.CharField(
        _("region adcode"),
        max_length=12,
        blank=True,
        help_text=_(
            "The region's adcode (e.g. 440300). When given, a worker is in the region by the "
            "adcode of the county they are placed in, so that a name several places share "
            "(朝阳区) cannot be mistaken; when empty, by name."
        ),
    )
    occupations = models.ManyToManyField(
        Occupation,
        verbose_name=_("occupations covered"),
        blank=True,
        related_name="schemes",
        db_table="services_benefitscheme_occupations",
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
        db_table = "services_benefitscheme"  # made when services was one app
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
