from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from services.reports.models import StationReport


@admin.register(StationReport)
class StationReportAdmin(admin.ModelAdmin):
    """Administrators moderate: spam counts for nothing in the trust rule. The client and
    phone hashes are never shown."""

    list_display = [
        "station",
        "kind",
        "note",
        "masked_phone",
        "created_at",
        "resolution",
        "is_spam",
    ]
    list_filter = ["kind", "is_spam", "resolution"]
    search_fields = ["station__code", "station__name", "note"]
    exclude = ["client", "phone_hash"]
    readonly_fields = ["station", "kind", "note", "phone_last4", "created_at"]
    actions = ["mark_spam", "mark_not_spam"]

    @admin.action(description=_("Mark as spam (the trust rule ignores them)"))
    def mark_spam(self, request: HttpRequest, queryset: QuerySet[StationReport]) -> None:
        queryset.update(is_spam=True)

    @admin.action(description=_("Mark as not spam"))
    def mark_not_spam(self, request: HttpRequest, queryset: QuerySet[StationReport]) -> None:
        queryset.update(is_spam=False)
