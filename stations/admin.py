from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin
from django.utils.translation import gettext_lazy as _

from stations.models import (
    AdminArea,
    Amenity,
    OpeningException,
    OpeningPeriod,
    Station,
    StationAmenity,
)


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


class AmenityFilter(admin.SimpleListFilter):
    title = _("amenity")
    parameter_name = "amenity"

    def lookups(self, request, model_admin):
        return [(a.code, a.name) for a in Amenity.objects.all()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(amenities__amenity_id=self.value()).distinct()
        return queryset


@admin.register(Station)
class StationAdmin(GISModelAdmin):
    list_display = ["code", "name", "city", "district", "kind", "status", "last_verified_at"]
    list_filter = ["city", "district", "kind", AmenityFilter, "status", "is_synthetic"]
    search_fields = ["code", "name", "name_en", "address"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [StationAmenityInline, OpeningPeriodInline, OpeningExceptionInline]
    list_per_page = 50


@admin.register(Amenity)
class AmenityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "icon", "sort_order"]
    search_fields = ["code", "name", "name_en"]


@admin.register(AdminArea)
class AdminAreaAdmin(GISModelAdmin):
    list_display = ["code", "name", "city", "province"]
    list_filter = ["province", "city"]
    search_fields = ["code", "name", "name_en", "city"]
