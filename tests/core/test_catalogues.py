"""Catalogues kept by the process: loaded once, again after a change in this process (signals)
or once their time is up."""

import pytest

from core.catalogues import KeptCatalogue
from services.benefits.models import BenefitScheme
from services.benefits.selectors import ALL_SCHEMES
from services.benefits.services import benefit_schemes_load
from stations.selectors import regions_cities
from tests.stations.factories import AdminAreaFactory


def counting_catalogue(seconds: float) -> tuple[KeptCatalogue, list]:
    loads: list = []
    catalogue = KeptCatalogue(lambda: loads.append(1) or len(loads), seconds=seconds)
    return catalogue, loads


def test_loaded_once_until_cleared():
    catalogue, loads = counting_catalogue(seconds=60)
    assert catalogue.get() == catalogue.get() == 1
    catalogue.clear()
    assert catalogue.get() == 2 and len(loads) == 2


def test_loaded_again_once_its_time_is_up():
    catalogue, loads = counting_catalogue(seconds=0)
    catalogue.get()
    catalogue.get()
    assert len(loads) == 2


@pytest.mark.django_db
def test_a_scheme_changed_in_this_process_is_seen_at_once():
    benefit_schemes_load()
    before = ALL_SCHEMES.get()
    scheme = BenefitScheme.objects.order_by("code").first()
    scheme.name = "新名称"
    scheme.save()
    assert [s.name for s in ALL_SCHEMES.get().schemes if s.pk == scheme.pk] == ["新名称"]
    scheme.occupations.clear()
    assert not next(s for s in ALL_SCHEMES.get().schemes if s.pk == scheme.pk).occupations.all()
    assert not ALL_SCHEMES.get().terms[scheme.pk].occupations
    assert before is not ALL_SCHEMES.get()


@pytest.mark.django_db
def test_a_district_added_in_this_process_is_in_its_region_at_once():
    AdminAreaFactory(province="甘肃省", city="兰州市", name="城关区")
    gansu = ("province", "甘肃省")
    assert regions_cities([gansu]) == {gansu: ["兰州市"]}
    AdminAreaFactory(province="甘肃省", city="天水市", name="秦州区")
    assert regions_cities([gansu]) == {gansu: ["兰州市", "天水市"]}
    assert regions_cities([("county", "秦州区"), ("city", "白银市"), ("national", "")]) == {
        ("county", "秦州区"): ["天水市"],
        ("city", "白银市"): ["白银市"],
        ("national", ""): [],
    }
