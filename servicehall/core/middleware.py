"""Request guards that apply to every page and API call."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from .errors import is_api_request
from .views import render_error, wants_json


class RejectNullCharactersMiddleware:
    """A query string holding a NUL character is answered 400.

    PostgreSQL text cannot hold NUL, so such a value reaching a lookup would be a
    server error; forms and API fields refuse it already, query parameters do not.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.META.get("QUERY_STRING", "") or _has_null(request):
            message = _("The address holds a character that is not allowed.")
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "bad_request", "message": message}, status=400)
            return render_error(request, status=400, message=message)
        return self.get_response(request)


def _has_null(request: HttpRequest) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists())


# --- staff sessions end after an idle time and after a shift (issue 10 item 12) -----------------------------------

SIGNED_IN_AT = "servicehall_signed_in_at"
LAST_ACTIVITY = "servicehall_last_activity"
# Activity is written to the session at most this often (seconds): a click every second need not write every time.
ACTIVITY_WRITE_EVERY = 60


@receiver(user_logged_in)
def _start_the_shift(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        now = time.time()
        session[SIGNED_IN_AT] = now
        session[LAST_ACTIVITY] = now


def is_background_refresh(request: HttpRequest) -> bool:
    """A screen refreshing itself (htmx polling its own page) is not the user doing something."""
    if request.method != "GET" or not request.headers.get("HX-Request"):
        return False
    return urlsplit(request.headers.get("HX-Current-URL", "")).path == request.path


def session_expiry(session: Any, now: float) -> str | None:
    """Why this staff session has ended ("idle" or "shift"), or None while it is alive."""
    signed_in_at = session.get(SIGNED_IN_AT)
    last_activity = session.get(LAST_ACTIVITY, signed_in_at)
    if signed_in_at is not None and now - signed_in_at > settings.SESSION_MAX_HOURS * 3600:
        return "shift"
    if last_activity is not None and now - last_activity > settings.SESSION_IDLE_MINUTES * 60:
        return "idle"
    return None


def expiry_message(reason: str) -> str:
    if reason == "shift":
        return _("You have been signed in for a whole shift. Please sign in again.")
    return _("You have been inactive for a long time. Please sign in again.")


class StaffSessionLimitsMiddleware:
    """Ends a staff session after `SESSION_IDLE_MINUTES` without activity or `SESSION_MAX_HOURS` after sign-in.

    The staff member is signed out and the request goes on as anyone's: a staff page sends to the sign-in page
    (which says why), an API call answers 401 in the API's shape, and the screens that need no sign-in (board,
    kiosk and tracking of a public hall) simply keep running. An htmx fragment of a staff screen asks the
    browser to open the sign-in page instead of swapping it into the fragment. API tokens are not sessions.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        now = time.time()
        reason = session_expiry(request.session, now)
        if reason is None:
            self._note_activity(request, now)
            return self.get_response(request)
        logout(request)
        if not (is_api_request(request) or wants_json(request)):
            messages.info(request, expiry_message(reason))
        if request.headers.get("HX-Request"):
            page = urlsplit(request.headers.get("HX-Current-URL", "")).path or request.path
            response = HttpResponse(status=204)
            response["HX-Redirect"] = redirect_to_login(page)["Location"]
            return response
        return self.get_response(request)

    @staticmethod
    def _note_activity(request: HttpRequest, now: float) -> None:
        session = request.session
        if SIGNED_IN_AT not in session:
            session[SIGNED_IN_AT] = now  # a session from before these limits: its shift starts now
        if is_background_refresh(request):
            return
        if now - session.get(LAST_ACTIVITY, 0) >= ACTIVITY_WRITE_EVERY:
            session[LAST_ACTIVITY] = now
