"""``make bench`` case: the cheap worker endpoint keeps serving while anonymous clients hammer
the expensive URLs (a city's coverage map, the whole-registry export).

Run alone, it writes its figures to ``bench/results/abuse.json``.

On the demo data (database ``<name>_bench_demo``), one server as in the other cases (uWSGI, 2
processes, production settings) and the job worker: the nearest endpoint under ``wrk`` (2
connections) alone, then while two clients loop on each expensive URL, each figure the median
of 3 runs of 5 s, in one run. Twice: the server alone, and behind nginx as deployed
(deploy/nginx.conf, which refuses floods on those URLs before they reach Python). Target,
behind nginx: with the hammering, at least 80% of the throughput without. Run alone:
``.venv/bin/python bench/abuse.py``."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

from bootstrap import apt_install, ensure_database, try_connect  # noqa: E402

from bench.run import (  # noqa: E402
    DURATION_S,
    PYTHON,
    ROUNDS,
    WRK_SCRIPT,
    bench_url,
    free_port,
    median_figure,
    production_env,
    query_points,
    say,
    start_server,
    stop_server,
    warm_up,
    wrk,
)

EXPENSIVE = ["/coverage/?" + urlencode({"city": "深圳市"}), "/api/v1/stations/export.geojson"]
CLIENTS_PER_URL = 2
TARGET_SHARE = 0.8


def demo_database() -> str:
    """The demo data in its own database (made once; migrations applied every time): the
    stations and the benefit schemes (the eligibility case needs schemes to assess)."""
    url = bench_url(0).removesuffix("_bench_0") + "_bench_demo"
    server = try_connect(url, "postgres")
    ensure_database(server, url)
    server.close()
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    for command in (["migrate", "-v", "0"], ["load_demo_data"], ["load_demo_benefits"]):
        subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True)
    # pages are served as in production, from the collected static files and their manifest
    collect = [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"]
    subprocess.run(collect, cwd=ROOT, env=production_env(url), check=True)
    return url


def start_worker(url: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    return subprocess.Popen(
        [PYTHON, "manage.py", "db_worker", "--interval", "0.5", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def get(port: int, path: str) -> int:
    try:
        with urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as response:
            response.read()
            return response.status
    except HTTPError as error:
        return error.code


def results_ready(port: int) -> None:
    """Until the coverage map and the export exist (the first requests start their jobs)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        with urlopen(f"http://127.0.0.1:{port}{EXPENSIVE[0]}", timeout=60) as page:
            coverage_ready = b'id="area-share"' in page.read()
        if coverage_ready and get(port, EXPENSIVE[1]) == 200:
            return
        time.sleep(1)
    raise SystemExit("the coverage and export jobs did not finish in 5 minutes")


def hammer(port: int, seconds: int) -> list[subprocess.Popen]:
    """``CLIENTS_PER_URL`` connections looping on each expensive URL, by ``wrk`` (a client in C:
    the hammering clients must not take the machine's CPU from the server they hammer)."""
    return [
        subprocess.Popen(
            [
                "wrk",
                "-t1",
                f"-c{CLIENTS_PER_URL}",
                f"-d{seconds}s",
                f"http://127.0.0.1:{port}{path}",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for path in EXPENSIVE
    ]


def hammered_requests(clients: list[subprocess.Popen]) -> dict[str, dict[str, int]]:
    """What each hammering client got: requests, and how many were not 2xx (429s)."""
    counts = {}
    for path, client in zip(EXPENSIVE, clients, strict=True):
        output = client.communicate()[0]
        total = re.search(r"(\d+) requests in", output)
        refused = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        counts[path] = {
            "requests": int(total.group(1)) if total else 0,
            "refused": int(refused.group(1)) if refused else 0,
        }
    return counts


def start_nginx(workdir: Path, upstream_port: int) -> tuple[subprocess.Popen, int]:
    """deploy/nginx.conf in front of the server on ``upstream_port``, as a plain process."""
    port = free_port()
    config = (ROOT / "deploy" / "nginx.conf").read_text()
    for field, value in {"prefix": workdir, "port": port, "upstream_port": upstream_port}.items():
        config = config.replace(f"@{field}@", str(value))
    (workdir / "nginx.conf").write_text(config)
    command = ["/usr/sbin/nginx", "-p", str(workdir), "-c", "nginx.conf", "-g", "daemon off;"]
    proxy = subprocess.Popen(command, start_new_session=True)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proxy, port
        except OSError:
            time.sleep(0.1)
    raise SystemExit("nginx did not start")


def abuse_figures() -> dict:
    for program, package in (("/usr/bin/wrk", "wrk"), ("/usr/sbin/nginx", "nginx")):
        if not Path(program).exists():
            apt_install([package], "the abuse case of the benchmark")
    url = demo_database()
    return {
        "direct": topology_figures(url, behind_nginx=False),
        "nginx": topology_figures(url, behind_nginx=True),
        "target_share": TARGET_SHARE,
    }


def topology_figures(url: str, behind_nginx: bool) -> dict:
    """The figures with clients talking to the server itself, or to nginx in front of it."""
    upstream = free_port()
    trusted = {"YIZHAN_TRUSTED_PROXIES": "1" if behind_nginx else "0"}
    server, worker = start_server(url, upstream, **trusted), start_worker(url)
    processes = [server, worker]
    try:
        with tempfile.TemporaryDirectory() as proxy_dir:
            port = upstream
            if behind_nginx:
                proxy, port = start_nginx(Path(proxy_dir), upstream)
                processes.append(proxy)
            return measured(port)
    finally:
        for process in processes:
            stop_server(process)


def measured(port: int) -> dict:
    """Nearest alone and hammered, interleaved (the machine's noise hits both)."""
    results_ready(port)
    with tempfile.TemporaryDirectory() as workdir:
        script = Path(workdir) / "paths.lua"
        script.write_text(WRK_SCRIPT)
        paths = [
            f"/api/v1/stations/nearest/?{urlencode({'lat': lat, 'lon': lon, 'limit': 10})}"
            for lon, lat in query_points(200, seed=3)
        ]
        paths_file = Path(workdir) / "nearest.txt"
        paths_file.write_text("\n".join(paths) + "\n")
        warm_up(port, paths)
        alone, hammered, hammering = [], [], []
        for _ in range(ROUNDS):
            alone.append(wrk(port, paths_file, script, 2, DURATION_S))
            clients = hammer(port, DURATION_S + 2)
            time.sleep(1)
            hammered.append(wrk(port, paths_file, script, 2, DURATION_S))
            hammering.append(hammered_requests(clients))
    without, with_ = median_figure(alone), median_figure(hammered)
    return {
        "nearest_alone": without,
        "nearest_hammered": with_,
        "share": round(with_["rps"] / without["rps"], 3),
        "hammering": hammering,
    }


if __name__ == "__main__":
    say("anonymous clients hammering the coverage map and the export")
    figures = abuse_figures()
    text = json.dumps(figures, indent=2, ensure_ascii=False)
    (ROOT / "bench" / "results" / "abuse.json").write_text(text + "\n")
    print(text)
