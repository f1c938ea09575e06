"""``make bench`` case: browsing the map (``GET /api/v1/stations/map/``) at 1M stations.

Three kinds of view, each on a phone's screen (390 × 640 px), 200 views each:
- city: zoom 12 around the query points (half in Shenzhen), clusters from the stored cells;
- city with a filter (an amenity): zoom 12 again, the matching stations counted when asked;
- national: zoom 4 to 6 over China, clusters from the stored cells.
One server as in the other cases (uWSGI, 2 processes, production settings), warmed up, then
``wrk`` at 2 connections, each figure the median of 3 runs of 5 s. Target, for the city and
national views: at least ``TARGET_RPS`` requests a second with p50 at most ``TARGET_P50_MS``
(a map that follows a finger must answer a pan well within what the network adds). Filtered
views are measured without a target: they count the matching stations in view when asked,
and the synthetic 1M registry puts ≈18,000 stations in one phone screen of Shenzhen at zoom
12 (the real city has 1,100 in all)."""

from __future__ import annotations

import math
import random
from pathlib import Path
from urllib.parse import urlencode

from bench.run import (
    DURATION_S,
    ROUNDS,
    WRK_SCRIPT,
    free_port,
    median_figure,
    query_points,
    start_server,
    stop_server,
    warm_up,
    wrk,
)

SCREEN_PX = (390, 640)
TARGET_RPS = 500
TARGET_P50_MS = 10.0
CHINA = (73.5, 18.2, 134.8, 53.6)
MAP_PATH, TEXTBOOK_MAP_PATH = "/api/v1/stations/map/", "/bench/textbook/stations/map/"


def viewport(lon: float, lat: float, zoom: int) -> str:
    """The WGS-84 bbox a phone's screen shows around a point at ``zoom`` (Web Mercator)."""
    degrees_per_px = 360 / (256 * 2**zoom)
    half_width = SCREEN_PX[0] / 2 * degrees_per_px
    half_height = SCREEN_PX[1] / 2 * degrees_per_px * math.cos(math.radians(lat))
    return ",".join(
        f"{value:.5f}"
        for value in (lon - half_width, lat - half_height, lon + half_width, lat + half_height)
    )


def views() -> dict[str, list[str]]:
    rng = random.Random(5)
    city = [(lon, lat, 12) for lon, lat in query_points(200, seed=4)]
    national = [
        (rng.uniform(CHINA[0] + 10, CHINA[2] - 10), rng.uniform(25, 45), rng.choice((4, 5, 6)))
        for _ in range(200)
    ]

    def paths(places, **extra: str) -> list[str]:
        return [
            f"{MAP_PATH}?" + urlencode({"bbox": viewport(lon, lat, zoom), "zoom": zoom, **extra})
            for lon, lat, zoom in places
        ]

    return {
        "city": paths(city),
        "city_filtered": paths(city, amenity="ebike_charging"),
        "national": paths(national),
    }


def browse_figures(url: str, workdir: Path) -> dict:
    script = workdir / "paths.lua"
    script.write_text(WRK_SCRIPT)
    port = free_port()
    server = start_server(url, port)
    figures: dict = {
        "target_rps": TARGET_RPS,
        "target_p50_ms": TARGET_P50_MS,
        "targeted": ["city", "national"],
        "views": {},
    }
    try:
        for kind, paths in views().items():
            paths_file = workdir / f"browse-{kind}.txt"
            paths_file.write_text("\n".join(paths) + "\n")
            warm_up(port, paths)
            runs = [wrk(port, paths_file, script, 2, DURATION_S) for _ in range(ROUNDS)]
            figures["views"][kind] = median_figure(runs)
        figures["textbook_views"] = textbook_figures(port, workdir, script, figures["targeted"])
    finally:
        stop_server(server)
    return figures


def textbook_figures(port: int, workdir: Path, script: Path, kinds: list[str]) -> dict:
    """The same views from the textbook endpoint (bench/baseline.py), which groups every
    station in view at every request: a short warm-up (it keeps nothing to warm), and wrk
    waiting up to a minute for an answer (a national view at 1M groups most of the registry)."""
    figures = {}
    for kind in kinds:
        paths = [path.replace(MAP_PATH, TEXTBOOK_MAP_PATH) for path in views()[kind]]
        paths_file = workdir / f"browse-textbook-{kind}.txt"
        paths_file.write_text("\n".join(paths) + "\n")
        warm_up(port, paths[:2])
        runs = [wrk(port, paths_file, script, 2, DURATION_S, timeout_s=60) for _ in range(ROUNDS)]
        figures[kind] = median_figure(runs)
    return figures
