"""Pages: server-rendered templates around folium maps; the data comes from the public API."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from maps.builders import base_map, map_parts
from services.models import Occupation
from services.selectors import known_cities

CHINA_CENTRE = (30.0, 110.0)


def benefits_page(request: HttpRequest) -> HttpResponse:
    """The benefits locator: a short form, the answer as cards, claim points on a small map
    (the page asks /api/v1/benefits/eligible/ and draws what it says)."""
    figure = base_map(
        center=CHINA_CENTRE,
        zoom=4,
        tile_url=settings.YIZHAN_TILE_URL,
        attribution=settings.YIZHAN_TILE_ATTRIBUTION,
    )
    return render(
        request,
        "maps/benefits.html",
        {
            "map": map_parts(figure),
            "cities": known_cities(),
            "occupations": Occupation.objects.all(),
            "texts": benefits_texts(),
        },
    )


def benefits_texts() -> dict[str, str]:
    """The words the page's script shows, in the page's language."""
    return {
        "covered": _("These cover you"),
        "not_covered_yet": _("Not yet: what would change it"),
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
        "source": _("Source"),
        "illustrative": _("Illustrative"),
    }
