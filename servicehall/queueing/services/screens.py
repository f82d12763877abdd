"""Paired screens: a board or kiosk of a private hall signed in as a device, not as staff."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor
from servicehall.core.errors import NotFound
from servicehall.core.services import audit_record
from servicehall.org.models import Counter, Hall

from .. import events
from ..models import ScreenHeartbeat, ScreenKind

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


# --- heartbeats (SITE03): each public screen says it is alive about once a minute ----------------------------

SCREEN_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,15}$")
DEFAULT_SCREEN_ID = "main"
# A hall keeps at most this many kiosks or boards of its own naming: a stray or hostile client cannot fill the
# table with invented screen ids.
MAX_SCREENS_PER_KIND = 20


def _heartbeat_screen(hall: Hall, kind: str, screen: str) -> str:
    if kind not in ScreenKind.values:
        raise NotFound(_("There is no such screen."))
    screen = (screen or "").strip().lower() or DEFAULT_SCREEN_ID
    if kind == ScreenKind.PAD:
        if not screen.isdigit() or not Counter.objects.filter(hall=hall, number=int(screen)).exists():
            raise NotFound(_("There is no such counter in this hall."))
        return str(int(screen))
    if not SCREEN_ID_RE.match(screen):
        raise NotFound(_("There is no such screen."))
    return screen


def screen_heartbeat(*, hall: Hall, kind: str, screen: str, now: dt.datetime | None = None) -> bool:
    """Record that a screen of the hall is alive; returns whether a row was written.

    Cheap: a screen seen within `QUEUE_HEARTBEAT_MIN_SECONDS` writes nothing, otherwise one UPDATE (the first
    beat of a screen inserts its row). An unknown kind or counter, a malformed id, or a new id past
    `MAX_SCREENS_PER_KIND` answers "not found" and writes nothing."""
    now = now or timezone.now()
    screen = _heartbeat_screen(hall, kind, screen)
    gap = dt.timedelta(seconds=int(settings.QUEUE_HEARTBEAT_MIN_SECONDS))
    rows = ScreenHeartbeat.objects.filter(hall=hall, kind=kind, screen=screen)
    if rows.filter(last_seen__lt=now - gap).update(last_seen=now):
        return True
    if rows.exists():
        return False
    if kind != ScreenKind.PAD and ScreenHeartbeat.objects.filter(hall=hall, kind=kind).count() >= MAX_SCREENS_PER_KIND:
        raise NotFound(_("There is no such screen."))
    try:
        with transaction.atomic():
            ScreenHeartbeat.objects.create(hall=hall, kind=kind, screen=screen, first_seen=now, last_seen=now)
    except IntegrityError:  # two beats of a new screen at once: the other one wrote it
        return False
    return True
