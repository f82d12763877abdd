"""What a hall lets customers book (APT01), kept by the hall administrator: each business or queue category
with its slot length, places per slot (empty: the counters that serve it), horizon, notice, cut-off and the
open bookings one mobile number may hold."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from servicehall.catalog import selectors as catalog_selectors
from servicehall.core.errors import ApplicationError
from servicehall.core.htmx import render_in_hall_time
from servicehall.core.views import handles_application_errors
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user

from . import selectors, services
from .forms import TYPE_FIELDS, AppointmentTypeForm
from .slots import type_capacity
from .views import _nav


def _choices(hall: Any) -> list[tuple[str, str]]:
    """Every business of the hall, then every queue category (a whole category books any of its business)."""
    businesses = [
        (f"business:{b.code}", f"{b.display_name}") for b in catalog_selectors.business_types_for_hall(hall=hall)
    ]
    categories = [
        (f"category:{c.code}", _("Any business of %(category)s") % {"category": c.display_name})
        for c in catalog_selectors.categories_for_hall(hall=hall)
    ]
    return businesses + categories


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@handles_application_errors
def types(request: HttpRequest, hall: str, type: int | None = None) -> HttpResponse:
    """The list of what can be booked, and the form to add one (no `type`) or change one."""
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.ADMINISTER)
    instance = selectors.type_get(hall=hall_obj, type_id=type, active_only=False) if type is not None else None
    choices = None if instance is not None else _choices(hall_obj)
    form = AppointmentTypeForm(request.POST or None, instance=instance, choices=choices)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = {field: form.cleaned_data[field] for field in TYPE_FIELDS}
            try:
                saved = services.appointment_type_save(
                    hall=hall_obj,
                    actor=request.user,
                    values=values,
                    instance=instance,
                    what=form.cleaned_data.get("what", ""),
                )
            except ApplicationError as exc:
                form.add_error(None, str(exc.message))
                status = exc.status_code
            else:
                messages.success(request, _("Saved: %(what)s.") % {"what": saved.display_name})
                return redirect(reverse("appointments:types", kwargs={"hall": hall_obj.code}))
        else:
            status = 422
    rows = [
        {"type": t, "places": t.capacity_override or type_capacity(t), "own_places": t.capacity_override is not None}
        for t in selectors.types_for_hall(hall=hall_obj, active_only=False)
    ]
    context = {
        "hall": hall_obj,
        "nav": _nav(request, hall_obj),
        "rows": rows,
        "form": form,
        "editing": instance,
    }
    return render_in_hall_time(request, "appointments/types.html", context, status=status)
