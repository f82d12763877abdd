import pytest


@pytest.fixture(autouse=True)
def _english(english_site):
    """Messages and pages in English (see the root conftest); the browser test chooses its language itself."""
