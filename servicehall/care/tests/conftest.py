import pytest


@pytest.fixture(autouse=True)
def _english(english_site):
    """Every test of this app reads messages, names and pages in English (see the root conftest); the browser
    tests choose their language themselves."""
