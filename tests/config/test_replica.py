"""Reads on a real PostgreSQL streaming standby: the test makes a primary and a
``pg_basebackup -R`` standby of it on free ports with this machine's PostgreSQL binaries, and
runs tests/config/replica_probe.py against both (router, hand-written selector SQL,
read-your-writes while the standby's replay is paused). Skipped, saying why, where the
binaries or PostGIS for them are missing."""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def postgres_bin_dir() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_basebackup"), key=lambda p: p.parts)
    return found[-1].parent if found else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """A throwaway PostgreSQL cluster run as the 'postgres' user when we are root."""

    def __init__(self, bin_dir: Path, data: Path, port: int, sockets: Path) -> None:
        self.bin_dir, self.data, self.port, self.sockets = bin_dir, data, port, sockets
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def run(self, tool: str, *args: str) -> None:
        done = subprocess.run(
            [*self.as_user, str(self.bin_dir / tool), *args], capture_output=True, text=True
        )
        assert done.returncode == 0, f"{tool}: {done.stdout}{done.stderr}"

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.sockets} "
            "-c wal_level=replica -c max_wal_senders=4 -c hot_standby=on -c fsync=off"
        )
        self.run("pg_ctl", "-D", str(self.data), "-l", f"{self.data}.log", "-o", options,
                 "-w", "start")  # fmt: skip

    def stop(self) -> None:
        subprocess.run(
            [*self.as_user, str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
             "stop"], capture_output=True,
        )  # fmt: skip

    def url(self, database: str) -> str:
        return f"postgis://postgres@127.0.0.1:{self.port}/{database}"


@pytest.fixture(scope="module")
def primary_and_standby():
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        pytest.skip("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin")
    major = bin_dir.parts[-2]
    if not Path(f"/usr/share/postgresql/{major}/extension/postgis.control").exists():
        pytest.skip(f"no PostGIS for PostgreSQL {major} (postgresql-{major}-postgis-3)")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser to start PostgreSQL as 'postgres'")
    home = Path(tempfile.mkdtemp(prefix="yizhan-replica-"))
    if os.geteuid() == 0:
        shutil.chown(home, "postgres", "postgres")
    primary = Cluster(bin_dir, home / "primary", free_port(), home)
    standby = Cluster(bin_dir, home / "standby", free_port(), home)
    try:
        primary.run("initdb", "-D", str(primary.data), "-U", "postgres", "--auth=trust",
                    "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip
        primary.start()
        server = psycopg2.connect(host="127.0.0.1", port=primary.port, user="postgres",
                                  dbname="postgres")  # fmt: skip
        server.autocommit = True
        server.cursor().execute("CREATE DATABASE yizhan")
        server.close()
        database = psycopg2.connect(host="127.0.0.1", port=primary.port, user="postgres",
                                    dbname="yizhan")  # fmt: skip
        database.autocommit = True
        database.cursor().execute("CREATE EXTENSION postgis")
        database.close()
        migrate = subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v", "0"],
            cwd=ROOT, env=probe_env(primary.url("yizhan")), capture_output=True, text=True,
        )  # fmt: skip
        assert migrate.returncode == 0, migrate.stderr
        primary.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U",
                    "postgres", "-D", str(standby.data), "-R", "-X", "stream",
                    "--checkpoint=fast")  # fmt: skip
        standby.start()
        yield primary, standby
    finally:
        standby.stop()
        primary.stop()
        shutil.rmtree(home, ignore_errors=True)


def probe_env(primary_url: str, replica_url: str = "") -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE"))}
    return inherited | {
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": primary_url,
        "DATABASE_REPLICA_URLS": replica_url,
    }


def test_reads_go_to_the_standby_and_a_writer_reads_its_own_writes(primary_and_standby):
    primary, standby = primary_and_standby
    probe = subprocess.run(
        [sys.executable, "tests/config/replica_probe.py"],
        cwd=ROOT, env=probe_env(primary.url("yizhan"), standby.url("yizhan")),
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert probe.returncode == 0, probe.stderr
    seen = json.loads(probe.stdout.strip().splitlines()[-1])
    assert seen == {
        "primary_in_recovery": False,
        "replica_in_recovery": True,
        "replicated": True,
        "station_reads_from": "replica_0",
        "selector_sql_in_recovery": True,
        "nearest_on_replica": ["REPLICA-1"],
        "jobs_read_from": "default",
        "booking_status": 201,
        "sticky_cookie": True,
        "booker_reads_own_booking": 200,  # from the primary: the standby has stopped replaying
        "stranger_reads_lagging_replica": 404,  # from the standby, which has not seen it yet
        "stranger_after_replay": True,
    }
