import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Messages are read in English, so the tests do not depend on the Chinese catalogue."""
    with translation.override("en"):
        yield
