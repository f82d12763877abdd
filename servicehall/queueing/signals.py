"""Receivers of the queueing app, connected in `QueueingConfig.ready()`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from .events import session_ended_send


@receiver(user_logged_out)
def _close_the_sessions_feeds(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """A signed-out staff session's live feeds (board or kiosk opened as staff) stop at once."""
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if session_key:
        session_ended_send(session_key)
