"""pytest fixtures for browser tests: the real ASGI app and Debian's Chromium.

Registered for the whole suite through `pytest_plugins` in the root conftest.
Mark browser tests with `@pytest.mark.browser`.

Fixtures
--------
``asgi_server``
    Runs ``servicehall.asgi.application`` (HTTP and websockets, static files
    served from the finders) with uvicorn in a background thread on a free
    127.0.0.1 port, against the test database (it requests
    ``transactional_db``, so data written by the test is visible to the
    server). It is a ``str`` — the base URL without a trailing slash — with
    two helpers:

    * ``asgi_server.url(path)`` → absolute URL.
    * ``asgi_server.run(func, *args, **kwargs)`` → runs ``func`` in a worker
      thread of the server's event loop and returns its result. Call services
      that push to screens through it, e.g.
      ``asgi_server.run(services.ticket_call_next, counter=c, staff=u)``:
      the in-memory channel layer only delivers promptly from the server's
      loop, and the test thread cannot use ``async_to_sync`` while Playwright
      runs its own loop there.

``browser``
    A headless Chromium (``/usr/bin/chromium``) driven by Playwright's sync
    API, with autoplay allowed (``--autoplay-policy=no-user-gesture-required``)
    so boards may speak. Skips the test with a clear reason when Chromium is
    not installed (``apt-get install chromium fonts-noto-cjk``). Started per
    test: Playwright keeps an event loop running in the test thread, which
    would break later tests' ``async_to_sync``; while it runs
    ``DJANGO_ALLOW_ASYNC_UNSAFE`` is set so the test may still use the ORM.

``page``
    A 1920×1080 page in a fresh context (Chinese by default). Every wait
    returns as soon as the page shows what it waits for and gives up after
    ``WAIT_MS`` (60 s): never pass a shorter timeout, never sleep.

``voice_clips``
    A directory with the board's voice clips, recorded once per session with
    espeak-ng (skips when espeak-ng is missing). Point the server at it with
    ``settings.VOICE_CLIPS_DIR = voice_clips``.

Helpers
-------
``login(context, user, base_url)``  signs ``user`` in (session cookie from
    Django's test ``Client.force_login``); ``use_language(context, "en",
    base_url)`` sets the ``django_language`` cookie; ``new_page(browser,
    base_url, language=…, user=…, viewport=…)`` does both on a new context.

Example::

    @pytest.mark.browser
    def test_q05_board_shows_a_call(asgi_server, page, world):
        page.goto(asgi_server.url(f"/halls/{world.hall.code}/board/"))
        ...
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]
DEFAULT_VIEWPORT = {"width": 1920, "height": 1080}
# How long a wait for what the page shows may take before the test fails. Waits
# return as soon as the page shows it; the bound only has to hold on a loaded
# machine (CI runs the browser tests beside other work), so it is generous.
WAIT_MS = 60_000
STARTUP_SECONDS = 15


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveASGIServer(str):
    """The base URL of the running server, plus helpers to use it from a test."""

    loop: asyncio.AbstractEventLoop

    def url(self, path: str = "/") -> str:
        return f"{self}{path if path.startswith('/') else '/' + path}"

    def run(self, func: Callable[..., Any], *args: Any, timeout: float = 30, **kwargs: Any) -> Any:
        """Run `func` in a worker thread of the server's loop (see the module docstring)."""
        from asgiref.sync import sync_to_async
        from django.db import close_old_connections, connections

        def call() -> Any:
            try:
                return func(*args, **kwargs)
            finally:
                close_old_connections()
                connections.close_all()

        future = asyncio.run_coroutine_threadsafe(sync_to_async(call, thread_sensitive=False)(), self.loop)
        return future.result(timeout=timeout)


def _application() -> Any:
    """The real ASGI app, with static files served from the finders like `runserver`."""
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    from servicehall.asgi import application

    return ASGIStaticFilesHandler(application)  # type: ignore[arg-type]  # any ASGI app, as at runtime


def _start_uvicorn(port: int) -> tuple[Any, threading.Thread, dict[str, Any]]:
    import uvicorn

    holder: dict[str, Any] = {}

    class Server(uvicorn.Server):
        async def serve(self, sockets: Any = None) -> None:
            holder["loop"] = asyncio.get_running_loop()
            await super().serve(sockets)

    config = uvicorn.Config(
        _application(), host="127.0.0.1", port=port, log_level="warning", lifespan="off", access_log=False
    )
    server = Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"uvicorn did not start on 127.0.0.1:{port}")
        time.sleep(0.02)
    return server, thread, holder


@pytest.fixture
def asgi_server(transactional_db: None) -> Iterator[LiveASGIServer]:
    port = _free_port()
    server, thread, holder = _start_uvicorn(port)
    live = LiveASGIServer(f"http://127.0.0.1:{port}")
    live.loop = holder["loop"]
    try:
        yield live
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def login(context: Any, user: Any, base_url: str) -> None:
    """Sign `user` in for every page of the Playwright browser context."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}])


def use_language(context: Any, language: str, base_url: str) -> None:
    """Pick the UI language the way the language switch does (Django's language cookie)."""
    from django.conf import settings

    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}])


def new_page(
    browser: Any,
    base_url: str,
    *,
    language: str | None = None,
    user: Any = None,
    viewport: dict[str, int] | None = None,
    enforce_csp: bool = False,
) -> Any:
    """A page in a fresh context: its own cookies, language and signed-in user.

    Playwright's string evaluations (`evaluate`, `wait_for_function`) are what a
    strict Content-Security-Policy forbids, so pages bypass the policy unless a
    test asks for it (`enforce_csp=True`, then use locators only).
    """
    context = browser.new_context(
        viewport=viewport or DEFAULT_VIEWPORT,
        locale="en-US" if language == "en" else "zh-CN",
        bypass_csp=not enforce_csp,
    )
    context.set_default_timeout(WAIT_MS)
    if language:
        use_language(context, language, base_url)
    if user is not None:
        login(context, user, base_url)
    return context.new_page()


@pytest.fixture
def page(browser: Any, asgi_server: LiveASGIServer) -> Iterator[Any]:
    page = new_page(browser, str(asgi_server))
    try:
        yield page
    finally:
        page.context.close()


@pytest.fixture(scope="session")
def voice_clips(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is missing: install Debian's espeak-ng to record the board's voice clips")
    from servicehall.queueing.voice_build import build_clips

    directory = tmp_path_factory.mktemp("voice")
    build_clips(directory)
    return directory


def text(language: str, message: str, **params: str) -> str:
    """What the page should say in `language`, from the same catalogue the server uses."""
    with translation.override(language):
        return translation.gettext(message) % params if params else translation.gettext(message)
