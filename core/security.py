"""The Content-Security-Policy on every response: no inline script, no script from elsewhere.

Data reaches pages as escaped HTML or as JSON (``json_script``) read by static scripts, so a
name that smuggles markup or a script into a page is never run. Tiles are images from the
configured tile server; everything else comes from yizhan itself."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# The admin's map widget draws OpenStreetMap tiles whatever YIZHAN_TILE_URL says.
ADMIN_TILES = "https://tile.openstreetmap.org"


def tile_source(url: str) -> str:
    """The CSP source of a tile URL template: its scheme and host, a subdomain placeholder
    (``{s}.tile…``, ``webrd0{s}.is.autonavi.com``) as a wildcard label."""
    parts = urlsplit(url)
    labels = parts.netloc.split(".")
    if "{" in labels[0]:
        labels[0] = "*"
    return f"{parts.scheme}://{'.'.join(labels)}"


@cache
def page_policy(tile_url: str) -> str:
    images = " ".join(
        dict.fromkeys(["'self'", "data:", "blob:", tile_source(tile_url), ADMIN_TILES])
    )
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            # Leaflet and the admin set element styles; a style cannot run code.
            "style-src 'self' 'unsafe-inline'",
            f"img-src {images}",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


# An API answer is data, never a document to render.
API_POLICY = "default-src 'none'; frame-ancestors 'none'"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            is_page = response.get("Content-Type", "").startswith("text/html")
            policy = page_policy(settings.YIZHAN_TILE_URL) if is_page else API_POLICY
            response["Content-Security-Policy"] = policy
        return response
