"""For organisers: a city's check-ups month by month (``/organisers/numbers/``), as a table,
a server-drawn SVG chart (no chart library, nothing from a CDN) and a CSV file; and what workers
reported about its stations, per month and kind, and the most reported stations lately."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.roles import ORGANISERS, has_any_role
from core.tables import TABLE_TYPES, write_table
from maps.forms import CityForm
from services.checkups.selectors import COVERED_DAYS, COVERED_KM, MonthNumbers, checkup_numbers
from services.reports.models import StationReport
from services.reports.selectors import report_counts
from stations.selectors import known_cities

MONTHS = 12
CHART_HEIGHT = 160  # px of the bars' area
BAR_WIDTH = 8
MONTH_WIDTH = 3 * BAR_WIDTH + 12
SERIES = ("places", "booked", "attended")


@dataclass(frozen=True)
class Bar:
    series: str
    x: int
    y: int
    height: int
    value: int


def chart_bars(months: list[MonthNumbers]) -> tuple[list[tuple[int, str, list[Bar]]], int]:
    """Per month: its x, its number as its label and its three bars (places offered,
    booked, attended), scaled to the largest figure; and that figure (the axis' top)."""
    top = max([max(m.places, m.booked, m.attended) for m in months] + [1])
    columns = []
    for index, month in enumerate(months):
        left = index * MONTH_WIDTH
        bars = []
        for offset, series in enumerate(SERIES):
            value = getattr(month, series)
            height = round(value / top * CHART_HEIGHT)
            bars.append(
                Bar(series, left + offset * BAR_WIDTH, CHART_HEIGHT - height, height, value)
            )
        columns.append((left, date_format(month.month, "n"), bars))
    return columns, top


def numbers_csv(city: str, months: list[MonthNumbers]) -> HttpResponse:
    header = [
        _("month"),
        _("check-ups held"),
        _("places offered"),
        _("booked"),
        _("attended"),
        _("no-shows"),
        _("stations"),
        _("stations with a check-up within %(km)s km in %(days)s days")
        % {"km": COVERED_KM, "days": COVERED_DAYS},
    ]
    rows = [
        [
            m.month.strftime("%Y-%m"),
            m.held,
            m.places,
            m.booked,
            m.attended,
            m.no_shows,
            m.stations,
            m.stations_covered,
        ]
        for m in months
    ]
    out = io.BytesIO()
    write_table(out, header, rows, fmt="csv", sheet_name="numbers")
    response = HttpResponse(out.getvalue(), content_type=TABLE_TYPES["csv"])
    response["Content-Disposition"] = 'attachment; filename="checkups-by-month.csv"'
    return response


def numbers_page(request: HttpRequest) -> HttpResponse:
    """A city's last 12 months of check-ups (``?city=``; ``&format=csv`` for the file). A city
    that is not one is said on the page (400), never replaced by another."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not has_any_role(request.user, ORGANISERS):
        raise PermissionDenied(_("The check-up numbers are for organisers and administrators."))
    form = CityForm(request.GET or None, cities=known_cities())
    if form.is_bound and not form.is_valid():
        return render(request, "maps/numbers.html", {"form": form}, status=400)
    city = form.chosen_city()
    months = checkup_numbers(city=city, months=MONTHS, now=timezone.now())
    if request.GET.get("format") == "csv":
        return numbers_csv(city, months)
    columns, top = chart_bars(months)
    reports = report_counts(city=city, months=[m.month for m in months], now=timezone.now())
    kinds = StationReport.Kind.choices
    return render(
        request,
        "maps/numbers.html",
        {
            "form": form,
            "city": city,
            "months": months,
            "columns": columns,
            "top": top,
            "chart_width": len(months) * MONTH_WIDTH,
            "chart_height": CHART_HEIGHT,
            "covered_km": COVERED_KM,
            "covered_days": COVERED_DAYS,
            "report_kinds": kinds,
            "report_months": [
                (month, [counts.get(kind, 0) for kind, _label in kinds])
                for month, counts in reports.months
            ],
            "reported_stations": reports.stations,
        },
    )
