"""``make bench`` case: the planners' coverage page of Shenzhen, on the demo data and at the
1M registry's density (≈100,000 stations in Shenzhen against the real city's 1,100).

For each database: the grid computed afresh as the job queue would (bench/coverage_job.py,
timed), the server as in the other cases (production settings, whitenoise), then Debian's
Chromium through Playwright opens ``/coverage/?city=深圳市`` (1280 × 800) twice in one
browser: a first visit and a second (a new visit, the browser using what it kept as the
answers' headers allow). For each: the time from the start of the navigation until the grid is
drawn (the page's ``coverage-drawn`` mark) and the bytes transferred (the page's and every
resource's ``transferSize``). Map tiles are refused: they are the user's browser's business.
Target, second visit: drawn within ``TARGET_DRAWN_MS`` and at most ``TARGET_BYTES``. The
textbook page (bench/baseline.py: the grid computed for each request and inlined as GeoJSON
polygons) is visited the same way, for the ratio."""

from __future__ import annotations

from bench.run import free_port, run_script, start_server, stop_server

TARGET_DRAWN_MS = 1500
TARGET_BYTES = 400_000
CHROMIUM = "/usr/bin/chromium"
# Every host but this one unresolvable: no tile leaves the machine (a route would do it too,
# but Playwright turns the browser's cache off while requests are routed).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]  # fmt: skip
PAGE = "/coverage/?city=%E6%B7%B1%E5%9C%B3%E5%B8%82"  # 深圳市
TEXTBOOK_PAGE = "/bench/textbook/coverage/?city=%E6%B7%B1%E5%9C%B3%E5%B8%82"
TRANSFERRED = """() => {
  const entries = [...performance.getEntriesByType("navigation"),
                   ...performance.getEntriesByType("resource")];
  return entries.reduce((total, entry) => total + entry.transferSize, 0);
}"""
DRAWN = '() => performance.getEntriesByName("coverage-drawn")[0].startTime'


def visits(port: int, page_path: str = PAGE) -> list[dict]:
    from playwright.sync_api import sync_playwright

    figures = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
        page = context.new_page()
        for _ in range(2):
            page.goto(f"http://127.0.0.1:{port}{page_path}", timeout=120_000)
            page.wait_for_selector("#map[data-drawn]", timeout=120_000)
            figures.append(
                {
                    "drawn_ms": round(page.evaluate(DRAWN)),
                    "bytes": page.evaluate(TRANSFERRED),
                    "cells": int(page.get_attribute("#map", "data-drawn")),
                }
            )
        browser.close()
    return figures


def coverage_figures(databases: dict[str, str]) -> dict:
    """{name: database URL} → per database: the job's figures and the two visits'."""
    figures: dict = {"target_drawn_ms": TARGET_DRAWN_MS, "target_bytes": TARGET_BYTES}
    for name, url in databases.items():
        job = run_script("bench/coverage_job.py", url)
        port = free_port()
        server = start_server(url, port)
        try:
            first, second = visits(port)
            textbook = visits(port, TEXTBOOK_PAGE)
        finally:
            stop_server(server)
        figures[name] = {"job": job, "first": first, "second": second, "textbook": textbook}
    return figures
