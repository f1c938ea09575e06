from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.widgets import LocalMapAdmin
from stations.models import (
    AdminArea,
    Amenity,
    OpeningException,
    OpeningPeriod,
    Station,
    StationAmenity,
    StationChange,
    WarningRule,
)
from stations.records import record_snapshot, station_records
from stations.services import station_change_record, warning_days_refresh


class StationAmenityInline(admin.TabularInline):
    model = StationAmenity
    extra = 0
    autocomplete_fields = ["amenity"]
    readonly_fields = ["updated_at", "updated_by"]


class OpeningPeriodInline(admin.TabularInline):
    model = OpeningPeriod
    extra = 0


class OpeningExceptionInline(admin.TabularInline):
    model = OpeningException
    extra = 0


class WarningRuleInline(admin.TabularInline):
    model = WarningRule
    extra = 0


class AmenityFilter(admin.SimpleListFilter):
    title = _("amenity")
    parameter_name = "amenity"

    def lookups(self, request, model_admin):
        return [(a.code, a.name) for a in Amenity.objects.all()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(amenities__amenity_id=self.value()).distinct()
        return queryset


class StationChangeInline(admin.TabularInline):
    """The station's audit history, newest first, read-only."""

    model = StationChange
    extra = 0
    max_num = 0
    can_delete = False
    fields = readonly_fields = ["at", "actor_name", "source", "action", "changes"]
    ordering = ["-at", "-id"]
    verbose_name_plural = _("history")


@admin.register(Station)
class StationAdmin(LocalMapAdmin):
    list_display = ["code", "name", "city", "district", "kind", "status", "last_verified_at"]
    list_filter = ["city", "district", "kind", AmenityFilter, "status", "is_synthetic"]
    search_fields = ["code", "name", "name_en", "address"]
    readonly_fields = ["created_at", "updated_at", "last_changed_at", "version"]
    filter_horizontal = ["managers"]
    inlines = [
        StationAmenityInline,
        OpeningPeriodInline,
        OpeningExceptionInline,
        WarningRuleInline,
        StationChangeInline,
    ]
    list_per_page = 50

    def save_model(self, request, obj, form, change):
        """Remember the station as it was; :meth:`save_related` records what the whole form
        (station and inlines) changed, in the audit history, as made through the admin."""
        before = Station.objects.filter(pk=obj.pk).first() if change else None
        request._station_before = record_snapshot(next(station_records([before]))) if before else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        station_change_record(
            station=form.instance,
            before=request._station_before,
            actor=request.user,
            source=StationChange.Source.ADMIN,
            action="update" if change else "create",
        )
        transaction.on_commit(warning_days_refresh)  # its rules may have changed


@admin.register(StationChange)
class StationChangeAdmin(admin.ModelAdmin):
    list_display = ["at", "station", "actor_name", "source", "action"]
    list_filter = ["source", "action"]
    search_fields = ["station__code", "station__name", "actor_name"]
    list_select_related = ["station"]
    readonly_fields = ["station", "at", "actor", "actor_name", "source", "action", "changes"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Amenity)
class AmenityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "icon", "sort_order"]
    search_fields = ["code", "name", "name_en"]


@admin.register(AdminArea)
class AdminAreaAdmin(LocalMapAdmin):
    list_display = ["code", "name", "city", "province"]
    list_filter = ["province", "city"]
    search_fields = ["code", "name", "name_en", "city"]
