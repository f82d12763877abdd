"""Paired screens: a board or kiosk of a private hall signed in as a device, not as staff."""

from __future__ import annotations

from django.core import signing
from django.db import transaction
from django.db.models import F

from servicehall.core.actors import Actor
from servicehall.core.services import audit_record
from servicehall.org.models import Hall

from .. import events

# --- paired screens: a board or kiosk of a private hall signed in as a device, not as staff ----------------------

# A paired screen carries this signed cookie instead of a staff session, so it outlives the staff session limits.
# It names the hall and the hall's screen key version: "Unpair all screens" raises the version, and every pass
# signed before is refused.
SCREEN_COOKIE = "servicehall_screen"
SCREEN_SALT = "servicehall.screen"
SCREEN_MAX_AGE_DAYS = 400


def screen_pair(*, hall: Hall, actor: Actor, screen: str) -> str:
    """Pair a device's browser to the hall's screens; returns the signed pass its cookie carries.

    The pass names the hall and its current screen key version, so "unpair all" refuses it later.
    """
    current = Hall.objects.get(pk=hall.pk)
    screen_pass = signing.dumps({"hall": current.code, "v": current.screen_key_version}, salt=SCREEN_SALT)
    audit_record(
        actor=actor,
        action="screen.pair",
        obj=current,
        hall=current,
        data={"screen": screen, "screen_key_version": current.screen_key_version},
    )
    return screen_pass


@transaction.atomic
def screens_unpair_all(*, hall: Hall, actor: Actor) -> int:
    """Refuse every screen paired so far (they must be paired again); returns the new screen key version."""
    Hall.objects.filter(pk=hall.pk).update(screen_key_version=F("screen_key_version") + 1)
    hall.refresh_from_db(fields=["screen_key_version"])
    audit_record(
        actor=actor,
        action="screen.unpair_all",
        obj=hall,
        hall=hall,
        data={"screen_key_version": hall.screen_key_version},
    )
    events.send_on_commit(hall.code, {"type": events.ACCESS_CHANGED})  # open feeds of those screens close
    return hall.screen_key_version
