"""Home, error pages and the glue that turns service errors into HTML 4xx."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .errors import (
    ApplicationError,
    SignInRequired,
    TryAgain,
    csrf_failed_message,
    is_api_request,
    is_retryable_database_error,
    request_too_large_message,
)


def post_or_back_to(
    page: str, *, kwargs: Sequence[str] = (), query: Sequence[str] = ("hall",)
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A POST-only staff action whose refusal renders a page at the action's own address: a GET there (a reload
    after the browser's resubmission, the back button, a copied address) is sent to the page the action belongs
    to, `page` (a URL name) with the view's `kwargs` of those names and the request's `query` parameters kept,
    instead of "method not allowed". Other methods still answer 405. Use it in place of `require_POST`."""

    def wrap(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def guarded(request: HttpRequest, *args: Any, **view_kwargs: Any) -> HttpResponse:
            if request.method == "GET":
                url = reverse(page, kwargs={name: view_kwargs[name] for name in kwargs})
                kept = {name: request.GET[name] for name in query if request.GET.get(name)}
                return redirect(f"{url}?{urlencode(kept)}" if kept else url)
            return view(request, *args, **view_kwargs)

        guarded.goes_back_to = page  # type: ignore[attr-defined]  # (the privacy scan skips its other ids)
        return require_http_methods(["GET", "POST"])(guarded)

    return wrap


def render_error(request: HttpRequest, *, status: int, message: str, title: str = "") -> HttpResponse:
    template = "core/error_partial.html" if request.headers.get("HX-Request") else "core/error.html"
    return render(
        request, template, {"status": status, "message": message, "title": title or _("Sorry")}, status=status
    )


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _json_error(exc: ApplicationError) -> JsonResponse:
    return JsonResponse({"code": exc.code, "message": str(exc.message)}, status=exc.status_code)


def json_application_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For endpoints that only ever answer JSON: a refusal is `{"code", "message"}` with its 4xx."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ApplicationError as exc:
            return _json_error(exc)

    return wrapper


def handles_application_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A business rule's "no" becomes its 4xx: `{"code", "message"}` for scripts asking for JSON,
    the sign-in page where staff must sign in, else a friendly page (or htmx fragment)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            try:
                return view(request, *args, **kwargs)
            except DatabaseError as exc:
                if not is_retryable_database_error(exc):
                    raise
                raise TryAgain() from exc
        except ApplicationError as exc:
            if wants_json(request):
                return _json_error(exc)
            if isinstance(exc, SignInRequired):
                return redirect_to_login(request.get_full_path())
            return render_error(request, status=exc.status_code, message=str(exc.message))

    return wrapper


def _api_or_page(request: HttpRequest, *, status: int, code: str, message: str) -> HttpResponse:
    """Under /api/ the API's one error shape `{"code", "message"}`; elsewhere the friendly error page."""
    if is_api_request(request):
        return JsonResponse({"code": code, "message": str(message)}, status=status)
    return render_error(request, status=status, message=message)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        return _api_or_page(request, status=413, code="request_too_large", message=request_too_large_message())
    return _api_or_page(request, status=400, code="bad_request", message=_("The request could not be understood."))


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_or_page(
        request, status=403, code="permission_denied", message=_("You do not have permission to do this.")
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form or call without a valid security token (an old tab, a cross-site post): say what to do."""
    return _api_or_page(request, status=403, code="csrf_failed", message=csrf_failed_message())


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_request(request):
        return _api_or_page(request, status=404, code="not_found", message=_("There is no such API endpoint."))
    return render_error(request, status=404, message=_("This page does not exist."))


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the request's context: the failure may be the database itself."""
    message = _("Something went wrong on our side.")
    if is_api_request(request):
        return JsonResponse({"code": "server_error", "message": message}, status=500)
    body = loader.render_to_string("core/500.html", {"message": message})
    return HttpResponse(body, status=500)
