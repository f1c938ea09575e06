"""Make sure the machine can run yizhan: system libraries, a PostgreSQL server with PostGIS,
and the project's database. Called by the Makefile (``make run``, ``make test``) with the
project's virtualenv; safe and fast to run again (it only acts on what is missing).

Order of work:
1. GDAL/GEOS/PROJ (GeoDjango) and gettext (translations): ``apt-get install`` when missing.
2. A server: ``DATABASE_URL`` if set; else the local server on 127.0.0.1:5432; if none answers,
   a project-local cluster under ``.pgdata/`` started with the machine's PostgreSQL binaries.
3. PostGIS for that server's major version (``postgresql-<major>-postgis-3``) when missing.
4. The database itself, and ``CREATE EXTENSION postgis`` in it.
"""

from __future__ import annotations

import ctypes.util
import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
PGDATA = ROOT / ".pgdata"
DEFAULT_URL = "postgis://postgres@127.0.0.1:5432/yizhan"
LOCAL_HOSTS = {"", "127.0.0.1", "localhost", "::1"}


def say(message: str) -> None:
    print(f"[bootstrap] {message}", flush=True)


def fail(message: str) -> None:
    print(f"[bootstrap] error: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def apt_install(packages: list[str], why: str) -> None:
    """Install Debian packages when root; otherwise stop with the command to run."""
    if not packages:
        return
    names = " ".join(packages)
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        fail(f"{why} needs these Debian packages: {names}\n  run: sudo apt-get install -y {names}")
    say(f"installing {names} ({why})")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages]
    if subprocess.run(command, env=env, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, stdout=subprocess.DEVNULL, check=True)
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)


def ensure_system_libraries() -> None:
    missing = [lib for lib in ("gdal", "geos_c", "proj") if not ctypes.util.find_library(lib)]
    packages = ["gdal-bin"] if missing else []
    if not shutil.which("msgfmt"):
        packages.append("gettext")
    apt_install(packages, "GeoDjango (GDAL, GEOS, PROJ) and translations (gettext)")


def connection_params(url: str, dbname: str | None = None) -> dict:
    parts = urlparse(url)
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": unquote(parts.username or "postgres"),
        "password": unquote(parts.password or ""),
        "dbname": dbname or parts.path.lstrip("/") or "yizhan",
        "connect_timeout": 3,
    }


def try_connect(url: str, dbname: str) -> psycopg2.extensions.connection | None:
    try:
        connection = psycopg2.connect(**connection_params(url, dbname))
    except psycopg2.OperationalError:
        return None
    connection.autocommit = True
    return connection


def postgres_bin_dir() -> Path | None:
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3])
    )
    return versions[-1].parent if versions else None


def run_as(user: list[str], command: list[str], what: str) -> None:
    if subprocess.run([*user, *command], cwd=PGDATA).returncode != 0:
        fail(f"{what} failed (see the output above and {PGDATA / 'server.log'})")


def let_postgres_reach(directory: Path) -> None:
    """The server runs as 'postgres': give it passage (o+x, no listing) to the checkout."""
    for folder in [directory, *directory.parents]:
        mode = folder.stat().st_mode
        if not mode & 0o001:
            say(f"letting user postgres pass through {folder} (chmod o+x)")
            folder.chmod(mode | 0o001)


def start_local_cluster() -> None:
    """Initialise (once) and start a cluster under .pgdata/ listening on 127.0.0.1:5432."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        apt_install(["postgresql"], "a local PostgreSQL server")
        bin_dir = postgres_bin_dir()
    PGDATA.mkdir(mode=0o700, exist_ok=True)
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb and postgres refuse to run as root
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            fail("running as root but there is no 'postgres' user to own .pgdata/")
        as_user = ["runuser", "-u", "postgres", "--"]
        let_postgres_reach(ROOT)
        shutil.chown(PGDATA, "postgres", "postgres")
    if not (PGDATA / "PG_VERSION").exists():
        say(f"initialising a project-local cluster in {PGDATA}")
        initdb = [str(bin_dir / "initdb"), "-D", str(PGDATA), "-U", "postgres", "--auth=trust"]
        run_as(as_user, [*initdb, "-E", "UTF8", "--locale=C.UTF-8"], "initdb")
    say("starting the project-local cluster on 127.0.0.1:5432")
    options = f"-c listen_addresses=127.0.0.1 -p 5432 -k {PGDATA}"
    pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(PGDATA), "-l", str(PGDATA / "server.log")]
    run_as(as_user, [*pg_ctl, "-o", options, "-w", "start"], "starting the cluster")


def port_open(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((host, port)) == 0


def ensure_server(url: str, explicit: bool) -> psycopg2.extensions.connection:
    connection = try_connect(url, "postgres")
    if connection is not None:
        return connection
    params = connection_params(url)
    if explicit:
        fail(
            "DATABASE_URL is set but no PostgreSQL server answers at "
            f"{params['host']}:{params['port']}"
        )
    if port_open("127.0.0.1", 5432):
        fail("something listens on 127.0.0.1:5432 but it does not accept user 'postgres'")
    start_local_cluster()
    for _ in range(30):
        connection = try_connect(url, "postgres")
        if connection is not None:
            return connection
        time.sleep(1)
    fail(f"the project-local cluster did not start: see {PGDATA / 'server.log'}")
    raise AssertionError  # unreachable


def ensure_postgis(server: psycopg2.extensions.connection, url: str) -> None:
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")
        if cursor.fetchone():
            return
        cursor.execute("SHOW server_version_num")
        major = int(cursor.fetchone()[0]) // 10000
    package = f"postgresql-{major}-postgis-3"
    if connection_params(url)["host"] not in LOCAL_HOSTS:
        fail(
            f"the server at {connection_params(url)['host']} lacks PostGIS: install {package} there"
        )
    apt_install([package], f"PostGIS for PostgreSQL {major}")


def ensure_database(server: psycopg2.extensions.connection, url: str) -> None:
    name = connection_params(url)["dbname"]
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            say(f"creating database {name}")
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    database = try_connect(url, name)
    if database is None:
        fail(f"cannot connect to database {name}")
    with database.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        cursor.execute("SELECT postgis_lib_version()")
        say(f"database {name} ready (PostGIS {cursor.fetchone()[0]})")
    database.close()


def ensure_browser() -> None:
    """Debian's Chromium for the browser tests (Playwright drives it; it never downloads one),
    and CJK fonts so that its screenshots show the Chinese pages as people see them."""
    packages = [] if Path("/usr/bin/chromium").exists() else ["chromium"]
    if not Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc").exists():
        packages.append("fonts-noto-cjk")
    apt_install(packages, "the browser tests (Chromium driven by Playwright, CJK fonts)")


def main() -> None:
    if "--browser" in sys.argv[1:]:
        ensure_browser()
        return
    ensure_system_libraries()
    if "--system-only" in sys.argv[1:]:
        return
    explicit = bool(os.environ.get("DATABASE_URL"))
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    server = ensure_server(url, explicit)
    ensure_postgis(server, url)
    ensure_database(server, url)
    server.close()


if __name__ == "__main__":
    main()
