import pytest

from stations.demo_data import demo_data_load


@pytest.fixture
def demo_data(db):
    """The whole demo data set, loaded into the test database (rolled back after the test)."""
    return demo_data_load()
