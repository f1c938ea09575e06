"""What anybody can read cites publications, never the project's internal files: every public
API output of the demo data (stations, check-ups, calendars, schemes, eligibility answers,
the open-data export) is searched for their names."""

import json

import pytest
from django.test import Client

from services.benefits.models import BenefitScheme
from services.benefits.services import benefit_schemes_load
from services.checkups.demo_data import checkup_demo_load
from services.checkups.models import CheckupEvent

pytestmark = pytest.mark.django_db
INTERNAL = ("DOMAIN.md", "DESIGN.md", "DATA-SOURCES", "seeds/", "shared/", "DEVELOPERS")
SHENZHEN = {"lat": 22.54, "lon": 114.05}
LANZHOU = {"lat": 36.06, "lon": 103.83}


def public_outputs(language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    event = CheckupEvent.objects.order_by("pk").first()
    yield client.get("/api/v1/stations/nearest/", SHENZHEN | {"limit": 50})
    yield client.get("/api/v1/stations/SZ-0001/")
    yield client.get("/api/v1/amenities/")
    for where in (SHENZHEN, LANZHOU):
        yield client.get("/api/v1/checkups/upcoming/", where | {"limit": 50})
        yield client.get("/api/v1/checkups/upcoming.ics", where)
    yield client.get(f"/api/v1/checkups/{event.pk}/")
    yield client.get(f"/api/v1/checkups/{event.pk}.ics")
    yield client.get("/api/v1/benefits/schemes/")
    for scheme in BenefitScheme.objects.all():
        yield client.get(f"/api/v1/benefits/schemes/{scheme.pk}/")
    for where in (SHENZHEN, LANZHOU, {"lat": 24.48, "lon": 118.09}, {"lat": 34.26, "lon": 108.94}):
        for occupation in (
            "courier",
            "sanitation_worker",
            "construction_worker",
            "domestic_worker",
        ):
            for member in ("true", "false"):
                yield client.get(
                    "/api/v1/benefits/eligible/",
                    where | {"occupation": occupation, "union_member": member, "age": 30},
                )
    for page in ("/", "/benefits/", "/stations/SZ-0001/"):
        yield client.get(page)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_public_output_names_an_internal_file(demo_data, language):
    benefit_schemes_load()
    checkup_demo_load()
    for response in public_outputs(language):
        assert response.status_code == 200, response.request
        text = response.content.decode()
        if response["Content-Type"].startswith("application/json"):
            text = json.dumps(response.json(), ensure_ascii=False)
        found = [name for name in INTERNAL if name in text]
        assert not found, (response.request["PATH_INFO"], found)
