"""Local time (Asia/Shanghai) for every app: today, midnight, ISO-8601 with the offset."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def local_iso(moment: dt.datetime | None) -> str | None:
    """An aware moment as ISO-8601 in Asia/Shanghai time (None stays None)."""
    return moment and moment.astimezone(LOCAL_TZ).isoformat()


def local_today() -> dt.date:
    """Today's date in Asia/Shanghai."""
    return dt.datetime.now(LOCAL_TZ).date()


def local_midnight(day: dt.date) -> dt.datetime:
    """The moment ``day`` begins in Asia/Shanghai."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=LOCAL_TZ)
