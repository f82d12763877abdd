"""Staff pages of credit purchases (PAY05): apply, the plan's page, the contract, review, overdue.

Views stay thin: they find the hall, customer or application through the
`*_get_for_user` selectors, call one service and render. A refused action
shows its message with its 4xx status; nothing is written.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import partial, wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from servicehall.billing.models import PaymentMethod
from servicehall.core.errors import ApplicationError, NotFound
from servicehall.core.htmx import render_in_hall_time
from servicehall.core.throttling import TooManyRequests, count_per_client
from servicehall.core.views import handles_application_errors, post_or_back_to
from servicehall.customers import selectors as customer_selectors
from servicehall.customers import services as customer_services
from servicehall.customers.models import CreditLevel
from servicehall.customers.panels import PanelRequest
from servicehall.customers.presentation import service_view
from servicehall.org.models import Hall
from servicehall.org.navigation import hall_offers, staff_nav
from servicehall.org.roles import Capability
from servicehall.org.selectors import default_hall_for_user, hall_get_for_user, user_capabilities

from . import forms, selectors, services
from .models import CreditApplication
from .presentation import application_row, customer_plan_view, party_view, rate_percent
from .states import REPAYABLE, CreditStatus

C = Capability
S = CreditStatus
TERMS = (3, 6, 12, 24)
# Attempts on the customer's schedule page per client address and minute.
SCHEDULE_LOOKUP_PER_MINUTE_DEFAULT = 10


def _nav(request: HttpRequest, hall: Hall, active: str) -> list[dict[str, Any]]:
    capabilities = frozenset(user_capabilities(user=request.user, hall=hall))
    return staff_nav(capabilities=capabilities, hall_code=hall.code, active=active)


def _base(request: HttpRequest, hall: Hall, screen: str) -> dict[str, Any]:
    return {"hall": hall, "nav": _nav(request, hall, screen), "screen": screen, "now": timezone.now()}


def _flash(kind: str, message: str) -> dict[str, str]:
    return {"kind": kind, "message": message}


def _int(raw: str, message: str) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError as exc:
        raise NotFound(message) from exc
    if not 0 < value < 2**63:
        raise NotFound(message)
    return value


# --- apply ------------------------------------------------------------------------------------------


def _term_rate_view(row: selectors.TermRates) -> dict[str, Any]:
    """One line of the apply page's fee table: the term, its rate and what set it, and a lower rate by amount."""
    base, better = row.any_amount, row.from_amount
    return {
        "months": row.months,
        "rate": rate_percent(base.rate),
        "source": base.offer.display_name if base.offer is not None else _("Standard rate"),
        "offer_code": base.offer.code if base.offer is not None else "",
        "better_rate": rate_percent(better.rate) if better is not None else "",
        "better_source": better.offer.display_name if better is not None else "",
        "better_min": row.min_amount,
    }


def _mobile_choices(mobiles: list[Any]) -> list[dict[str, Any]]:
    """The numbers to check: one that already has a plan is listed with why, and cannot be chosen."""
    with_plan = selectors.services_with_live_plan(services=mobiles)
    return [
        {
            **service_view(s),
            "has_plan": s.pk in with_plan,
            "why_not": _("a credit purchase is under way") if s.pk in with_plan else "",
        }
        for s in mobiles
    ]


def _apply_context(request: HttpRequest, hall: Hall, customer: Any, service: Any) -> dict[str, Any]:
    mobiles = list(selectors.mobile_services_for(customer=customer))
    eligibility = selectors.eligibility_for(hall=hall, customer=customer, service=service)
    context = _base(request, hall, "credit_apply")
    caps = user_capabilities(user=request.user, hall=hall)
    context.update(
        {
            "customer": customer,
            "mobiles": _mobile_choices(mobiles),
            "service": service,
            "eligibility": eligibility,
            "level": customer.credit_level,
            "level_display": customer.get_credit_level_display(),
            "levels": CreditLevel.choices,
            "min_level": selectors.min_credit_level(),
            "may_set_level": C.APPROVE_MONEY in caps,
            "terms": TERMS,
            "term_rates": [_term_rate_view(row) for row in selectors.fee_rates_by_term(hall=hall)],
            "min_tenure_months": selectors.min_tenure_months(),
            "plans": [
                application_row(a)
                for a in customer.credit_applications.filter(hall=hall).select_related(
                    "service", "applied_by", "customer", "fee_offer"
                )[:20]
            ],
        }
    )
    return context


def _first_offerable(mobiles: list[Any]) -> Any:
    """The number checked first: an active one without a plan under way, else any active one (shown refused)."""
    active = [s for s in mobiles if s.status == "active"]
    with_plan = selectors.services_with_live_plan(services=active)
    return next((s for s in active if s.pk not in with_plan), active[0] if active else None)


@login_required
@handles_application_errors
@never_cache
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """The eligibility of a customer and the application form: `?hall=<code>&customer=<id>[&service=<id>]`."""
    source = request.POST if request.method == "POST" else request.GET
    code = (source.get("hall") or "").strip()
    if not code:
        default = default_hall_for_user(user=request.user)
        code = default.code if default else ""
    hall = hall_get_for_user(user=request.user, code=code, capability=C.SERVE)
    customer_id = _int(source.get("customer", ""), _("There is no such customer."))
    if customer_id is None:
        raise NotFound(_("Choose a customer first."))
    customer = customer_selectors.customer_get_for_user(
        user=request.user, customer_id=customer_id, hall=hall, capability=C.SERVE
    )
    mobiles = list(selectors.mobile_services_for(customer=customer))
    service_id = _int(source.get("service", ""), _("There is no such service."))
    service = next((s for s in mobiles if s.pk == service_id), None)
    if service_id is not None and service is None:
        raise NotFound(_("There is no such service."))
    if service is None:
        service = _first_offerable(mobiles)
    status = 200
    form_error = ""
    reasons: list[dict[str, str]] = []
    if request.method == "POST":
        try:
            application = services.application_submit(
                hall=hall,
                actor=request.user,
                customer=customer,
                service=service,
                handset_name=request.POST.get("handset_name", ""),
                handset_price=request.POST.get("handset_price", ""),
                down_payment=request.POST.get("down_payment", ""),
                months=request.POST.get("months", ""),
            )
        except ApplicationError as exc:
            form_error, status = str(exc.message), exc.status_code
            reasons = exc.extra.get("reasons", [])
        else:
            return redirect(reverse("credit:application", kwargs={"application_id": application.pk}))
    context = _apply_context(request, hall, customer, service)
    context.update({"form_error": form_error, "refusal_reasons": reasons, "posted": request.POST})
    return render_in_hall_time(request, "credit/apply.html", context, status=status)


@login_required
@handles_application_errors
@require_POST
def level_set(request: HttpRequest) -> HttpResponse:
    hall = hall_get_for_user(user=request.user, code=request.POST.get("hall", ""), capability=C.APPROVE_MONEY)
    customer_id = _int(request.POST.get("customer", ""), _("There is no such customer.")) or 0
    customer = customer_selectors.customer_get_for_user(
        user=request.user, customer_id=customer_id, hall=hall, capability=C.APPROVE_MONEY
    )
    customer_services.customer_set_credit_level(
        customer=customer, level=request.POST.get("level", ""), actor=request.user, hall=hall
    )
    return redirect(f"{reverse('credit:apply')}?hall={hall.code}&customer={customer.pk}")


# --- the plan's page ------------------------------------------------------------------------------


def _application_context(request: HttpRequest, application: CreditApplication) -> dict[str, Any]:
    hall = application.hall
    caps = user_capabilities(user=request.user, hall=hall)
    today = hall.local_date()
    installments = list(application.installments.all())
    repayable = application.status in REPAYABLE
    context = _base(request, hall, "credit_application")
    context.update(
        {
            "application": application,
            "row": application_row(application),
            "party": party_view(application),
            "schedule": selectors.schedule_rows(application=application, today=today),
            "history": list(application.history.all()),
            "repayments": list(application.repayments.all()),
            "outstanding": selectors.outstanding_total(application=application),
            "next_due": selectors.next_due_installment(application=application),
            "early": selectors.early_repayment_quote(application=application, installments=installments, today=today)
            if repayable
            else None,
            "repayable": repayable,
            "can_serve": C.SERVE in caps,
            "methods": PaymentMethod.choices,
            "pay_key": uuid.uuid4().hex,
            "statuses": S,
        }
    )
    return context


@login_required
@handles_application_errors
@never_cache
@require_GET
def application(request: HttpRequest, application_id: int) -> HttpResponse:
    app = selectors.application_get_for_user(user=request.user, application_id=application_id, capability=C.VIEW_HALL)
    return render_in_hall_time(request, "credit/application.html", _application_context(request, app))


def _sign(request: HttpRequest, app: CreditApplication) -> str:
    services.application_sign(application=app, actor=request.user)
    return _("The contract is signed; the installment schedule starts today.")


def _activate(request: HttpRequest, app: CreditApplication) -> str:
    services.application_activate(application=app, actor=request.user)
    return _("The handset was handed over; the plan runs.")


def _cancel(request: HttpRequest, app: CreditApplication) -> str:
    services.application_cancel(application=app, actor=request.user, reason=request.POST.get("reason", ""))
    return _("The application is cancelled.")


def _pay(request: HttpRequest, app: CreditApplication, *, early: bool) -> str:
    payment, _created = services.installment_pay(
        application=app,
        actor=request.user,
        method=request.POST.get("method", ""),
        amount=request.POST.get("amount", ""),
        tendered=request.POST.get("tendered") or None,
        idempotency_key=request.POST.get("key", ""),
        early=early,
        pos_reference=request.POST.get("pos_reference", ""),
    )
    if payment.status == "pending":
        return _("Show the customer the QR code; the installments are booked when the payment arrives.")
    receipt = getattr(payment, "receipt", None)
    number = receipt.number if receipt is not None else ""
    if payment.change:
        return _("Paid %(amount)s yuan, change %(change)s yuan. Receipt %(receipt)s.") % {
            "amount": payment.amount,
            "change": payment.change,
            "receipt": number,
        }
    return _("Paid %(amount)s yuan. Receipt %(receipt)s.") % {"amount": payment.amount, "receipt": number}


def _application_action(handler: Callable[[HttpRequest, CreditApplication], str]) -> Callable[..., HttpResponse]:
    """The view of one action on an application: run it, answer with the application's page and the outcome."""

    @login_required
    @handles_application_errors
    @post_or_back_to("credit:application", kwargs=("application_id",))
    @wraps(handler)
    def view(request: HttpRequest, application_id: int) -> HttpResponse:
        app = selectors.application_get_for_user(user=request.user, application_id=application_id, capability=C.SERVE)
        try:
            flash, status = _flash("success", handler(request, app)), 200
        except ApplicationError as exc:
            flash, status = _flash("error", str(exc.message)), exc.status_code
        app = selectors.application_get_for_user(user=request.user, application_id=application_id, capability=C.SERVE)
        context = _application_context(request, app)
        context["flash"] = flash
        return render_in_hall_time(request, "credit/application.html", context, status=status)

    return view


# One URL and one view per action on an application.
sign = _application_action(_sign)
activate = _application_action(_activate)
cancel = _application_action(_cancel)
pay_installment = _application_action(partial(_pay, early=False))
pay_early = _application_action(partial(_pay, early=True))


@login_required
@handles_application_errors
@never_cache
@require_GET
def contract(request: HttpRequest, application_id: int) -> HttpResponse:
    app = selectors.application_get_for_user(user=request.user, application_id=application_id, capability=C.SERVE)
    context = _application_context(request, app)
    # Where the customer looks the schedule up with the plan number and this code (printed on the contract).
    context["schedule_lookup_url"] = request.build_absolute_uri(reverse("credit:schedule_lookup"))
    return render_in_hall_time(request, "credit/contract.html", context)


# --- the duty manager -----------------------------------------------------------------------------


def _review_context(request: HttpRequest, hall: Hall) -> dict[str, Any]:
    context = _base(request, hall, "credit_review")
    context.update(
        {
            "rows": [
                {**application_row(a), "own": a.applied_by_id == request.user.pk}
                for a in selectors.applications_to_review(hall=hall)
            ],
            "recent": [application_row(a) for a in selectors.applications_recent(hall=hall)],
        }
    )
    return context


@login_required
@handles_application_errors
@never_cache
@require_GET
def applications(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=C.APPROVE_MONEY)
    return render_in_hall_time(request, "credit/applications.html", _review_context(request, hall_obj))


@login_required
@handles_application_errors
@post_or_back_to("credit:applications", kwargs=("hall",))
def review(request: HttpRequest, hall: str, application_id: int) -> HttpResponse:
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=C.APPROVE_MONEY)
    app = selectors.application_get_for_user(
        user=request.user, application_id=application_id, capability=C.APPROVE_MONEY
    )
    if app.hall_id != hall_obj.pk:
        raise NotFound(_("There is no such credit application."))
    decision = request.POST.get("decision", "")
    try:
        if decision not in ("approve", "reject"):
            raise NotFound(_("Choose approve or reject."))
        services.application_review(
            application=app, actor=request.user, approve=decision == "approve", note=request.POST.get("note", "")
        )
        message = (
            _("Application %(number)s approved.") if decision == "approve" else _("Application %(number)s rejected.")
        )
        flash, status = _flash("success", message % {"number": app.number}), 200
    except ApplicationError as exc:
        flash, status = _flash("error", str(exc.message)), exc.status_code
    context = _review_context(request, hall_obj)
    context["flash"] = flash
    return render_in_hall_time(request, "credit/applications.html", context, status=status)


@login_required
@handles_application_errors
@never_cache
@require_GET
def overdue(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=C.VIEW_HALL)
    context = _base(request, hall_obj, "credit_overdue")
    context["rows"] = [
        {
            "application": application_row(row.application),
            "number": row.installment.number,
            "due_date": row.installment.due_date,
            "amount": row.installment.amount,
            "outstanding": row.outstanding,
            "days_late": row.days_late,
        }
        for row in selectors.overdue_installments(hall=hall_obj)
    ]
    return render_in_hall_time(request, "credit/overdue.html", context)


# --- the customer's schedule page (no login) ---------------------------------------------------------


def _throttle_schedule_lookup(request: HttpRequest) -> None:
    """Refuse (429) a client past the limit of lookups in the current minute (guessing codes)."""
    limit = int(getattr(settings, "SCHEDULE_LOOKUP_PER_MINUTE", SCHEDULE_LOOKUP_PER_MINUTE_DEFAULT))
    message = _("Too many attempts in the last minute. Please wait a moment and try again.")
    count_per_client(request, scope="credit-schedule-lookup", limit=limit, message=message)


@never_cache
@require_http_methods(["GET", "POST"])
def schedule_lookup(request: HttpRequest) -> HttpResponse:
    """The customer enters the plan number and the schedule code and sees the plan and its schedule, masked.

    POST only for a lookup, so the code never sits in a URL or a log line. A wrong number, a wrong
    code and a plan that is not (or no longer) signed answer the same 404 message.
    """
    form = forms.ScheduleLookupForm(request.POST if request.method == "POST" else None)
    template = "credit/schedule_lookup.html"
    if request.method != "POST":
        return render(request, template, {"form": form})
    try:
        _throttle_schedule_lookup(request)
    except TooManyRequests as exc:
        form.add_error(None, str(exc.message))
        return render(request, template, {"form": form}, status=exc.status_code)
    application = (
        selectors.application_for_schedule_lookup(number=form.cleaned_data["number"], code=form.cleaned_data["code"])
        if form.is_valid()
        else None
    )
    if application is None:
        form.add_error(None, _("No plan matches this number and code. Check both and try again."))
        return render(request, template, {"form": form}, status=404)
    hall = application.hall
    plan = customer_plan_view(application, today=hall.local_date())
    with timezone.override(hall.tz):
        return render(request, template, {"form": forms.ScheduleLookupForm(), "plan": plan, "hall_name": hall.name})


def customer_panel_context(panel: PanelRequest) -> dict[str, Any]:
    """The credit plans on a customer's page and, for staff who serve in a hall that sells handsets on
    credit, the link to apply (a gas hall's customers are not offered one, issue 10)."""
    apply_url = ""
    if panel.can_serve and hall_offers(packs=panel.hall.packs, feature="credit_purchase"):
        query = urlencode({"hall": panel.hall.code, "customer": panel.customer.pk})
        apply_url = f"{reverse('credit:apply')}?{query}"
    return {"credit_plans": selectors.plans_for_customer(customer=panel.customer), "credit_apply_url": apply_url}
