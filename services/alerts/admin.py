from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.widgets import LocalMapAdmin
from services.alerts.cap import CapError, parse_cap
from services.alerts.models import WeatherAlert
from services.alerts.services import alert_districts, alerts_import, warning_days_refresh

MAX_CAP_BYTES = 1_000_000


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".xml"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class CapUploadForm(forms.Form):
    files = MultipleFileField(label=gettext_lazy("CAP 1.2 files"))


@admin.register(WeatherAlert)
class WeatherAlertAdmin(LocalMapAdmin):
    """Warnings come from CAP files (``manage.py import_alerts``, or "Import CAP files" here);
    the admin shows them and can end one early (set "cancelled or replaced at")."""

    list_display = ["headline", "kind", "level", "effective", "expires", "cancelled_at"]
    list_filter = ["kind", "level"]
    search_fields = ["headline", "area_description", "identifier"]
    filter_horizontal = ["districts"]
    change_list_template = "admin/alerts/weatheralert/change_list.html"

    def save_related(self, request, form, formsets, change) -> None:
        """An edited warning (ended early, its area or times changed) moves the warning days
        of the stations under it."""
        super().save_related(request, form, formsets, change)
        transaction.on_commit(warning_days_refresh)

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        transaction.on_commit(warning_days_refresh)

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset)
        transaction.on_commit(warning_days_refresh)

    def get_urls(self):
        upload = self.admin_site.admin_view(self.import_view)
        return [path("import/", upload, name="alerts_weatheralert_import"), *super().get_urls()]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Every uploaded file is read and its area matched before any is saved, as by the
        command; a file that is not a usable warning is named with the reason."""
        if not self.has_add_permission(request):
            return redirect("admin:alerts_weatheralert_changelist")
        form = CapUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            checked, problems = [], []
            for upload in form.cleaned_data["files"]:
                try:
                    if upload.size > MAX_CAP_BYTES:
                        raise CapError(_("larger than 1 MB"))
                    alert = parse_cap(upload.read())
                    districts = [] if alert.msg_type == "Cancel" else alert_districts(alert)
                    checked.append((alert, districts))
                except CapError as error:
                    problems.append(f"{upload.name}: {error}")
            if problems:
                for problem in problems:
                    form.add_error("files", problem)
            else:
                done = alerts_import(checked)
                self.message_user(
                    request,
                    _(
                        "%(created)d imported, %(present)d already present, %(cancelled)d "
                        "cancelled or replaced."
                    )
                    % {
                        "created": done.created,
                        "present": done.already_present,
                        "cancelled": done.cancelled,
                    },
                    messages.SUCCESS,
                )
                return redirect("admin:alerts_weatheralert_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import CAP files"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/alerts/weatheralert/import.html", context)
