"""The customer's side of the care app: the counter's rating pad (a paired tablet, like the board) and the
rating from the ticket's page (the QR code on the slip). CARE01."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from servicehall.core.errors import NotFound
from servicehall.core.throttling import count_per_client
from servicehall.core.views import handles_application_errors, json_application_errors
from servicehall.org.models import Counter
from servicehall.org.roles import Capability
from servicehall.queueing import selectors as queue_selectors
from servicehall.queueing.services import SCREEN_COOKIE

from . import selectors, services
from .models import DETAILS, Score

VOICE_CLIPS = ("rate_request_1", "rate_request_2")  # 请您对我的服务 · 进行评价


def _pad_counter(request: HttpRequest, hall: str, number: int) -> Counter:
    """The pad's counter: its hall opened as the board is (public hall, paired device or the hall's staff)."""
    hall_obj = queue_selectors.screen_hall_get(
        user=request.user, code=hall, capability=Capability.VIEW_HALL, screen_pass=request.COOKIES.get(SCREEN_COOKIE)
    )
    return selectors.pad_counter_get(hall=hall_obj, number=number)


def _keys() -> list[dict[str, str]]:
    return [{"value": value, "label": str(label)} for value, label in Score.choices]


@never_cache
@require_GET
@handles_application_errors
def pad(request: HttpRequest, hall: str, number: int) -> HttpResponse:
    """服务评价器: idle it shows the counter's clerk; asked, four keys for the customer."""
    counter_obj = _pad_counter(request, hall, number)
    hall_obj = counter_obj.hall
    kwargs = {"hall": hall_obj.code, "number": counter_obj.number}
    config = {
        "stateUrl": reverse("care:pad_state", kwargs=kwargs),
        "pressUrl": reverse("care:pad_press", kwargs=kwargs),
        "detailsUrl": reverse("care:pad_details", kwargs=kwargs),
        "details": hall_obj.rating_details,
        "windowSeconds": settings.CARE_RATING_WINDOW_SECONDS,
        "counter": counter_obj.number,
        "clips": [f"{queue_selectors.voice_clips_base_url(hall_obj)}{name}.wav" for name in VOICE_CLIPS],
        "speech": "请您对我的服务进行评价",
        "voice": request.GET.get("voice", "auto"),
        "labels": {
            "thanks": _("Thank you for your rating!"),
            "offline": _("No connection to the server. Please tell the clerk."),
        },
    }
    context = {
        "hall": hall_obj,
        "counter": counter_obj,
        "state": selectors.pad_state(counter=counter_obj),
        "keys": _keys(),
        "details": [(name, label) for name, label in DETAILS.items()] if hall_obj.rating_details else [],
        "pad_config": config,
    }
    return render(request, "care/pad.html", context)


@never_cache
@require_GET
@json_application_errors
def pad_state(request: HttpRequest, hall: str, number: int) -> JsonResponse:
    return JsonResponse(selectors.pad_state(counter=_pad_counter(request, hall, number)))


@require_POST
@json_application_errors
def pad_press(request: HttpRequest, hall: str, number: int) -> JsonResponse:
    """One press of a key: 200 when it counted, 409 with the reason when it did not (late, twice)."""
    counter_obj = _pad_counter(request, hall, number)
    rating_id = _uuid_or_404(request.POST.get("rating", ""))
    services.rating_press(counter=counter_obj, rating_id=rating_id, score=request.POST.get("score", ""))
    return JsonResponse({"message": _("Thank you for your rating!")})


@require_POST
@json_application_errors
def pad_details(request: HttpRequest, hall: str, number: int) -> JsonResponse:
    """The detailed 1–5 scores after a press, where the hall asks for them."""
    counter_obj = _pad_counter(request, hall, number)
    rating_id = _uuid_or_404(request.POST.get("rating", ""))
    scores = {name: request.POST.get(name, "") for name in DETAILS}
    services.rating_details(counter=counter_obj, rating_id=rating_id, scores=scores)
    return JsonResponse({"message": _("Thank you for your rating!")})


def _uuid_or_404(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise NotFound(_("There is nothing to rate at this counter now.")) from None


@never_cache
@require_http_methods(["GET", "POST"])
@handles_application_errors
def ticket_rate(request: HttpRequest, ticket: uuid.UUID) -> HttpResponse:
    """Rate the service of a ticket from its page (no sign-in), once, within CARE_TRACK_RATING_HOURS. A rating
    sent goes back to this page (a reload sends nothing again), which then thanks the customer."""
    ticket_obj = queue_selectors.ticket_get_public(ticket_id=ticket)
    if request.method == "POST":
        count_per_client(
            request,
            scope="care-rate",
            limit=settings.CARE_RATE_PER_MINUTE,
            message=_("Too many ratings were sent from here in the last minute. Please wait a moment."),
        )
        services.rating_from_ticket_page(ticket=ticket_obj, score=request.POST.get("score", ""))
        return redirect(reverse("care:ticket_rate", kwargs={"ticket": ticket_obj.pk}))
    context = {
        "hall": ticket_obj.hall,
        "ticket": ticket_obj,
        "keys": _keys(),
        "rated": selectors.ticket_rated(ticket_obj),
        "open": selectors.ticket_rating_link(ticket_obj) is not None,
    }
    return render(request, "care/ticket_rate.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@handles_application_errors
def link_rate(request: HttpRequest, rating: uuid.UUID) -> HttpResponse:
    """Rate a visit served without a ticket (a hotel stay, HOTEL04) from the link it was given (no sign-in),
    once, within CARE_TRACK_RATING_HOURS. A rating sent goes back to this page, which then thanks the guest."""
    found = selectors.link_rating_get(rating_id=rating)
    if request.method == "POST":
        count_per_client(
            request,
            scope="care-rate",
            limit=settings.CARE_RATE_PER_MINUTE,
            message=_("Too many ratings were sent from here in the last minute. Please wait a moment."),
        )
        services.rating_from_link(rating_id=found.pk, score=request.POST.get("score", ""))
        return redirect(reverse("care:link_rate", kwargs={"rating": found.pk}))
    context = {
        "hall": found.hall,
        "rating": found,
        "keys": _keys(),
        "rated": found.status == "rated",
        "open": selectors.link_rating_open(found),
    }
    return render(request, "care/link_rate.html", context)
