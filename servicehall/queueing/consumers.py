"""The live feed of a hall for its board, kiosk and staff screens (Q05)."""

from __future__ import annotations

import time
from importlib import import_module
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from servicehall.core.errors import ApplicationError
from servicehall.core.middleware import session_expiry
from servicehall.org.roles import Capability
from servicehall.org.second_factor import session_passed

from .events import ACCESS_CHANGED, hall_group, session_group
from .selectors import screen_hall_get
from .services import SCREEN_COOKIE

# A feed opened by a staff session or a paired screen checks again, at its next message, that it still may
# listen once this many seconds have passed; a sign-out or "unpair all" makes it check at once.
RECHECK_EVERY_SECONDS = 60

# The close code a refused or revoked feed gets; the screens' scripts stop reconnecting on it.
REFUSED = 4403


class HallFeedConsumer(AsyncJsonWebsocketConsumer):
    """Pushes calls and queue changes. Carries ticket numbers only, no names.

    The right to listen is the board page's right, and it is not kept forever: the feed of a staff session
    closes when the session is signed out or passes its idle or shift limit, and a paired screen's feed closes
    when the hall unpairs all screens.
    """

    group: str | None = None
    private_group: str | None = None
    checked_at: float = 0.0

    async def connect(self) -> None:
        self.hall_code = self.scope["url_route"]["kwargs"]["hall"]
        session = self.scope.get("session")
        self.session_key = getattr(session, "session_key", None)
        if not await self._may_listen():
            await self.close(code=REFUSED)
            return
        self.group = hall_group(self.hall_code)
        await self.channel_layer.group_add(self.group, self.channel_name)
        if self.session_key:
            self.private_group = session_group(self.session_key)
            await self.channel_layer.group_add(self.private_group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "hall": self.hall_code})

    async def disconnect(self, code: int) -> None:
        for group in (self.group, self.private_group):
            if group:
                await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "ping" and await self._still_may_listen():
            await self.send_json({"type": "pong"})

    async def hall_event(self, event: dict[str, Any]) -> None:
        payload = event["payload"]
        if payload.get("type") == ACCESS_CHANGED:
            await self._still_may_listen(at_once=True)
        elif await self._still_may_listen():
            await self.send_json(payload)

    async def session_ended(self, event: dict[str, Any]) -> None:
        # Sent just before the session is flushed: forget it rather than read it again too early.
        self.session_key = None
        await self._still_may_listen(at_once=True)

    async def _still_may_listen(self, *, at_once: bool = False) -> bool:
        if not at_once and time.time() - self.checked_at < RECHECK_EVERY_SECONDS:
            return True
        if await self._may_listen():
            return True
        await self.close(code=REFUSED)
        return False

    @database_sync_to_async
    def _may_listen(self) -> bool:
        """The same rule as the board's page: a public hall's feed is open, others to paired screens and staff."""
        self.checked_at = time.time()
        screen_pass = (self.scope.get("cookies") or {}).get(SCREEN_COOKIE)
        try:
            screen_hall_get(
                user=self._listener(), code=self.hall_code, capability=Capability.VIEW_HALL, screen_pass=screen_pass
            )
        except ApplicationError:
            return False
        return True

    def _listener(self) -> Any:
        """The staff member of this feed's session as the session store has it now (not as at connect)."""
        if not self.session_key:
            return AnonymousUser()
        session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=self.session_key)
        if session_expiry(session, time.time()) is not None:
            return AnonymousUser()
        request = HttpRequest()
        request.session = session
        user = get_user(request)
        # A session still waiting for its second factor (ASVS V6) listens as nobody.
        return user if session_passed(session=session, user=user) else AnonymousUser()
