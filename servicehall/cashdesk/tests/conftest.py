import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages and pages are read in English (requests without a language cookie too), so the tests
    do not depend on the Chinese catalogue."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
