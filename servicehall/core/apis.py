"""API plumbing shared by every app: the error shape and small helpers.

Every API error is `{"code": ..., "message": ...}` in the user's language
(validation errors add `fields` with the per-field messages). Services raise
`ApplicationError`; DRF calls `exception_handler` for anything raised inside
an `APIView`, so views need no try/except of their own.
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import (
    ApplicationError,
    TryAgain,
    csrf_failed_message,
    is_retryable_database_error,
    request_too_large_message,
)


def _flatten(detail: Any) -> str:
    if isinstance(detail, dict):
        parts = []
        for field, value in detail.items():
            text = _flatten(value)
            parts.append(text if field in ("non_field_errors", "detail") else f"{field}: {text}")
        return "; ".join(parts)
    if isinstance(detail, list):
        return " ".join(_flatten(item) for item in detail)
    return str(detail)


def _field_messages(detail: Any) -> dict[str, Any]:
    """Per-field messages as plain strings (nested serializers stay nested)."""
    if isinstance(detail, dict):
        return {str(key): _field_messages(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_field_messages(item) for item in detail]  # type: ignore[return-value]
    return str(detail)  # type: ignore[return-value]


def error_body(code: str, message: Any, **extra: Any) -> dict[str, Any]:
    return {"code": code, "message": str(message), **extra}


def _add_authenticate_header(response: Response, context: dict[str, Any]) -> None:
    """A 401 names how to authenticate (RFC 9110), as DRF does for its own 401s."""
    view, request = context.get("view"), context.get("request")
    header = view.get_authenticate_header(request) if view is not None and request is not None else None
    response["WWW-Authenticate"] = header or "Token"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every API error is `{"code": ..., "message": ...}` in the user's language."""
    if is_retryable_database_error(exc):
        exc = TryAgain()
    if isinstance(exc, ApplicationError):
        response = Response(error_body(exc.code, exc.message, **exc.extra), status=exc.status_code)
        if exc.status_code == status.HTTP_401_UNAUTHORIZED:
            _add_authenticate_header(response, context)
        return response
    if isinstance(exc, DjangoValidationError):
        per_field = exc.message_dict if hasattr(exc, "error_dict") else {}
        message = " ".join(str(m) for m in exc.messages)
        body = error_body("invalid", message, **({"fields": per_field} if per_field else {}))
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, RequestDataTooBig):
        return Response(error_body("request_too_large", request_too_large_message()), status=413)
    if isinstance(exc, SuspiciousOperation):  # too many fields, a malformed multipart body…
        return Response(error_body("bad_request", _("The request could not be understood.")), status=400)
    if isinstance(exc, exceptions.PermissionDenied) and str(getattr(exc, "detail", "")).startswith("CSRF Failed"):
        # DRF's own text is English and names internals; say what to do, in the user's language.
        return Response(error_body("csrf_failed", csrf_failed_message()), status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(_("You do not have permission to do this."))
    elif isinstance(exc, exceptions.ParseError):
        # The parser's own text is an English stack of JSON internals; say it plainly.
        exc = exceptions.ParseError(_("The request body could not be read. Send a JSON object."))
    handled: Response | None = drf_exception_handler(exc, context)
    if handled is None:
        return None
    response = handled
    if isinstance(exc, exceptions.ValidationError):
        detail = response.data
        fields: dict[str, Any] = _field_messages(detail) if isinstance(detail, dict) else {}
        if isinstance(detail, list):
            fields = {"non_field_errors": _field_messages(detail)}
        response.data = error_body("invalid", _flatten(detail), fields=fields)
    else:
        default = getattr(exc, "default_code", "error")
        detail = getattr(exc, "detail", "")
        response.data = error_body(getattr(detail, "code", None) or default, _flatten(detail))
    return response


@functools.cache
def _token_authentication() -> type[TokenAuthentication]:
    return import_string(getattr(settings, "API_SIGN_IN_CLASS", "rest_framework.authentication.TokenAuthentication"))


class ServiceHallAPIView(APIView):
    """Base of the project's API views.

    Token authentication comes first so that a device without credentials is
    told 401 with `WWW-Authenticate: Token` instead of a bare 403; browsers
    and the screens use the session. `ApplicationError` from services is turned
    into its 4xx by `exception_handler`.
    """

    authentication_classes = [TokenAuthentication, SessionAuthentication]

    def get_authenticators(self) -> list[Any]:
        # settings.API_SIGN_IN_CLASS: the token reading that also brings the user's hall memberships
        # (org's, named in settings because core imports no app above it).
        if self.authentication_classes == ServiceHallAPIView.authentication_classes:
            return [_token_authentication()(), SessionAuthentication()]
        return super().get_authenticators()


class PublicAPIView(ServiceHallAPIView):
    """Reachable without signing in; the view decides what an anonymous caller may see."""

    permission_classes = [AllowAny]


def parse(serializer_class: type[Serializer], request: Request, *, partial: bool = False) -> dict[str, Any]:
    """Validate the request body with `serializer_class`; a bad body is a 400 in the error shape."""
    data = request.data
    if data is None or data == "":
        data = {}
    serializer = serializer_class(data=data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


@extend_schema(exclude=True)
class NotFoundAPIView(PublicAPIView):
    """Anything under the API prefix that no route matches: a JSON 404, not an HTML page."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # Raised before any handler is looked up, so every method gets the same 404.
        raise exceptions.NotFound(_("There is no such API endpoint."))


def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
    return NotFoundAPIView.as_view()(request, *args, **kwargs)


# --- the error shape in the OpenAPI schema (shared by every app's endpoints) -------------------


class ErrorSerializer(Serializer):
    code = serializers.CharField(
        help_text=gettext_lazy("Machine-readable reason, e.g. illegal_move or daily_cap_reached.")
    )
    message = serializers.CharField(help_text=gettext_lazy("The reason in the user's language."))


class ValidationErrorSerializer(ErrorSerializer):
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=gettext_lazy("Per-field messages."),
    )


def error_response(description: str) -> OpenApiResponse:
    """An error answer `{"code", "message"}` for `extend_schema(responses=...)`."""
    return OpenApiResponse(ErrorSerializer, description=description)


# The largest id a database row may have (a signed 64-bit integer on SQLite and PostgreSQL): a bigger
# number in a request is bad input, not a server error.
MAX_ID = 2**63 - 1

BAD_INPUT = OpenApiResponse(ValidationErrorSerializer, description="The body is not valid JSON or a field is wrong.")
UNAUTHENTICATED = error_response("Not signed in (session or `Authorization: Token …`).")
