import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from tests.stations.factories import StationFactory


@pytest.mark.django_db
def test_health_reports_postgis_and_station_counts(client):
    StationFactory.create_batch(3, city="深圳市")
    StationFactory(city="厦门市")

    response = client.get("/api/v1/health/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["postgis"].startswith("3.")
    assert body["stations"] == 4
    assert body["stations_by_city"] == {"厦门市": 1, "深圳市": 3}


def test_health_is_503_with_a_clear_body_when_the_database_is_unreachable():
    """A real server process pointed at a port where no database listens."""
    script = (
        "import django, json; django.setup();"
        "from django.test.utils import setup_test_environment; setup_test_environment();"
        "from django.test import Client; r = Client().get('/api/v1/health/');"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": "postgis://postgres@127.0.0.1:9/yizhan",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer == {"status": 503, "body": {"status": "unavailable", "database": "unreachable"}}
