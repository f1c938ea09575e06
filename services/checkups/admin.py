from django.contrib import admin

from core.widgets import LocalMapAdmin
from services.checkups.models import Booking, CheckupEvent, CheckupKind, Van


@admin.register(CheckupKind)
class CheckupKindAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "sort_order"]


@admin.register(Van)
class VanAdmin(LocalMapAdmin):
    list_display = ["name", "organiser", "day_starts", "day_ends", "checkups_per_hour"]
    search_fields = ["name", "organiser"]


@admin.register(CheckupEvent)
class CheckupEventAdmin(LocalMapAdmin):
    list_display = [
        "starts_at",
        "kind",
        "station",
        "organiser",
        "van",
        "booked",
        "capacity",
        "status",
    ]
    list_filter = ["status", "kind", "organiser", "van", "is_synthetic"]
    search_fields = ["station__code", "station__name", "address", "organiser"]
    raw_id_fields = ["station"]
    date_hierarchy = "starts_at"


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Bookings show the masked phone only; the hash is never displayed."""

    list_display = ["reference", "event", "masked_phone", "created_at", "attendance"]
    list_filter = ["waiting"]
    search_fields = ["reference"]
    exclude = ["phone_hash"]
    # Places, the waiting list and attendance change only through the services' rules.
    readonly_fields = [
        "reference",
        "event",
        "phone_last4",
        "waiting",
        "created_at",
        "given_place_at",
        "cancelled_at",
        "checked_in_at",
        "no_show_at",
    ]
