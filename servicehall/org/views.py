"""The pages of halls and staff: the landing page (public screens for visitors, each role's screen for staff),
the hall administrator's list of accounts locked by failed sign-ins (PRIV04), and the second factor at sign-in:
the code, the enrolment and the hall administrator's reset (ASVS V6)."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from servicehall.core.errors import ApplicationError
from servicehall.core.htmx import render_in_hall_time
from servicehall.core.views import handles_application_errors, render_error

from . import calendar, second_factor, sign_in
from .models import HallClosedDay
from .navigation import landing_url, staff_nav
from .presentation import outbox_rows
from .roles import Capability
from .selectors import (
    default_hall_for_user,
    hall_get_for_user,
    hall_outbox,
    memberships_for_user,
    public_halls,
    user_capabilities,
)


def home(request: HttpRequest) -> HttpResponse:
    """Visitors see the halls' public screens; staff go to the screen of their role."""
    if not request.user.is_authenticated:
        return render(request, "org/landing.html", {"halls": public_halls()})
    hall = default_hall_for_user(user=request.user)
    if hall is None:
        return render_error(
            request, status=403, message=_("Your account has no role in any hall yet. Ask your hall administrator.")
        )
    # Every role lands on a screen with the top bar (menu, sign-out); the board is one of its links (issue 10).
    roles = {m.role for m in memberships_for_user(user=request.user) if m.hall_id == hall.pk}
    target = landing_url(
        roles=roles,
        capabilities=user_capabilities(user=request.user, hall=hall),
        hall_code=hall.code,
        packs=hall.packs,
    )
    if target is None:
        return redirect("queueing:board", hall=hall.code)
    return redirect(target)


@login_required
@never_cache
@handles_application_errors
@require_http_methods(["GET", "POST"])
def sign_in_locks(request: HttpRequest, hall: str) -> HttpResponse:
    """The hall administrator's list of the hall's staff locked out by failed sign-ins, each with "Unlock" (PRIV04)."""
    found_hall = hall_get_for_user(user=request.user, code=hall, capability=Capability.ADMINISTER)
    if request.method == "POST":
        user_id = request.POST.get("user", "")
        if not user_id.isdigit():
            return render_error(request, status=400, message=_("Choose the account to unlock."))
        sign_in.sign_in_unlock(actor=request.user, hall=found_hall, user_id=int(user_id))
        messages.success(request, _("The account is unlocked and may sign in again."))
        return redirect("sign_in_locks", hall=found_hall.code)
    capabilities = user_capabilities(user=request.user, hall=found_hall)
    context = {
        "hall": found_hall,
        "nav": staff_nav(capabilities=capabilities, hall_code=found_hall.code, active="sign_in_locks"),
        "locked": sign_in.locked_accounts(hall=found_hall),
    }
    return render(request, "org/sign_in_locks.html", context)


@login_required
@never_cache
@handles_application_errors
@require_http_methods(["GET"])
def outbox(request: HttpRequest, hall: str) -> HttpResponse:
    """The hall's text messages to customers, newest first, phones masked: with the default `SMS_BACKEND` nothing
    leaves the server and this is where the demo reads the one-time codes (APT01)."""
    found_hall = hall_get_for_user(user=request.user, code=hall, capability=Capability.MANAGE_QUEUE)
    capabilities = user_capabilities(user=request.user, hall=found_hall)
    context = {
        "hall": found_hall,
        "nav": staff_nav(capabilities=capabilities, hall_code=found_hall.code, active="outbox"),
        "rows": outbox_rows(hall_outbox(hall=found_hall)),
    }
    return render_in_hall_time(request, "org/outbox.html", context)


@login_required
@never_cache
@handles_application_errors
@require_http_methods(["GET", "POST"])
def closed_days(request: HttpRequest, hall: str) -> HttpResponse:
    """The hall administrator's calendar: the holidays and blackout days ahead, adding and removing one (APT01)."""
    found_hall = hall_get_for_user(user=request.user, code=hall, capability=Capability.ADMINISTER)
    form = {name: request.POST.get(name, "") for name in ("date", "kind", "reason")}
    error, status = "", 200
    if request.method == "POST":
        try:
            if request.POST.get("remove"):
                calendar.closed_day_remove(actor=request.user, hall=found_hall, closed_day_id=request.POST["remove"])
                messages.success(request, _("The hall opens again on that day."))
            else:
                added = calendar.closed_day_add(
                    actor=request.user, hall=found_hall, day=form["date"], kind=form["kind"], reason=form["reason"]
                )
                messages.success(request, _("The hall is closed on %(day)s.") % {"day": f"{added.date:%Y-%m-%d}"})
        except ApplicationError as exc:
            error, status = str(exc.message), exc.status_code
        else:
            return redirect("closed_days", hall=found_hall.code)
    capabilities = user_capabilities(user=request.user, hall=found_hall)
    context = {
        "hall": found_hall,
        "nav": staff_nav(capabilities=capabilities, hall_code=found_hall.code, active="closed_days"),
        "days": calendar.closed_days_ahead(hall=found_hall, since=found_hall.local_date()),
        "kinds": HallClosedDay.Kind.choices,
        "form": form,
        "error": error,
    }
    return render(request, "org/closed_days.html", context, status=status)


# --- the second factor (ASVS V6, issue 18) --------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def second_factor_verify(request: HttpRequest) -> HttpResponse:
    """After the password: the 6-digit code of the authenticator app, or a recovery code."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    next_url = second_factor.safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    if second_factor.is_verified(request) or not second_factor.second_factor_needed(user=request.user):
        return redirect(next_url)
    if not second_factor.has_second_factor(user=request.user):
        return redirect(f"{reverse('second_factor_enrol')}?next={quote(next_url)}")
    error, status = "", 200
    if request.method == "POST":
        outcome = second_factor.second_factor_verify(request=request, code=request.POST.get("code", ""))
        if outcome.locked:
            # django-axes' middleware answers with the sign-in page and the lockout message.
            return redirect("login")
        if outcome.verified:
            if outcome.recovery_codes_left is not None:
                messages.warning(
                    request,
                    _(
                        "You signed in with a recovery code; %(left)s are left. Ask your hall administrator to "
                        "reset your second factor if you have lost your phone."
                    )
                    % {"left": outcome.recovery_codes_left},
                )
            return redirect(next_url)
        if outcome.held_back:
            error, status = _("Too many wrong codes in a row. Wait a few seconds and try again."), 429
        else:
            error, status = _("That code is not right. Type the 6 digits your app shows now, or a recovery code."), 400
    return render(request, "registration/second_factor_verify.html", {"error": error, "next": next_url}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def second_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: a new secret (QR code and text) shown once, confirmed with its first code;
    then the recovery codes, shown once to print."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    next_url = second_factor.safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    if second_factor.has_second_factor(user=request.user):
        return redirect(f"{reverse('second_factor_verify')}?next={quote(next_url)}")
    error, status = "", 200
    device = None
    if request.method == "POST":
        device_id = request.session.get(second_factor.ENROLLING_SESSION_KEY)
        try:
            confirmed, codes = second_factor.enrolment_confirm(
                actor=request.user, user=request.user, device_id=device_id, code=request.POST.get("code", "")
            )
        except ApplicationError as exc:
            error, status = str(exc.message), exc.status_code
            device = second_factor.enrolling_device(user=request.user, device_id=device_id)
        else:
            request.session.pop(second_factor.ENROLLING_SESSION_KEY, None)
            second_factor.session_mark_verified(request, confirmed)
            shown = {"codes": [second_factor.recovery_code_shown(code) for code in codes], "next": next_url}
            return render(request, "registration/second_factor_codes.html", shown)
    if device is None:
        device = second_factor.enrolment_start(user=request.user)
        request.session[second_factor.ENROLLING_SESSION_KEY] = device.pk
    context = {"enrolment": second_factor.enrolment_show(device=device), "error": error, "next": next_url}
    return render(request, "registration/second_factor_enrol.html", context, status=status)


@login_required
@never_cache
@handles_application_errors
@require_http_methods(["GET", "POST"])
def second_factor_staff(request: HttpRequest, hall: str) -> HttpResponse:
    """The hall administrator's list of the hall's staff and their second factor, each with "Reset" (ASVS V6)."""
    found_hall = hall_get_for_user(user=request.user, code=hall, capability=Capability.ADMINISTER)
    if request.method == "POST":
        user_id = request.POST.get("user", "")
        if not user_id.isdigit():
            return render_error(request, status=400, message=_("Choose the staff member whose second factor to reset."))
        second_factor.second_factor_reset(actor=request.user, hall=found_hall, user_id=int(user_id))
        messages.success(
            request, _("The second factor is reset. The staff member sets it up again at the next sign-in.")
        )
        return redirect("second_factor_staff", hall=found_hall.code)
    capabilities = user_capabilities(user=request.user, hall=found_hall)
    context = {
        "hall": found_hall,
        "nav": staff_nav(capabilities=capabilities, hall_code=found_hall.code, active="second_factor_staff"),
        "rows": second_factor.hall_staff_factors(hall=found_hall),
    }
    return render_in_hall_time(request, "org/second_factor_staff.html", context)
