"""One error shape for the whole project.

Services raise `ApplicationError` (or a subclass carrying the HTTP status that
fits); the API handler and the HTML views turn it into a translated 4xx.
"""

from __future__ import annotations

from typing import Any


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
