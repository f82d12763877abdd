from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from testsupport.world import HallWorld, build_world

pytest_plugins = ["testsupport.browser"]

# Concurrency tests run up to 16 threads at once beside the live browser server's
# threads; a worker's production pool (DB_POOL_MAX, 20) is too tight for that.
_pool = settings.DATABASES["default"].get("OPTIONS", {}).get("pool")
if isinstance(_pool, dict):
    _pool["max_size"] = max(int(_pool.get("max_size", 0)), 40)


def pytest_sessionfinish(session, exitstatus):
    """pytest-django drops the SQLite test database but leaves its WAL files behind."""
    name = settings.DATABASES["default"].get("TEST", {}).get("NAME")
    if connection.vendor == "sqlite" and name:
        for leftover in Path(name).parent.glob(Path(name).name + "*"):
            leftover.unlink(missing_ok=True)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _staff_sessions_outlive_time_travel(settings):
    """Tests travel hours and days with signed-in staff; the session limits (issue 10) have tests of their own
    (servicehall/core/tests/test_issue10_session_limits.py) that set the real values back."""
    settings.SESSION_IDLE_MINUTES = 10 * 365 * 24 * 60
    settings.SESSION_MAX_HOURS = 10 * 365 * 24


@pytest.fixture(autouse=True)
def _second_factor_only_where_tested(settings):
    """Tests sign staff in with `force_login` (no second factor); the second factor (ASVS V6) has tests of its own
    (servicehall/org/tests/test_asvs_v6_second_factor*.py) that turn it back on."""
    settings.SECOND_FACTOR_REQUIRED = False


@pytest.fixture(autouse=True)
def _default_language():
    """A request or a test that switches to English must not leave the next test (same worker) in English."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def english():
    """Messages of direct service calls and names are read in English, so a test does not depend on the
    Chinese catalogue. An app's tests turn it on for the whole folder from their conftest."""
    with translation.override("en"):
        yield


@pytest.fixture
def english_site(settings, english):
    """English messages, and pages in English also for requests without a language cookie."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters must not leak from one test into the next."""
    cache.clear()


@pytest.fixture
def world(db) -> HallWorld:
    return build_world("ha")


@pytest.fixture
def other_world(db) -> HallWorld:
    """Hall B: its staff must see nothing of hall A."""
    return build_world("hb")


@pytest.fixture
def postgres_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://…)")


@pytest.fixture
def threads_db(db):
    """Real threads need a real server (PostgreSQL) or a file-backed SQLite database."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("an in-memory SQLite database cannot be shared by threads; set SQLITE_TEST_NAME")
