"""The production server as configured (config/uwsgi.ini) speaks HTTP as clients expect."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.config.test_replica import free_port


@pytest.fixture(scope="module")
def server(django_db_setup):
    """uWSGI with config/uwsgi.ini and one process, on the test database."""
    database = connection.settings_dict
    url = f"postgis://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    port = free_port()
    env = os.environ | {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    uwsgi = Path(sys.executable).parent / "uwsgi"
    process = subprocess.Popen(
        [str(uwsgi), "--ini", "config/uwsgi.ini", "--http-socket", f"127.0.0.1:{port}",
         "--processes", "1"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        for _ in range(150):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def raw_exchange(port: int, request: bytes) -> bytes:
    """Everything the server sends for ``request`` until it closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        client.sendall(request)
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
    return answer


def ask(port: int, method: str, path: str, body: bytes | None = None, **headers: str):
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    client.request(method, path, body=body, headers={"Host": "127.0.0.1", **headers})
    response = client.getresponse()
    return response, response.read()


def test_each_answer_says_the_connection_closes(server):
    response, body = ask(server, "GET", "/api/v1/stations/nearest/?lat=x")
    assert response.status == 400 and "lat" in json.loads(body)["errors"]
    assert response.getheader("Connection") == "close"


def test_a_head_answer_has_the_headers_and_no_body(server):
    answer = raw_exchange(server, b"HEAD /api/v1/amenities/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") and b"application/json" in head
    assert body == b""


def test_a_long_query_string_is_answered_not_dropped(server):
    response, body = ask(server, "GET", f"/api/v1/stations/nearest/?lat=x&note={'a' * 20000}")
    assert response.status == 400 and "lat" in json.loads(body)["errors"]


def test_a_request_body_reaches_the_application(server):
    response, body = ask(
        server,
        "POST",
        "/api/v1/auth/token/",
        body=b'{"phone": ',
        **{"Content-Type": "application/json"},
    )
    assert response.status == 400
    assert "JSON" in body.decode()


def test_the_wsgi_module_keeps_what_it_loaded_out_of_full_collections():
    """A process that loads config.wsgi has Django and the project frozen (gc.freeze): the
    garbage collector's full collections walk only what came after."""
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings.test"}
    script = "import gc, config.wsgi; print(gc.get_freeze_count(), len(gc.get_objects()))"
    output = subprocess.run(
        [sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env,
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    frozen, still_walked = map(int, output.split())
    assert frozen > 100_000
    assert still_walked < frozen / 10
