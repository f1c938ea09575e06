"""The trust rule: what workers' reports make workers see about a station.

A problem (closed, no water…) is shown as "有人报告…" once ``PROBLEM_CLIENTS`` different clients
have reported it within the last ``WINDOW`` (older reports no longer count: they decay), unless,
since then, ``ALL_GOOD_CLIENTS`` different clients have said everything is fine (which clears
every problem reported before), a manager has confirmed the station ("everything is still true")
or resolved the reports. One client, however often it reports, is one voice; reports marked as
spam count for nothing. A report never changes the station's data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth

from core.localtime import LOCAL_TZ, local_midnight
from services.reports.models import StationReport

WINDOW = dt.timedelta(hours=24)
PROBLEM_CLIENTS = 3
ALL_GOOD_CLIENTS = 2


@dataclass(frozen=True)
class Notice:
    """A problem enough workers have reported lately."""

    kind: str
    since: dt.datetime
    """When the report that made it a notice was made."""
    latest: dt.datetime
    clients: int


def notices_from(reports: list[StationReport]) -> list[Notice]:
    """The notices of these open reports of one station (oldest first), by the rule above."""
    voices: dict[str, dict[str, dt.datetime]] = {}  # kind → client → latest report
    reached: dict[str, dt.datetime] = {}
    all_good: set[str] = set()
    for report in reports:
        if report.kind == StationReport.Kind.ALL_GOOD:
            all_good.add(report.client)
            if len(all_good) >= ALL_GOOD_CLIENTS:
                voices.clear()
                reached.clear()
                all_good.clear()
            continue
        clients = voices.setdefault(report.kind, {})
        clients[report.client] = report.created_at
        if len(clients) >= PROBLEM_CLIENTS and report.kind not in reached:
            reached[report.kind] = report.created_at
    return [
        Notice(kind, reached[kind], max(voices[kind].values()), len(voices[kind]))
        for kind in StationReport.Kind.values
        if kind in reached
    ]


class ReportedStation(Protocol):
    """A station as a model or as a selector's view (stations.selectors.StationView)."""

    id: int
    code: str
    last_verified_at: dt.datetime | None


def counting_since(station: ReportedStation, now: dt.datetime) -> dt.datetime:
    """Reports made after this still count: within the window, and after the station was last
    confirmed."""
    since = now - WINDOW
    verified = station.last_verified_at
    return verified if verified is not None and verified > since else since


def _live_reports() -> QuerySet[StationReport]:
    return StationReport.objects.filter(resolved_at=None, is_spam=False).order_by(
        "created_at", "id"
    )


def open_reports(*, station: ReportedStation, now: dt.datetime) -> QuerySet[StationReport]:
    """The station's reports that still count (neither resolved nor spam), oldest first."""
    return _live_reports().filter(
        station_id=station.id, created_at__gt=counting_since(station, now)
    )


def station_notices(*, station: ReportedStation, now: dt.datetime) -> list[Notice]:
    return notices_from(list(open_reports(station=station, now=now)))


@dataclass(frozen=True)
class StationReports:
    """A station's open reports (oldest first) and the notices they make."""

    reports: list[StationReport]
    notices: list[Notice]


def reports_of_stations(
    *, stations: list[ReportedStation], now: dt.datetime
) -> dict[int, StationReports]:
    """:func:`open_reports` and the notices of each of these stations (a manager's home), in
    one query; stations without open reports are left out."""
    recent = _live_reports().filter(
        station_id__in=[station.id for station in stations], created_at__gt=now - WINDOW
    )
    by_station: dict[int, list[StationReport]] = {}
    for report in recent:
        by_station.setdefault(report.station_id, []).append(report)
    found = {}
    for station in stations:
        since = counting_since(station, now)
        reports = [r for r in by_station.get(station.id, []) if r.created_at > since]
        if reports:
            found[station.id] = StationReports(reports, notices_from(reports))
    return found


@dataclass(frozen=True)
class ReportCounts:
    """A city's reports (spam left out) per month and kind, and its most reported stations
    lately: for organisers."""

    months: list[tuple[dt.date, dict[str, int]]]
    """(first day of the month, {kind: reports}), oldest first."""
    stations: list[tuple[str, str, int]]
    """(code, name, reports) in the last 30 days, most first (at most 10)."""


def report_counts(*, city: str, months: list[dt.date], now: dt.datetime) -> ReportCounts:
    """Counts for these months (first days, Beijing time) of ``city``'s stations."""
    in_city = StationReport.objects.filter(station__city=city, is_spam=False)
    by_month = (
        in_city.filter(created_at__gte=local_midnight(months[0]))
        .annotate(month=TruncMonth("created_at", tzinfo=LOCAL_TZ))
        .values("month", "kind")
        .annotate(reports=Count("id"))
    )
    counts: dict[dt.date, dict[str, int]] = {month: {} for month in months}
    for row in by_month:
        counts.setdefault(row["month"].date(), {})[row["kind"]] = row["reports"]
    stations = (
        in_city.filter(created_at__gte=now - dt.timedelta(days=30))
        .values("station__code", "station__name")
        .annotate(reports=Count("id"))
        .order_by("-reports", "station__code")[:10]
    )
    return ReportCounts(
        months=[(month, counts[month]) for month in months],
        stations=[(s["station__code"], s["station__name"], s["reports"]) for s in stations],
    )
