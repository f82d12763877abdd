import pytest


@pytest.fixture(autouse=True)
def _english(english_site):
    """Every test of this app reads messages and pages in English (see the root conftest)."""
