"""The visitors' feedback page (APT04): opened from the link sent after the farewell, no sign-in, once."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from servicehall.core.errors import ApplicationError
from servicehall.core.htmx import render_in_hall_time
from servicehall.core.throttling import count_per_client
from servicehall.core.views import handles_application_errors

from . import selectors, services


@never_cache
@require_http_methods(["GET", "POST"])
@handles_application_errors
def feedback(request: HttpRequest, token: str) -> HttpResponse:
    visit = selectors.visit_by_feedback_token(token=token)
    context = {
        "visit_day": visit.starts_at,
        "hall_name": visit.hall.name,
        "hall": visit.hall,
        "given": visit.feedback_at is not None,
        "error": "",
        "score": request.POST.get("score", ""),
        "comment": request.POST.get("comment", ""),
        "scores": [5, 4, 3, 2, 1],
    }
    if request.method == "POST" and not context["given"]:
        count_per_client(
            request,
            scope="reception-feedback",
            limit=settings.RECEPTION_FEEDBACK_PER_MINUTE,
            message=_("Too many answers were sent from here in the last minute. Please wait a moment."),
        )
        try:
            services.feedback_give(
                token=token, score=request.POST.get("score", ""), comment=request.POST.get("comment", "")
            )
        except ApplicationError as exc:
            context["error"] = str(exc.message)
            return render(request, "reception/feedback.html", context, status=exc.status_code)
        context["given"] = True
        context["thanks"] = True
    return render_in_hall_time(request, "reception/feedback.html", context)
