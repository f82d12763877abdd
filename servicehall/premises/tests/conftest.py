import pytest


@pytest.fixture(autouse=True)
def _english(english_site):
    """The premises' tests read messages and pages in English."""
