"""What every page needs to know: whether the database holds demo (synthetic) rows."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.http import HttpRequest

from core.demo import DEMO_LABEL, DEMO_NOTICE
from services.checkups.selectors import synthetic_events_present
from stations.selectors import synthetic_stations_present

DEMO_PRESENT_KEY = "pages:demo-data-present"
DEMO_PRESENT_SECONDS = 60


def demo_data_present() -> bool:
    """Any invented station or check-up in the database (asked at most once a minute)."""
    present = cache.get(DEMO_PRESENT_KEY)
    if present is None:
        present = synthetic_stations_present() or synthetic_events_present()
        cache.set(DEMO_PRESENT_KEY, present, DEMO_PRESENT_SECONDS)
    return present


def demo(request: HttpRequest) -> dict[str, Any]:
    return {
        "demo_data": demo_data_present(),
        "demo_label": DEMO_LABEL,
        "demo_notice": DEMO_NOTICE,
    }
