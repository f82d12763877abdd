"""The worker freezes its long-lived objects out of the collector's full collections once, after its warm-up
(issue 17: the full collections were the tail of the queue's latency)."""

from __future__ import annotations

import asyncio
import gc

import pytest

from servicehall.core.gc_warm_up import freeze_after_warm_up


@pytest.fixture
def calls(monkeypatch):
    seen: list[str] = []
    monkeypatch.setattr(gc, "collect", lambda *args: seen.append("collect") or 0)
    monkeypatch.setattr(gc, "freeze", lambda: seen.append("freeze"))
    return seen


def serve(app, kinds):
    served = []

    async def inner(scope, receive, send):
        served.append(scope["type"])

    async def run():
        wrapped = app(inner)
        for kind in kinds:
            await wrapped({"type": kind}, None, None)

    asyncio.run(run())
    return served


def test_issue17_frozen_once_after_the_first_http_requests_and_every_request_still_served(calls):
    served = serve(lambda inner: freeze_after_warm_up(inner, requests=3), ["lifespan", "http", "websocket", "http"])
    assert calls == [] and served == ["lifespan", "http", "websocket", "http"]  # websockets do not count

    served = serve(lambda inner: freeze_after_warm_up(inner, requests=3), ["http"] * 7)
    assert calls == ["collect", "freeze"]  # once, at the third request
    assert served == ["http"] * 7


def test_issue17_zero_turns_the_freeze_off(calls):
    app = object()
    assert freeze_after_warm_up(app, requests=0) is app  # type: ignore[arg-type]
    serve(lambda inner: freeze_after_warm_up(inner, requests=0), ["http"] * 5)
    assert calls == []


def test_issue17_the_served_application_is_wrapped_with_the_setting():
    from django.conf import settings

    from servicehall import asgi

    assert settings.GC_FREEZE_AFTER_REQUESTS == 100
    assert asgi.application.__name__ == "counting"
