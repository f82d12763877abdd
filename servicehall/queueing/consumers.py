"""The live feed of a hall for its board, kiosk and staff screens (Q05)."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth.models import AnonymousUser

from servicehall.core.errors import ApplicationError
from servicehall.org.roles import Capability

from .events import hall_group
from .selectors import screen_hall_get
from .services import SCREEN_COOKIE


class HallFeedConsumer(AsyncJsonWebsocketConsumer):
    """Pushes calls and queue changes. Carries ticket numbers only, no names."""

    group: str | None = None

    async def connect(self) -> None:
        code = self.scope["url_route"]["kwargs"]["hall"]
        if not await self._may_listen(code):
            await self.close(code=4403)
            return
        self.group = hall_group(code)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "hall": code})

    @database_sync_to_async
    def _may_listen(self, code: str) -> bool:
        """The same rule as the board's page: a public hall's feed is open, others to paired screens and staff."""
        user = self.scope.get("user") or AnonymousUser()
        screen_pass = (self.scope.get("cookies") or {}).get(SCREEN_COOKIE)
        try:
            screen_hall_get(user=user, code=code, capability=Capability.VIEW_HALL, screen_pass=screen_pass)
        except ApplicationError:
            return False
        return True

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def hall_event(self, event: dict[str, Any]) -> None:
        await self.send_json(event["payload"])
