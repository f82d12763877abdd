"""The premises' staff screens (SITE01, SITE02, SAFE01): the hall's patrols (today's rounds, history, the
weekly score trend, the schedule), the patrol form for a tablet, a patrol's page, the rectifications (mine or
all, overdue first) and a rectification's page with its history and steps."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from servicehall.core.errors import ApplicationError, NotFound, Unprocessable
from servicehall.core.htmx import is_htmx, render_in_hall_time
from servicehall.core.views import handles_application_errors, post_or_back_to
from servicehall.org.models import Hall
from servicehall.org.navigation import staff_nav
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user, hall_staff, user_capabilities

from . import selectors, selectors_equipment, services
from .models import ChecklistFrequency, Computed
from .states import RectificationStatus

C = Capability
R = RectificationStatus
NAV_KEY = "patrols"
# The packs' checklist items about fire equipment: the patrol form lists the register's expired or expiring
# extinguishers and AEDs beside them (SITE03).
FIRE_EQUIPMENT_ITEMS = frozenset({"extinguishers_valid", "extinguishers_in_place"})
WEEKDAYS = (
    (0, gettext_lazy("Monday")),
    (1, gettext_lazy("Tuesday")),
    (2, gettext_lazy("Wednesday")),
    (3, gettext_lazy("Thursday")),
    (4, gettext_lazy("Friday")),
    (5, gettext_lazy("Saturday")),
    (6, gettext_lazy("Sunday")),
)


def _hall(request: HttpRequest, hall: str, capability: str = C.VIEW_HALL) -> Hall:
    return hall_get_for_user(user=request.user, code=hall, capability=capability)


def _base(request: HttpRequest, hall: Hall, nav_key: str = NAV_KEY) -> dict[str, Any]:
    capabilities = frozenset(user_capabilities(user=request.user, hall=hall))
    return {
        "hall": hall,
        "nav": staff_nav(capabilities=capabilities, hall_code=hall.code, active=nav_key),
        "can_patrol": C.PATROL in capabilities,
        "can_schedule": C.PATROL in capabilities or C.ADMINISTER in capabilities,
    }


def _weekdays() -> list[tuple[int, str]]:
    return [(number, str(name)) for number, name in WEEKDAYS]


def _rounds_with_days(hall: Hall) -> list[Any]:
    names = dict(_weekdays())
    rows = list(selectors.rounds(hall=hall))
    for row in rows:
        day = _("Every day") if row.weekday is None else names.get(row.weekday, "")
        row.weekday_name = day  # type: ignore[attr-defined]
    return rows


# --- the hall's patrols ---------------------------------------------------------------------------


@login_required
@handles_application_errors
@never_cache
@require_GET
def patrols(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = _hall(request, hall)
    today = hall_obj.local_date()
    context = _base(request, hall_obj) | {
        "today_rounds": selectors.rounds_today(hall=hall_obj),
        "rows": list(selectors.patrols(hall=hall_obj)),
        "trend": selectors.score_trend(hall=hall_obj),
        "missed": list(selectors.missed_patrols(hall=hall_obj, since=today - dt.timedelta(days=28))),
        "templates": list(selectors.templates(hall=hall_obj)),
        "rounds": _rounds_with_days(hall_obj),
        "weekdays": _weekdays(),
    }
    template = "premises/_patrol_list.html" if is_htmx(request) else "premises/patrols.html"
    return render_in_hall_time(request, template, context)


@login_required
@handles_application_errors
@post_or_back_to("premises:patrols", kwargs=("hall",))
def round_add(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = _hall(request, hall)
    raw_time = (request.POST.get("time") or "").strip()
    raw_weekday = (request.POST.get("weekday") or "").strip()
    try:
        time = dt.time.fromisoformat(raw_time) if raw_time else None
    except ValueError:
        raise Unprocessable(_("Please enter a time like 09:30."), code="bad_time") from None
    try:
        weekday = int(raw_weekday) if raw_weekday else None
    except ValueError:
        raise Unprocessable(_("Choose a day of the week."), code="bad_weekday") from None
    services.round_add(
        hall=hall_obj,
        actor=request.user,
        name=request.POST.get("name", ""),
        time=time,
        template_id=request.POST.get("template"),
        weekday=weekday,
    )
    messages.success(request, _("The round is on the schedule."))
    return redirect(reverse("premises:patrols", kwargs={"hall": hall_obj.code}))


@login_required
@handles_application_errors
@post_or_back_to("premises:patrols", kwargs=("hall",))
def round_remove(request: HttpRequest, hall: str, round: int) -> HttpResponse:
    hall_obj = _hall(request, hall)
    services.round_remove(hall=hall_obj, actor=request.user, round_id=round)
    messages.success(request, _("The round is off the schedule."))
    return redirect(reverse("premises:patrols", kwargs={"hall": hall_obj.code}))


# --- the patrol form --------------------------------------------------------------------------------


def _form_page(
    request: HttpRequest,
    hall: Hall,
    *,
    template_id: Any,
    round_id: Any,
    form: dict[str, str] | None = None,
    error: str = "",
    error_field: str = "",
    photos_dropped: bool = False,
    status: int = 200,
) -> HttpResponse:
    template = selectors.template_get(hall=hall, template_id=template_id)
    patrol_round = selectors.round_get(hall=hall, round_id=round_id) if round_id not in (None, "") else None
    items = list(template.items.filter(active=True).order_by("position", "id"))
    form = form or {}
    rows = [
        {
            "item": item,
            "choice": form.get(f"item-{item.pk}", ""),
            "note": form.get(f"note-{item.pk}", ""),
            "owner": form.get(f"owner-{item.pk}", ""),
            "computed": bool(item.computed),
            "fire": item.code in FIRE_EQUIPMENT_ITEMS,
            "has_error": bool(error_field) and error_field.rsplit("-", 1)[-1] == str(item.pk),
        }
        for item in items
    ]
    drawers = selectors.drawer_cash_rows(hall=hall) if any(i.computed == Computed.DRAWER_CASH for i in items) else []
    context = _base(request, hall) | {
        "template": template,
        "round": patrol_round,
        "rows": rows,
        "drawers": drawers,
        "drawer_limit": selectors.drawer_cash_limit(),
        "drawers_over": any(d["over"] for d in drawers),
        "members": [
            (user, user.get_full_name() or user.get_username())
            for user, _caps in hall_staff(hall=hall, capability=C.VIEW_HALL)
        ],
        "request_key": form.get("request_key") or secrets.token_hex(16),
        "error": error,
        "error_field": error_field,
        # A browser never refills a file field: say so, so the patroller attaches the photos again.
        "photos_dropped": photos_dropped,
        "frequency_weekly": template.frequency == ChecklistFrequency.WEEKLY,
        "fire_register": selectors_equipment.fire_equipment_warnings(hall=hall)
        if any(item.code in FIRE_EQUIPMENT_ITEMS for item in items)
        else [],
    }
    return render_in_hall_time(request, "premises/patrol_form.html", context, status=status)


def _answers(request: HttpRequest, hall: Hall, template_id: Any) -> dict[int, services.ItemAnswer]:
    template = selectors.template_get(hall=hall, template_id=template_id)
    answers: dict[int, services.ItemAnswer] = {}
    for item in template.items.filter(active=True):
        choice = request.POST.get(f"item-{item.pk}", "")
        owner = (request.POST.get(f"owner-{item.pk}") or "").strip()
        try:
            owner_id = int(owner) if owner else None
        except ValueError:
            owner_id = -1
        answers[item.pk] = services.ItemAnswer(
            passed={"pass": True, "fail": False}.get(choice),
            note=request.POST.get(f"note-{item.pk}", ""),
            photo=request.FILES.get(f"photo-{item.pk}"),
            owner_id=owner_id,
        )
    return answers


@login_required
@handles_application_errors
@never_cache
@require_http_methods(["GET", "POST"])
def patrol_new(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = _hall(request, hall, C.PATROL)
    source = request.GET if request.method == "GET" else request.POST
    template_id: Any = source.get("template")
    round_id: Any = source.get("round") or None
    if round_id and not template_id:
        template_id = selectors.round_get(hall=hall_obj, round_id=round_id).template_id
    if request.method == "GET":
        return _form_page(request, hall_obj, template_id=template_id, round_id=round_id)
    try:
        patrol = services.patrol_submit(
            hall=hall_obj,
            actor=request.user,
            template_id=template_id,
            round_id=round_id,
            answers=_answers(request, hall_obj, template_id),
            request_key=request.POST.get("request_key", ""),
        )
    except ApplicationError as exc:
        if exc.status_code == 404:
            raise
        form = {k: str(v) for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        return _form_page(
            request,
            hall_obj,
            template_id=template_id,
            round_id=round_id,
            form=form,
            error=str(exc.message),
            error_field=str((exc.extra or {}).get("field", "")),
            photos_dropped=bool(request.FILES),
            status=exc.status_code,
        )
    failed = patrol.results.filter(passed=False).count()
    messages.success(
        request,
        _("The patrol is recorded: score %(score)s%%, %(failed)s rectification(s) opened.")
        % {"score": patrol.score, "failed": failed},
    )
    return redirect(reverse("premises:patrol", kwargs={"hall": hall_obj.code, "patrol": patrol.pk}))


@login_required
@handles_application_errors
@never_cache
@require_GET
def patrol_page(request: HttpRequest, hall: str, patrol: int) -> HttpResponse:
    hall_obj = _hall(request, hall)
    found = selectors.patrol_get(hall=hall_obj, patrol_id=patrol)
    context = _base(request, hall_obj) | {"patrol": found, "results": selectors.patrol_results(patrol=found)}
    return render_in_hall_time(request, "premises/patrol.html", context)


@login_required
@handles_application_errors
@never_cache
@require_GET
def patrol_photo(request: HttpRequest, hall: str, patrol: int, result: int) -> HttpResponse:
    """A finding's photo, to staff of the hall only; never through a public media URL."""
    hall_obj = _hall(request, hall)
    found = selectors.patrol_get(hall=hall_obj, patrol_id=patrol)
    row = found.results.filter(pk=result).first()
    if row is None or not row.photo:
        raise NotFound(_("No photo is kept for this item."))
    return _file(row.photo, row.photo_type)


def _file(field: Any, content_type: str) -> HttpResponse:
    response = FileResponse(field.open("rb"), content_type=content_type or "application/octet-stream")
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    return response  # type: ignore[return-value]


# --- rectifications ---------------------------------------------------------------------------------


@login_required
@handles_application_errors
@never_cache
@require_GET
def rectifications(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = _hall(request, hall)
    show_all = request.GET.get("all") == "1"
    pending = request.GET.get("done") != "1"
    now = timezone.now()
    rows = selectors.rectifications(
        hall=hall_obj, owner=None if show_all else request.user, pending_only=pending, now=now
    )
    context = _base(request, hall_obj) | {
        "rows": [selectors.rectification_row(r, now) for r in rows[:200]],
        "show_all": show_all,
        "pending": pending,
    }
    template = "premises/_rectification_list.html" if is_htmx(request) else "premises/rectifications.html"
    return render_in_hall_time(request, template, context)


def _rectification_page(
    request: HttpRequest, hall: Hall, rectification_id: Any, *, error: str = "", status: int = 200
) -> HttpResponse:
    found = selectors.rectification_get(hall=hall, rectification_id=rectification_id)
    user = request.user
    capabilities = frozenset(user_capabilities(user=user, hall=hall))
    context = _base(request, hall) | {
        "rectification": found,
        "row": selectors.rectification_row(found),
        "moves": selectors.rectification_moves(rectification=found),
        "is_owner": found.owner_id == user.pk,
        "can_verify": found.status == R.SUBMITTED
        and (C.PATROL in capabilities or found.result.patrol.patroller_id == user.pk),
        "S": R,
        "error": error,
    }
    return render_in_hall_time(request, "premises/rectification.html", context, status=status)


@login_required
@handles_application_errors
@never_cache
@require_GET
def rectification_page(request: HttpRequest, hall: str, rectification: int) -> HttpResponse:
    return _rectification_page(request, _hall(request, hall), rectification)


@login_required
@handles_application_errors
@post_or_back_to("premises:rectification", kwargs=("hall", "rectification"))
def rectification_act(request: HttpRequest, hall: str, rectification: int, action: str) -> HttpResponse:
    hall_obj = _hall(request, hall)
    found = selectors.rectification_get(hall=hall_obj, rectification_id=rectification)
    try:
        if action == "close":
            services.rectification_close(
                rectification=found,
                actor=request.user,
                note=request.POST.get("note", ""),
                photo=request.FILES.get("photo"),
            )
            done = _("The rectification is sent for verification.")
        elif action == "verify":
            services.rectification_verify(rectification=found, actor=request.user)
            done = _("The rectification is verified.")
        elif action == "reject":
            services.rectification_reject(
                rectification=found, actor=request.user, reason=request.POST.get("reason", "")
            )
            done = _("The rectification is sent back to its owner.")
        else:
            raise NotFound(_("There is no such step."))
    except ApplicationError as exc:
        if exc.status_code == 404:
            raise
        return _rectification_page(request, hall_obj, found.pk, error=str(exc.message), status=exc.status_code)
    messages.success(request, done)
    return redirect(reverse("premises:rectification", kwargs={"hall": hall_obj.code, "rectification": found.pk}))


@login_required
@handles_application_errors
@never_cache
@require_GET
def rectification_photo(request: HttpRequest, hall: str, rectification: int) -> HttpResponse:
    hall_obj = _hall(request, hall)
    found = selectors.rectification_get(hall=hall_obj, rectification_id=rectification)
    if not found.evidence_photo:
        raise NotFound(_("No photo is kept for this rectification."))
    return _file(found.evidence_photo, found.evidence_type)
