"""Keep the garbage collector's full collections short in a long-running server process.

A worker holds a million or so long-lived objects: modules, URL patterns, translation catalogues, the ORM's
and the templates' caches, most of them built on the first requests. CPython's full collection walks all of
them each time: on this stack 170–260 ms with the interpreter stopped, which every request in flight waits
out — the tail of the queue's latency (docs/performance.md). Once the worker has served its first requests
and built those caches, `gc.freeze()` moves everything alive into a generation the collector never walks
again; later collections look only at objects made since. A frozen object that is dropped later is still
freed by its reference count; only a cycle among frozen objects stays, and what is alive after the warm-up
is the process's own furniture, kept as long as it runs anyway.
"""

from __future__ import annotations

import gc
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

type Scope = MutableMapping[str, Any]
type ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]


def freeze_after_warm_up(app: ASGIApp, *, requests: int) -> ASGIApp:
    """`app`, which freezes the collector's generations once, after its process's first `requests` HTTP
    requests have started (0: never)."""
    if requests <= 0:
        return app
    started = 0

    async def counting(scope: Scope, receive: Any, send: Any) -> None:
        nonlocal started
        if scope["type"] == "http" and started < requests:
            started += 1
            if started == requests:
                gc.collect()  # the garbage of the warm-up first: frozen, it would stay for good
                gc.freeze()
        await app(scope, receive, send)

    return counting
