"""Request guards that apply to every page and API call."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from .views import render_error


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
