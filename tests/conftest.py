import pytest
from django.core.cache import cache

from stations.demo_data import demo_data_load


@pytest.fixture
def demo_data(db):
    """The whole demo data set, loaded into the test database (rolled back after the test)."""
    return demo_data_load()


@pytest.fixture(autouse=True)
def empty_cache():
    """Throttle counters (and anything else cached) do not leak from one test to the next."""
    cache.clear()
    yield
    cache.clear()
