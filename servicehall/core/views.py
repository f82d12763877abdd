"""Home, error pages and the glue that turns service errors into HTML 4xx."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.translation import gettext as _

from servicehall.org.roles import Capability
from servicehall.org.selectors import default_hall_for_user, public_halls, user_can

from .errors import ApplicationError, SignInRequired


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
            return view(request, *args, **kwargs)
        except ApplicationError as exc:
            if wants_json(request):
                return _json_error(exc)
            if isinstance(exc, SignInRequired):
                return redirect_to_login(request.get_full_path())
            return render_error(request, status=exc.status_code, message=str(exc.message))

    return wrapper


def home(request: HttpRequest) -> HttpResponse:
    """Visitors see the halls' public screens; staff go to the screen of their role."""
    if not request.user.is_authenticated:
        return render(request, "core/landing.html", {"halls": public_halls()})
    hall = default_hall_for_user(user=request.user)
    if hall is None:
        return render_error(
            request, status=403, message=_("Your account has no role in any hall yet. Ask your hall administrator.")
        )
    if user_can(user=request.user, hall=hall, capability=Capability.MANAGE_QUEUE):
        return redirect("queueing:manager", hall=hall.code)
    if user_can(user=request.user, hall=hall, capability=Capability.SERVE):
        return redirect("queueing:workbench", hall=hall.code)
    if user_can(user=request.user, hall=hall, capability=Capability.GUIDE):
        return redirect("queueing:guide", hall=hall.code)
    return redirect("queueing:board", hall=hall.code)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render_error(request, status=400, message=_("The request could not be understood."))


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render_error(request, status=403, message=_("You do not have permission to do this."))


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render_error(request, status=404, message=_("This page does not exist."))


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the request's context: the failure may be the database itself."""
    body = loader.render_to_string("core/500.html", {"message": _("Something went wrong on our side.")})
    return HttpResponse(body, status=500)
