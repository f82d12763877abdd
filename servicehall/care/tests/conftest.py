import pytest


@pytest.fixture(autouse=True)
def _english(english):
    """Every test of this app reads messages and names in English (see the root conftest)."""
