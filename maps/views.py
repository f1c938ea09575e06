"""Pages: server-rendered templates around Leaflet maps drawn from JSON by a static script; the
worker-facing data comes from the public API."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import json_script
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.coordinates import Crs, from_wgs84
from core.demo import DEMO_LABEL
from core.language import is_english
from core.localtime import LOCAL_TZ, local_midnight
from core.models import Job
from core.roles import ORGANISERS, has_any_role
from maps.builders import (
    MapSpec,
    TourStop,
    VanRoute,
    base_map,
    coverage_map,
    station_map,
    tours_map,
)
from maps.forms import TourPageForm
from services.alerts.selectors import districts_under_warning, weather_mode_at
from services.benefits.models import Occupation
from services.checkups.models import CheckupEvent
from services.checkups.selectors import checkups_at_station, van_visits_on
from services.checkups.serializers import event_feature
from services.checkups.services import van_travel_time
from services.planning.selectors import UNCOVERED_DAYS, UNCOVERED_KM, planning_candidates
from services.reports.models import StationReport
from services.reports.serializers import notices_output
from stations.geojson import station_properties
from stations.jobs import COVERAGE_TARGET_M, coverage_of, coverage_result
from stations.models import Amenity, Station, StationAmenity, WarningRule
from stations.opening_hours import WEEKDAYS_EN, WEEKDAYS_ZH, Period
from stations.permissions import managed_stations
from stations.selectors import StationView, known_cities, place_of_city, station_get

CHINA_CENTRE = (30.0, 110.0)
SHENZHEN_CENTRE = (22.543, 114.057)
# The filter chips of the worker map: amenity codes, in the order shown.
WORKER_CHIPS = ["ebike_charging", "drinking_water", "free_meal", "toilet", "cooling"]


def map_context(figure: MapSpec) -> dict[str, Any]:
    """What base.html needs to draw ``figure``: its description, already written as the
    page's JSON script element (so that it can be kept and served again), and the files to
    load."""
    return {
        "spec_script": json_script(figure.as_json(), "map-spec"),
        "scripts": figure.scripts(),
        "sheets": figure.sheets(),
    }


def tiles() -> dict[str, str]:
    return {"tile_url": settings.YIZHAN_TILE_URL, "attribution": settings.YIZHAN_TILE_ATTRIBUTION}


def on_tiles(lon: float, lat: float) -> tuple[float, float]:
    """A WGS-84 point as (lat, lon) in the tiles' coordinate system (``YIZHAN_TILE_CRS``), so
    that server-drawn markers sit on the right streets of GCJ-02 tiles too."""
    x, y = from_wgs84(lon, lat, settings.YIZHAN_TILE_CRS)
    return y, x


def worker_figure() -> MapSpec:
    """The worker map's empty map (its script fills it), and so the files it loads."""
    return base_map(center=SHENZHEN_CENTRE, zoom=13, **tiles())


def worker_map(request: HttpRequest) -> HttpResponse:
    """The worker's map: nearest stations (open or not) with filter chips and a list, and the
    nearest upcoming check-ups; all loaded from the public API by the page's script."""
    figure = worker_figure()
    english = is_english()
    chips = [
        (amenity.code, amenity.name_en if english else amenity.name)
        for amenity in sorted(
            Amenity.objects.filter(code__in=WORKER_CHIPS), key=lambda a: WORKER_CHIPS.index(a.code)
        )
    ]
    return render(
        request,
        "maps/worker.html",
        {
            "map": map_context(figure),
            "chips": chips,
            "settings_json": {
                "tileCrs": settings.YIZHAN_TILE_CRS,
                "centre": SHENZHEN_CENTRE,
                "texts": worker_texts(),
                "checkups": checkup_texts(),
            },
        },
    )


# What the worker map needs to start without a network (the service worker keeps it).
APP_ASSETS = [
    "maps/css/pages.css",
    "maps/js/common.js",
    "maps/js/map.js",
    "maps/js/hours.js",
    "maps/js/checkups.js",
    "maps/js/worker.js",
    "maps/favicon.svg",
    "maps/icons/icon-192.png",
    "maps/icons/icon-512.png",
]
SERVICE_WORKER_POLICY = "default-src 'self'; frame-ancestors 'none'"


@functools.cache
def app_assets() -> tuple[list[str], str]:
    """The worker map's static files as URLs, and a version that changes with their content
    (so a new release replaces the kept copies)."""
    figure = worker_figure()
    paths = [*figure.sheets(), *figure.scripts(), *APP_ASSETS]
    digest = hashlib.sha256()
    for path in paths:
        digest.update(Path(finders.find(path)).read_bytes())
    return [static(path) for path in paths], digest.hexdigest()[:16]


def service_worker(request: HttpRequest) -> HttpResponse:
    """/sw.js: served from the root, so that it may answer for the worker map at /."""
    urls, version = app_assets()
    body = render_to_string("maps/sw.js", {"assets": urls, "version": version}, request=request)
    response = HttpResponse(body, content_type="application/javascript")
    response["Cache-Control"] = "no-cache"
    response["Content-Security-Policy"] = SERVICE_WORKER_POLICY
    return response


def web_manifest(request: HttpRequest) -> JsonResponse:
    """What a phone needs to install the worker map as an app."""
    return JsonResponse(
        {
            "name": _("yizhan: stations near me"),
            "short_name": "驿站",
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "background_color": "#f7f5f2",
            "theme_color": "#b3261e",
            "lang": get_language(),
            "icons": [
                {"src": static(f"maps/icons/icon-{size}.png"), "sizes": f"{size}x{size}",
                 "type": "image/png"}
                for size in (192, 512)
            ] + [{"src": static("maps/favicon.svg"), "sizes": "any", "type": "image/svg+xml"}],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )  # fmt: skip


def benefits_page(request: HttpRequest) -> HttpResponse:
    """The benefits locator: a short form, the answer as cards, claim points on a small map
    (the page asks /api/v1/benefits/eligible/ and draws what it says)."""
    figure = base_map(center=CHINA_CENTRE, zoom=4, **tiles())
    return render(
        request,
        "maps/benefits.html",
        {
            "map": map_context(figure),
            "cities": known_cities(),
            "occupations": Occupation.objects.all(),
            "texts": benefits_texts(),
            "tile_crs": settings.YIZHAN_TILE_CRS,
        },
    )


def benefits_texts() -> dict[str, Any]:
    """The words the page's script shows, in the page's language."""
    return {
        "covered": _("These cover you, or can"),
        "not_covered_yet": _("Not yet: what would change it"),
        "not_for_you": _("For other trades or ages"),
        "distances_from": _("Distances from"),
        "states": {
            "covered": _("Covers you"),
            "may_be_covered": _("May cover you: check your record"),
            "can_enrol": _("You can enrol"),
        },
        "nothing": _("No scheme of your region covers you yet."),
        "claim_points": _("Where to claim"),
        "how_to_claim": _("How to claim"),
        "documents": _("Documents"),
        "time_to_pay": _("Paid"),
        "free": _("Free for you"),
        "per_day": _("yuan a day for you"),
        "subsidy": _("plus a public subsidy of"),
        "yuan": _("yuan"),
        "join": _("Join the union at"),
        "locating": _("Finding your position…"),
        "located": _("Using your position"),
        "no_position": _("Could not get your position: choose a city."),
        "need_place": _("Choose a city or use your position."),
        "failed": _("Something went wrong: try again."),
        "offline": _("No connection: check the network, then try again."),
        "source": _("Source"),
        "illustrative": _("Not from the source"),
        "paid_cases": _("Claims paid (examples reported by the source, not limits)"),
        "validity": _("Runs"),
    }


def worker_texts() -> dict[str, str]:
    return {
        "open": _("Open now"),
        "closed": _("Closed now"),
        "stale": _("Not confirmed lately: call first"),
        "navigate": _("Navigate"),
        "report": _("Report a problem"),
        "amap": _("Amap"),
        "baidu": _("Baidu Maps"),
        "checkups": _("Check-ups"),
        "stations": _("Stations"),
        "places_left": _("places left"),
        "locating": _("Finding your position…"),
        "no_position": _("No position: showing the city centre. Search for a place."),
        "not_found": _("Nothing found there."),
        "found_place": _("Showing: %(place)s."),
        "other_places": _("Other places of that name:"),
        "none": _("No station with all of these nearby."),
        "failed": _("Something went wrong: try again."),
        "open_until": _("open until %(time)s"),
        "opens_at": _("opens %(time)s"),
        "open_all_day": _("open round the clock"),
        "tomorrow": _("tomorrow"),
        "none_within": _("No station with all of these within %(km)s km."),
        "nearest_beyond": _("The nearest is %(distance)s away:"),
        "widen": _("Search within %(km)s km"),
        "you_are_here": _("You are here"),
        "offline": _("No connection: check the network, then try again."),
        "offline_saved": _("Offline: showing the stations saved at %(time)s."),
        "by_date": _("By date"),
        "by_distance": _("By distance"),
        "details": _("More about this station"),
        "cluster": _("%(count)s stations here: zoom in"),
    }


def feed_url(lat: float, lon: float) -> str:
    """The calendar feed of the upcoming check-ups near a point."""
    return f"{reverse('v1:checkups-upcoming-ics')}?{urlencode({'lat': lat, 'lon': lon})}"


def checkup_texts() -> dict[str, Any]:
    """What the check-up lists say (maps/js/checkups.js), and the occupations' names."""
    english = is_english()
    return {
        "texts": {
            "book": _("Book"),
            "confirm": _("Confirm booking"),
            "phone": _("Mobile number"),
            "sending": _("Sending…"),
            "booked": _("Booked. Reference %(reference)s (phone %(phone)s): keep it to cancel."),
            "cancel_this": _("Cancel this booking"),
            "cancelled": _("Booking cancelled."),
            "cancel_existing": _("Booked already? Look it up or cancel with the reference"),
            "check": _("Look up"),
            "phone_needed": _("Give the mobile number you booked with."),
            "join_waiting_list": _("Join the waiting list"),
            "waiting": _(
                "On the waiting list: number %(waiting_position)s. Reference %(reference)s "
                "(phone %(phone)s): when someone cancels, their place is yours; look it up "
                "with the reference."
            ),
            "leave_waiting_list": _("Leave the waiting list"),
            "left": _("You have left the waiting list."),
            "position": _("number %(waiting_position)s in the waiting list"),
            "reference": _("Booking reference"),
            "cancel": _("Cancel booking"),
            "add_to_calendar": _("Add to calendar"),
            "full": _("Full: no places left"),
            "places_left": _("%(count)s places left"),
            "members_only": _("Union members only"),
            "women_only": _("Women only"),
            "occupations": _("For: "),
            "list_separator": _(", "),
            "everyone": _("Open to every worker"),
            "none_planned": _("None planned yet."),
            "failed": _("Something went wrong: try again."),
            "offline": _("No connection: check the network, then try again."),
        },
        "occupations": {
            occupation.code: occupation.name_en if english else occupation.name
            for occupation in Occupation.objects.all()
        },
    }


WEATHER_AMENITIES = {"heat": ("cooling", "drinking_water"), "cold": ("heating", "hot_water")}


def weather_services(
    station: StationView, amenities: list[dict[str, Any]], now: dt.datetime
) -> dict[str, Any] | None:
    """Under a heat or cold warning in force at the station: the warning and what the station
    offers for it (防暑降温服务: cooling, drinking water; 防寒保暖: heating, hot water)."""
    warning = weather_mode_at(lon=station.lon, lat=station.lat, now=now)
    if warning is None:
        return None
    wanted = WEATHER_AMENITIES[warning["kind"]]
    offered = [
        a["name"]
        for a in amenities
        if a["code"] in wanted and a["status"] in ("available", "limited")
    ]
    title = _("Heat relief here") if warning["kind"] == "heat" else _("Warmth here")
    return {"warning": warning, "title": title, "offered": offered}


def warning_rules_shown(
    rules: list[dict[str, Any]], today: dt.date, warning_kind: str | None
) -> list[dict[str, Any]]:
    """A station's warning-day rules as sentences (高温预警期间：加开 07:00–22:00；另提供：绿豆汤),
    each saying whether a warning puts the station on it today (or is in force right now)."""
    labels = dict(WarningRule.Kind.choices)
    shown = []
    for rule in rules:
        what = []
        if rule["opens"]:
            hours = Period(
                dt.time.fromisoformat(rule["opens"]), dt.time.fromisoformat(rule["closes"])
            )
            what.append(_("also open %(hours)s") % {"hours": hours.label()})
        if rule["services"]:
            what.append(_("extra services: %(services)s") % {"services": rule["services"]})
        shown.append(
            {
                "warning": rule["warning"],
                "text": _("%(when)s: %(what)s")
                % {
                    "when": capfirst(labels[rule["warning"]]),
                    "what": _("; ").join(what),
                },
                "in_force": rule["warning"] == warning_kind or today.isoformat() in rule["dates"],
                "rule": rule,
            }
        )
    return shown


def week_grid(weekly: list[dict[str, Any]], english: bool) -> list[tuple[int, str, list]]:
    """The weekly periods as the managers' hours grid shows them: per weekday (Monday first),
    its number, its name and its periods."""
    names = WEEKDAYS_EN if english else WEEKDAYS_ZH
    return [
        (day, name, [period for period in weekly if period["weekday"] == day])
        for day, name in enumerate(names)
    ]


def station_page(request: HttpRequest, code: str) -> HttpResponse:
    """One station for workers; for its managers (logged in) also the forms that change it,
    through the managers' API and its rules (If-Match, validation)."""
    now = timezone.now()
    station = station_get(code=code, moment=now)
    if station is None:
        raise Http404(_("No station with code “%s”.") % code)
    english = is_english()
    user = request.user
    can_manage = user.is_authenticated and managed_stations(user).filter(code=code).exists()
    lat, lon = on_tiles(station.lon, station.lat)
    figure = station_map(lat=lat, lon=lon, name=station.name, **tiles())
    properties = station_properties(station, moment=now, language=get_language())
    station_labels = {str(v): str(label) for v, label in Station.Status.choices}
    amenity_labels = {str(v): str(label) for v, label in StationAmenity.Status.choices}
    for amenity in properties["amenities"]:
        amenity["status_label"] = amenity_labels.get(amenity["status"], amenity["status"])
    relief = weather_services(station, properties["amenities"], now)
    rules = properties["opening_hours"]["during_warnings"]
    return render(
        request,
        "maps/station.html",
        {
            "station": properties,
            "display_name": station.name_en if english and station.name_en else station.name,
            "verified_at": station.last_verified_at,
            "status_label": station_labels.get(properties["status"], properties["status"]),
            "map": map_context(figure),
            "checkups": {
                **checkup_texts(),
                "features": [
                    event_feature(event, crs=Crs.WGS84, language=get_language(), request=request)
                    for event in checkups_at_station(station_id=station.id, starts_from=now)
                ],
                "feed": feed_url(station.lat, station.lon),
            },
            "can_manage": can_manage,
            **(manager_context(station.id, properties["amenities"]) if can_manage else {}),
            "version": station.version,
            "statuses": Station.Status.choices,
            "amenity_statuses": StationAmenity.Status.choices,
            "week": week_grid(properties["opening_hours"]["weekly"], english),
            "reports": {
                **notices_output(station),
                "url": reverse("v1:station-reports", args=[station.code]),
                "texts": {
                    "sending": _("Sending…"),
                    "failed": _("Not sent:"),
                    "offline": _("No connection: check the network, then try again."),
                },
            },
            "report_kinds": StationReport.Kind.choices,
            "weather_services": relief,
            "warning_rules": warning_rules_shown(
                rules,
                now.astimezone(LOCAL_TZ).date(),
                relief and relief["warning"]["kind"],
            ),
            "warning_rule_forms": [
                (kind, label, next((r for r in rules if r["warning"] == kind), None))
                for kind, label in WarningRule.Kind.choices
            ],
            "texts": {
                "saved": _("Saved."),
                "stale": _(
                    "Someone changed this station meanwhile: reload the page, then repeat "
                    "your change."
                ),
                "failed": _("Not saved:"),
                "offline": _("No connection: check the network, then try again."),
                "removed": _("Removed."),
                "remove": _("Remove %(name)s"),
                "open": _("Open now"),
                "closed": _("Closed now"),
                "statuses": station_labels,
                "amenity_statuses": amenity_labels,
            },
        },
    )


def manager_context(station_id: int, amenities: list[dict[str, Any]]) -> dict[str, Any]:
    """What only a manager's forms show: seats and notes, and the amenities one may add."""
    seats, notes = Station.objects.filter(pk=station_id).values_list("seats", "notes").get()
    present = {amenity["code"] for amenity in amenities}
    english = is_english()
    addable = [
        (amenity.code, amenity.name_en if english else amenity.name)
        for amenity in Amenity.objects.exclude(code__in=present)
    ]
    return {"seats": seats, "notes": notes, "addable": addable}


def tour_stop(event: CheckupEvent) -> TourStop:
    starts, ends = (moment.astimezone(LOCAL_TZ) for moment in (event.starts_at, event.ends_at))
    place = event.station.name if event.station else event.address
    demo = f" {DEMO_LABEL}" if event.is_synthetic else ""
    return TourStop(
        *on_tiles(event.location.x, event.location.y),
        label=f"{starts:%H:%M}–{ends:%H:%M} {place} ({event.booked}/{event.capacity}){demo}",
    )


@dataclass(frozen=True)
class TimetableRow:
    """One stop of a van's day, as the tours page's table shows it."""

    number: int
    event: CheckupEvent
    place: str
    driving_minutes: int
    """From the previous stop, or from the depot for the first."""


def timetable(events: list[CheckupEvent]) -> list[TimetableRow]:
    """A van's stops of a day in order, with the driving time to each (the planning's rule)."""
    rows, previous = [], None
    for number, event in enumerate(events, start=1):
        origin = previous.location if previous is not None else event.van.depot
        minutes = round(van_travel_time(origin, event.location).total_seconds() / 60)
        place = event.station.name if event.station else event.address
        rows.append(TimetableRow(number, event, place, minutes))
        previous = event
    return rows


def tours_page(request: HttpRequest) -> HttpResponse:
    """For organisers: the vans' tours on a day in a city, as a timetable per van and as
    numbered stops on a map, over the demand that no check-up has reached lately. A date or
    city that is not one is said on the page (400), never replaced by another."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not has_any_role(request.user, ORGANISERS):
        raise PermissionDenied(_("The van tours are for organisers and administrators."))
    cities = known_cities()
    form = TourPageForm(request.GET or None, cities=cities)
    if form.is_bound and not form.is_valid():
        return render(request, "maps/tours.html", {"form": form}, status=400)
    day, city = form.chosen()
    by_van = [
        (van, list(group))
        for van, group in groupby(van_visits_on(day=day, city=city), key=lambda e: e.van.name)
    ]
    routes = [
        VanRoute(van=van, stops=[tour_stop(event) for event in events]) for van, events in by_van
    ]
    vans = [
        {
            "van": van,
            "rows": timetable(events),
            "booked": sum(e.booked for e in events),
            "capacity": sum(e.capacity for e in events),
        }
        for van, events in by_van
    ]
    start = local_midnight(day)
    candidates = planning_candidates(
        city=city, before=start, uncovered_km=UNCOVERED_KM, uncovered_days=UNCOVERED_DAYS
    )
    gaps = [(*on_tiles(c.lon, c.lat), float(c.demand)) for c in candidates if c.uncovered]
    place = place_of_city(city=city)
    figure = tours_map(center=on_tiles(place.lon, place.lat), routes=routes, gaps=gaps, **tiles())
    return render(
        request,
        "maps/tours.html",
        {
            "map": map_context(figure),
            "form": form,
            "vans": vans,
            "gaps": len(gaps),
            "day": day,
            "city": city,
        },
    )


def coverage_page(request: HttpRequest) -> HttpResponse:
    """For planners: how far every part of a city is from the nearest open station. The grid
    is computed by a job (seconds of spatial SQL) and kept; the page shows the latest one and,
    while there is none yet, says so and looks again."""
    cities = known_cities()
    asked = request.GET.get("city")
    city = asked if asked in cities else "深圳市"
    latest, refreshing = coverage_of(city)
    context: dict[str, Any] = {
        "cities": cities,
        "city": city,
        "refreshing": refreshing,
        "under_warning": districts_under_warning(city=city, now=timezone.now()),
    }
    if latest is not None:
        context |= {"computed_at": latest.finished_at, **coverage_figures(latest, city)}
    return render(request, "maps/coverage.html", context)


def coverage_figures(latest: Job, city: str) -> dict[str, Any]:
    """The figures of a finished coverage job, worked out once per job and language and kept
    (the same for every visitor until the next job), and the map that loads the grid itself
    from the API (a compact layer the browser keeps: not inlined in every page)."""
    key = f"pages:coverage:{latest.pk}:{get_language()}"
    figures = cache.get(key)
    if figures is None:
        coverage = coverage_result(latest)
        place = place_of_city(city=city)  # a union of the city's boundaries: once per job
        figures = {
            "cell_m": round(coverage.cell_m),
            "area_share": round(100 * coverage.area_share_beyond(COVERAGE_TARGET_M), 1),
            "stations": coverage.stations,
            "isolated_share": round(100 * coverage.isolated_stations / coverage.stations, 1)
            if coverage.stations
            else 0,
            "centre": (place.lon, place.lat),
        }
        cache.set(key, figures, timeout=settings.YIZHAN_COVERAGE_MAX_AGE_MINUTES * 60)
    layer = (
        reverse("v1:stations-coverage")
        + "?"
        + urlencode({"city": city, "crs": settings.YIZHAN_TILE_CRS})
    )
    figure = coverage_map(center=on_tiles(*figures["centre"]), layer_url=layer, **tiles())
    return figures | {"map": map_context(figure)}
