"""Public screens of a hall: kiosk (取号机), display board (叫号屏), ticket tracking.

The views only parse input, call a selector or service and render. Who may
open a kiosk or board is `selectors.screen_hall_get`; what a ticket shows is
`selectors.ticket_public_status`; issuing is `services.ticket_issue`. Nothing
here shows personal data: the board calls by ticket number, the phone a
customer may give at the kiosk is never displayed again.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from servicehall.catalog import selectors as catalog_selectors
from servicehall.catalog.selectors import category_get
from servicehall.core.errors import ApplicationError
from servicehall.core.throttling import count_per_client, throttle_anonymous_issue
from servicehall.core.views import handles_application_errors, json_application_errors
from servicehall.org.models import Hall
from servicehall.org.roles import Capability

from . import selectors, services
from .extensions import kiosk_links, ticket_links
from .models import ScreenKind, Ticket, TicketChannel
from .voice import CLIP_TEXTS
from .voice_build import MANIFEST, clip_filename


def _screen_hall(request: HttpRequest, code: str, capability: str) -> Hall:
    """Public hall, a device paired to the hall (its screen cookie), or the hall's staff."""
    screen_pass = request.COOKIES.get(services.SCREEN_COOKIE)
    return selectors.screen_hall_get(user=request.user, code=code, capability=capability, screen_pass=screen_pass)


# --- kiosk (Q01) ------------------------------------------------------------------


def _kiosk_businesses(hall: Hall) -> dict[str, list[Any]]:
    """The business types the kiosk offers under each category (code → rows), in the pack's order."""
    offered: dict[str, list[Any]] = {}
    for business in catalog_selectors.business_types_for_hall(hall=hall).select_related("category"):
        offered.setdefault(business.category.code, []).append(business)
    return offered


def _kiosk_pick(hall: Hall, request: HttpRequest) -> tuple[Any, str]:
    """The category pressed, or the business pressed and its category ("" when none was)."""
    business = request.POST.get("business", "").strip()[:48]
    if business:
        chosen = catalog_selectors.business_type_get(hall=hall, code=business)
        return chosen.category, chosen.code
    return category_get(hall=hall, code=request.POST.get("category", "").strip()[:8]), ""


def _kiosk_context(hall: Hall, *, phone: str = "", error: str = "", autoprint: bool = False) -> dict[str, Any]:
    offered = _kiosk_businesses(hall)
    # A customer who knows the business may pick it: the slip then lists that business's documents.
    loads = [{**load, "businesses": offered.get(load["code"], [])} for load in selectors.category_loads(hall=hall)]
    return {
        "hall": hall,
        "loads": loads,
        "phone": phone,
        "error": error,
        "autoprint": autoprint,
        "links": kiosk_links(hall),  # e.g. "I have a booking" (appointments)
    }


@never_cache
@require_http_methods(["GET", "POST"])
@handles_application_errors
def kiosk(request: HttpRequest, hall: str) -> HttpResponse:
    """Choose a category (and optionally leave a mobile number); the slip follows."""
    hall_obj = _screen_hall(request, hall, Capability.ISSUE)
    autoprint = request.GET.get("autoprint") == "1" or request.POST.get("autoprint") == "1"
    if request.method == "GET":
        return render(request, "queueing/public/kiosk.html", _kiosk_context(hall_obj, autoprint=autoprint))
    phone = request.POST.get("phone", "").strip()[:32]
    try:
        category, business = _kiosk_pick(hall_obj, request)
        throttle_anonymous_issue(request)
        ticket = services.ticket_issue(
            hall=hall_obj, category=category, channel=TicketChannel.KIOSK, phone=phone, actor=request.user
        )
    except ApplicationError as exc:
        context = _kiosk_context(hall_obj, phone=phone, error=str(exc.message), autoprint=autoprint)
        return render(request, "queueing/public/kiosk.html", context, status=exc.status_code)
    query = urlencode({k: v for k, v in (("business", business), ("autoprint", "1" if autoprint else "")) if v})
    target = reverse("queueing:slip", kwargs={"ticket": ticket.pk})
    return redirect(f"{target}?{query}" if query else target)


def _qr_svg(url: str) -> str:
    """The tracking link as an inline SVG QR code: prints sharp and needs no network."""
    svg = segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#111", omitsize=True)
    return mark_safe(svg)  # noqa: S308 - segno's own markup, the URL is ours


@never_cache
@require_GET
@handles_application_errors
def slip(request: HttpRequest, ticket: uuid.UUID) -> HttpResponse:
    """The 80 mm slip: number, people ahead, estimated wait, documents, QR to tracking."""
    ticket_obj = selectors.ticket_get_public(ticket_id=ticket)
    track_url = request.build_absolute_uri(reverse("queueing:track", kwargs={"ticket": ticket_obj.pk}))
    context = {
        "hall": ticket_obj.hall,
        "ticket": ticket_obj,
        "status": selectors.ticket_public_status(ticket=ticket_obj),
        # The chosen business's documents (?business= from the kiosk), else the category's general list.
        "documents": catalog_selectors.documents_for_slip(
            category=ticket_obj.category, business=request.GET.get("business", "").strip()[:48]
        ),
        "track_url": track_url,
        "qr_svg": _qr_svg(track_url),
        "kiosk_url": _kiosk_return_url(request, ticket_obj),
        "autoprint": request.GET.get("autoprint") == "1",
    }
    return render(request, "queueing/public/slip.html", context)


def _kiosk_return_url(request: HttpRequest, ticket: Ticket) -> str:
    url = reverse("queueing:kiosk", kwargs={"hall": ticket.hall.code})
    return f"{url}?autoprint=1" if request.GET.get("autoprint") == "1" else url


# --- display board (Q05) ----------------------------------------------------------


def _board_labels() -> dict[str, str]:
    """Words the board's script writes itself, translated on the server."""
    return {
        "counter": _("Counter %(counter)s"),
        "call": _("Ticket %(number)s, please go to counter %(counter)s"),
        "recall": _("Calling again"),
        "waiting": _("%(count)s waiting"),
        "idle": _("Waiting for the next call"),
        "online": _("Live"),
        "offline": _("Reconnecting…"),
        "closed": _("Closed"),
        "paused": _("Paused"),
        "open": _("Open"),
        "serving": _("Serving"),
        "calling": _("Now calling"),
    }


def _recent_with_local_times(recent: list[dict[str, Any]], hall: Hall) -> list[dict[str, Any]]:
    """The first paint shows call times in the hall's clock, like the script does later."""
    return [
        {**call, "time": dt.datetime.fromisoformat(call["at"]).astimezone(hall.tz).strftime("%H:%M")} for call in recent
    ]


@never_cache
@require_GET
@handles_application_errors
def board(request: HttpRequest, hall: str) -> HttpResponse:
    """The 1920×1080 board, rendered with the current state; pushes keep it live."""
    hall_obj = _screen_hall(request, hall, Capability.VIEW_HALL)
    snapshot = selectors.queue_snapshot(hall=hall_obj)
    config = {
        "hall": hall_obj.code,
        "stateUrl": reverse("queueing:board_state", kwargs={"hall": hall_obj.code}),
        "wsPath": f"/ws/halls/{hall_obj.code}/",
        "clipsBase": selectors.voice_clips_base_url(hall_obj),
        "clipExt": ".wav",
        "clipNames": list(CLIP_TEXTS),
        "ownClips": bool(hall_obj.voice_clips_url),
        "timezone": hall_obj.timezone,
        "voice": request.GET.get("voice", "auto"),
        "labels": _board_labels(),
    }
    recent = _recent_with_local_times(snapshot["recent"], hall_obj)
    context = {
        "hall": hall_obj,
        "snapshot": snapshot,
        "recent": recent,
        "latest": recent[0] if recent else None,
        "board_config": config,
    }
    return render(request, "queueing/public/board.html", context)


@never_cache
@require_GET
@json_application_errors
def board_state(request: HttpRequest, hall: str) -> JsonResponse:
    """The board's state as JSON, fetched on connect and after queue changes."""
    hall_obj = _screen_hall(request, hall, Capability.VIEW_HALL)
    return JsonResponse(selectors.queue_snapshot(hall=hall_obj))


# --- heartbeats of the public screens (SITE03) -------------------------------------------


@require_POST
@json_application_errors
def screen_heartbeat(request: HttpRequest, hall: str) -> HttpResponse:
    """A kiosk, board or rating pad says it is alive (`static/js/heartbeat.js`, once a minute). Opened as the
    screen itself is; answers 204 with nothing in it."""
    kind = request.POST.get("kind", "")[:8]
    hall_obj = _screen_hall(request, hall, Capability.ISSUE if kind == ScreenKind.KIOSK else Capability.VIEW_HALL)
    count_per_client(
        request,
        scope="screen-heartbeat",
        limit=settings.QUEUE_HEARTBEAT_PER_MINUTE,
        message=_("Too many requests. Please wait a moment."),
    )
    services.screen_heartbeat(hall=hall_obj, kind=kind, screen=request.POST.get("screen", "")[:32])
    return HttpResponse(status=204)


# --- tracking (Q01) ---------------------------------------------------------------


@never_cache
@require_GET
@handles_application_errors
def track(request: HttpRequest, ticket: uuid.UUID) -> HttpResponse:
    """Follow a ticket from the slip's QR code; anyone with the link, no personal data."""
    ticket_obj = selectors.ticket_get_public(ticket_id=ticket)
    status = selectors.ticket_public_status(ticket=ticket_obj)
    config = {
        "stateUrl": reverse("queueing:track_state", kwargs={"ticket": ticket_obj.pk}),
        "wsPath": f"/ws/halls/{ticket_obj.hall.code}/" if ticket_obj.hall.public_kiosk else "",
        "number": ticket_obj.number,  # its own call is fetched at once; other events at most every 5 s
        "pollSeconds": 10,
        "minGapSeconds": 5,
        "timezone": ticket_obj.hall.timezone,  # "Updated" in the hall's time, not the phone's
    }
    context = {
        "hall": ticket_obj.hall,
        "ticket": ticket_obj,
        "status": status,
        "track_config": config,
        "links": ticket_links(ticket_obj),  # e.g. "rate our service" once it is over (care)
    }
    return render(request, "queueing/public/track.html", context)


@never_cache
@require_GET
@json_application_errors
def track_state(request: HttpRequest, ticket: uuid.UUID) -> JsonResponse:
    ticket_obj = selectors.ticket_get_public(ticket_id=ticket)
    links = [{"label": link.label, "url": link.url, "testid": link.testid} for link in ticket_links(ticket_obj)]
    return JsonResponse({**selectors.ticket_public_status(ticket=ticket_obj), "links": links})


# --- voice clips (Q05) ------------------------------------------------------------


def _clip_path(name: str) -> Path:
    """Only names from the clip table reach the file system."""
    filename = MANIFEST if name == "manifest" else clip_filename(name) if name in CLIP_TEXTS else None
    if filename is None:
        raise Http404(_("There is no such voice clip."))
    path = Path(settings.VOICE_CLIPS_DIR) / filename
    if not path.is_file():
        raise Http404(_("The voice clips have not been built yet. Run `manage.py build_voice`."))
    return path


@require_GET
def voice_clip(request: HttpRequest, name: str) -> HttpResponse:
    """A bundled clip (tens of kilobytes, read whole); boards cache them for a day."""
    response = HttpResponse(_clip_path(name).read_bytes(), content_type="audio/wav")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def voice_manifest(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(_clip_path("manifest").read_bytes(), content_type="application/json")
    response["Cache-Control"] = "no-cache"
    return response
