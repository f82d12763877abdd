"""One error shape for the whole project.

Services raise `ApplicationError` (or a subclass carrying the HTTP status that
fits); the API handler and the HTML views turn it into a translated 4xx.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


def is_api_request(request: HttpRequest) -> bool:
    """Calls under /api/ are answered in the API's error shape, whatever refused them."""
    return request.path.startswith(API_PREFIX)


def request_too_large_message() -> str:
    kib = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
    return _("The request is too large (at most %(kib)s KiB).") % {"kib": kib}


def csrf_failed_message() -> str:
    return _("The security check of this page failed. Reload the page and try again.")


class ApplicationError(Exception):
    """A business rule said no. `message` is already translated (lazy is fine)."""

    status_code = 400
    default_code = "invalid"

    def __init__(self, message: Any, code: str | None = None, extra: dict[str, Any] | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code or self.default_code
        self.extra = extra or {}


class NotFound(ApplicationError):
    status_code = 404
    default_code = "not_found"


class Forbidden(ApplicationError):
    status_code = 403
    default_code = "forbidden"


class SignInRequired(ApplicationError):
    """The screen or call is for signed-in staff of the hall."""

    status_code = 401
    default_code = "not_authenticated"  # the same code as the API's other 401s


class Conflict(ApplicationError):
    """The object is not in a state that allows this move."""

    status_code = 409
    default_code = "conflict"


class Unprocessable(ApplicationError):
    """Well-formed, but a rule of the hall refuses it (cap, hours, closed)."""

    status_code = 422
    default_code = "unprocessable"


# PostgreSQL's deadlock_detected and serialization_failure: the request lost a race and may simply be sent again.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})


def is_retryable_database_error(exc: BaseException) -> bool:
    """A deadlock or serialization failure (the money paths take one lock order, so this is a belt and braces)."""
    cause = exc.__cause__ if isinstance(exc, DatabaseError) else None
    return getattr(cause, "sqlstate", None) in RETRYABLE_SQLSTATES


class TryAgain(Conflict):
    """The request lost a race with another one on the same records; sending it again is safe."""

    default_code = "retry"

    def __init__(self) -> None:
        super().__init__(_("Someone else was changing the same records at this moment. Please try again."))
