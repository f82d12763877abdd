"""The opinion book (意见簿, CARE06): the customer writes from the QR code in the hall and reads the answer by
code; staff transcribe the paper book and answer within a working day."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from servicehall.core.actors import Actor
from servicehall.core.errors import ApplicationError
from servicehall.core.htmx import render_in_hall_time
from servicehall.core.throttling import count_per_client
from servicehall.core.views import handles_application_errors, post_or_back_to
from servicehall.org.models import Hall
from servicehall.org.navigation import staff_nav
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get, hall_get_for_user, user_can, user_capabilities

from . import selectors, services
from .models import OpinionEntry

C = Capability
# Who may write down what a customer wrote in the paper book, and who answers.
TRANSCRIBE = (C.SERVE, C.GUIDE, C.HANDLE_CARE)


def _form(request: HttpRequest) -> dict[str, str]:
    return {name: request.POST.get(name, "") for name in ("text", "contact_name", "contact_phone")}


def _write(hall: Hall, form: dict[str, str], actor: Actor = None) -> OpinionEntry:
    return services.opinion_write(
        hall=hall,
        text=form["text"],
        contact_name=form["contact_name"],
        contact_phone=form["contact_phone"],
        actor=actor,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@handles_application_errors
def write(request: HttpRequest, hall: str) -> HttpResponse:
    """The customer's page (QR code in the hall, no sign-in): write an opinion, keep the code for the answer."""
    hall_obj = hall_get(code=hall)
    form = _form(request)
    context = {"hall": hall_obj, "form": form, "error": ""}
    if request.method == "POST":
        count_per_client(
            request,
            scope="care-opinion",
            limit=settings.CARE_OPINION_PER_MINUTE,
            message=_("Too many entries were written from here in the last minute. Please wait a moment."),
        )
        try:
            entry = _write(hall_obj, form)
        except ApplicationError as exc:
            context["error"] = str(exc.message)
            return render(request, "care/opinion_write.html", context, status=exc.status_code)
        return redirect(reverse("care:opinion_read", kwargs={"code": entry.code}) + "?new=1")
    return render(request, "care/opinion_write.html", context)


@never_cache
@require_GET
@handles_application_errors
def read(request: HttpRequest, code: str) -> HttpResponse:
    """The customer reads their entry and the hall's answer with the entry's code."""
    entry = selectors.opinion_by_code(code=code)
    context = {"hall": entry.hall, "entry": entry, "new": request.GET.get("new") == "1"}
    return render_in_hall_time(request, "care/opinion_read.html", context)


@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    """The form on the thank-you page and the hall's poster: a code typed in → its entry."""
    code = request.GET.get("code", "").strip().upper()
    if not code:
        return render(request, "care/opinion_lookup.html", {"error": ""})
    if not code.isalnum():
        return render(
            request, "care/opinion_lookup.html", {"error": _("No entry has this code. Please check it.")}, status=404
        )
    return redirect(reverse("care:opinion_read", kwargs={"code": code}))


@login_required
@handles_application_errors
@never_cache
@require_GET
def book(request: HttpRequest, hall: str) -> HttpResponse:
    """The hall's opinion book: entries waiting for an answer (overdue ones marked), then the answered."""
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=C.VIEW_HALL)
    capabilities = frozenset(user_capabilities(user=request.user, hall=hall_obj))
    context = {
        "hall": hall_obj,
        "nav": staff_nav(capabilities=capabilities, hall_code=hall_obj.code, active="opinions"),
        "rows": selectors.opinion_rows(hall=hall_obj),
        "overdue": selectors.opinions_overdue(hall=hall_obj),
        "can_answer": C.HANDLE_CARE in capabilities,
        "can_transcribe": bool(capabilities & set(TRANSCRIBE)),
        "form": _form(request),
        "now": timezone.now(),
    }
    return render_in_hall_time(request, "care/opinion_book.html", context)


@login_required
@handles_application_errors
@post_or_back_to("care:opinions", kwargs=("hall",))
def transcribe(request: HttpRequest, hall: str) -> HttpResponse:
    """Staff write down an entry of the paper book; it gets its code and due time like any other."""
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=C.VIEW_HALL)
    if not any(user_can(user=request.user, hall=hall_obj, capability=c) for c in TRANSCRIBE):
        messages.error(request, _("Your role may not write in the opinion book."))
        return redirect(reverse("care:opinions", kwargs={"hall": hall_obj.code}))
    try:
        entry = _write(hall_obj, _form(request), actor=request.user)
        messages.success(request, _("Entry %(code)s is in the book.") % {"code": entry.code})
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect(reverse("care:opinions", kwargs={"hall": hall_obj.code}))


@login_required
@handles_application_errors
@post_or_back_to("care:opinions", kwargs=("hall",))
def answer(request: HttpRequest, hall: str, entry: int) -> HttpResponse:
    """The duty or service manager's answer to one entry."""
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=C.HANDLE_CARE)
    found = selectors.opinion_get(hall=hall_obj, entry_id=entry)
    try:
        services.opinion_answer(entry=found, actor=request.user, answer=request.POST.get("answer", ""))
        messages.success(request, _("Entry %(code)s is answered.") % {"code": found.code})
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect(reverse("care:opinions", kwargs={"hall": hall_obj.code}))
