"""``make audit``: Lighthouse (npm, driving Debian's Chromium) on the pages workers use, served
as in production (uWSGI, production settings, collected static files) from the demo data.

Installs what is missing (Node.js and npm from Debian; Lighthouse, pinned, under .audit/),
prints a table and writes bench/results/lighthouse.json and lighthouse.md. Mobile form factor
(Lighthouse's default: a mid-range phone on a slow 4G network).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

from bootstrap import DEFAULT_URL, apt_install  # noqa: E402

from bench.run import production_env  # noqa: E402  (the benchmark's production server)

LIGHTHOUSE = "12.2.3"  # 13 needs Node 22; Debian's is older
TOOLS = ROOT / ".audit"
CHROMIUM = "/usr/bin/chromium"
PORT = 8107
PAGES = {"worker map": "/", "station page": "/stations/SZ-0001/", "benefits": "/benefits/"}
TARGETS = {"performance": 0.90, "accessibility": 0.95}
RESULTS = ROOT / "bench" / "results"


def lighthouse() -> Path:
    if not shutil.which("npm"):
        apt_install(["nodejs", "npm"], "Lighthouse")
    binary = TOOLS / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        TOOLS.mkdir(exist_ok=True)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "-E", f"lighthouse@{LIGHTHOUSE}"],
            cwd=TOOLS,
            check=True,
        )
    return binary


def serve(env: dict[str, str]) -> subprocess.Popen:
    python = sys.executable
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, check=True)
    server = subprocess.Popen(
        [str(Path(python).parent / "uwsgi"), "--ini", "config/uwsgi.ini",
         "--http-socket", f"127.0.0.1:{PORT}", "--processes", "2"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(50):
        try:
            urlopen(f"http://127.0.0.1:{PORT}/", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start")


def audit(binary: Path, path: str) -> dict:
    report = TOOLS / "report.json"
    subprocess.run(
        [str(binary), f"http://127.0.0.1:{PORT}{path}", "--quiet",
         "--only-categories=performance,accessibility",
         "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
         "--output=json", f"--output-path={report}"],
        env=os.environ | {"CHROME_PATH": CHROMIUM}, check=True,
    )  # fmt: skip
    found = json.loads(report.read_text())
    audits = found["audits"]
    return {
        "performance": found["categories"]["performance"]["score"],
        "accessibility": found["categories"]["accessibility"]["score"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "bytes": audits["total-byte-weight"]["numericValue"],
    }


def table(results: dict[str, dict]) -> str:
    lines = [
        "| page | performance | accessibility | CLS | LCP | TBT | bytes |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {round(r['performance'] * 100)} | {round(r['accessibility'] * 100)} "
            f"| {r['cls']:.3f} | {r['lcp_ms'] / 1000:.1f} s | {r['tbt_ms']:.0f} ms "
            f"| {r['bytes'] / 1000:,.0f} KB |"
        )
    worker = results["worker map"]
    checks = [
        (worker["performance"] >= TARGETS["performance"], "worker map performance ≥ 90"),
        (worker["cls"] < 0.1, "worker map CLS < 0.1"),
        *(
            (r["accessibility"] >= TARGETS["accessibility"], f"{name} accessibility ≥ 95")
            for name, r in results.items()
        ),
    ]
    lines += ["", "Targets (Lighthouse mobile):"]
    lines += [f"- [{'x' if met else ' '}] {text}" for met, text in checks]
    return "\n".join(lines) + "\n"


def main() -> None:
    binary = lighthouse()
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    server = serve(production_env(url) | {"YIZHAN_DEMO": "true"})  # the demo banner, as served
    try:
        results = {name: audit(binary, path) for name, path in PAGES.items()}
    finally:
        server.terminate()
        server.wait()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "lighthouse.json").write_text(json.dumps(results, indent=1))
    text = table(results)
    (RESULTS / "lighthouse.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
