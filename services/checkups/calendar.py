"""Check-up events as iCalendar (RFC 5545), for a phone's calendar: one event or a feed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from icalendar import Calendar, Event, vGeo

from core.demo import DEMO_LABEL, DEMO_NOTICE
from services.checkups.models import CheckupEvent

PRODID = "-//yizhan//check-ups//ZH"


def event_component(event: CheckupEvent, *, url: str, english: bool) -> Event:
    """One VEVENT. Times are written in UTC (RFC 5545 form 2), so no VTIMEZONE is needed and
    every calendar shows them in its own zone. A demo event says so in its title and text,
    and is only TENTATIVE: nobody should plan a trip around it."""
    kind = event.kind.name_en if english else event.kind.name
    place = ", ".join(filter(None, [event.station and event.station.name, event.address]))
    details = [event.organiser, event.eligibility_note, "、".join(event.items)]
    summary = f"{kind} · {event.station.name}" if event.station else kind
    if event.status == CheckupEvent.Status.CANCELLED:
        status = "CANCELLED"
    elif event.is_synthetic:
        status = "TENTATIVE"
    else:
        status = "CONFIRMED"
    if event.is_synthetic:
        summary = f"{summary} {DEMO_LABEL}"
        details.insert(0, str(DEMO_NOTICE))
    component = Event()
    component.add("uid", f"checkup-{event.pk}@yizhan")
    component.add("dtstamp", event.updated_at.astimezone(dt.UTC))
    component.add("dtstart", event.starts_at.astimezone(dt.UTC))
    component.add("dtend", event.ends_at.astimezone(dt.UTC))
    component.add("summary", summary)
    component.add("location", place)
    component.add("geo", vGeo((event.location.y, event.location.x)))
    component.add("description", "\n".join(filter(None, details)))
    component.add("status", status)
    component.add("url", url)
    return component


def calendar_bytes(components: Iterable[Event], *, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for component in components:
        calendar.add_component(component)
    return calendar.to_ical()
