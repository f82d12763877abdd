import pytest

from servicehall.org.roles import Role
from servicehall.safety import services
from servicehall.safety.models import Key
from testsupport.world import make_member


@pytest.fixture(autouse=True)
def _english(english_site):
    """Messages and pages in English (see the root conftest)."""


@pytest.fixture
def officer(world):
    """The hall's safety officer: keeps the keys (MANAGE_SAFETY), beside the duty manager (also MANAGE_SAFETY)."""
    return make_member(world.hall, Role.SAFETY_OFFICER, "safety_ha")


@pytest.fixture
def door(world, officer) -> Key:
    """The front door key with two copies, both in the key cabinet."""
    return services.key_create(
        hall=world.hall, actor=officer, kind="door", name="Front door", place="Entrance", copies=2
    )
