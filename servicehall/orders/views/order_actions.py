"""Actions on an order (POSTs): each runs one service and answers with the order's panel."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.catalog import selectors as catalog_selectors
from servicehall.core.errors import ApplicationError, Unprocessable
from servicehall.core.views import handles_application_errors, post_or_back_to

from .. import forms, selectors, services
from ..extensions import OrderAction
from ..models import RecommendationOutcome, WorkOrder
from ._common import (
    C,
    _flash,
    _holder_words,
    _run,
)
from .order_page import _render_order


def _posted_person(request: HttpRequest, order: WorkOrder) -> Any:
    form = forms.PersonForm(request.POST)
    if not form.is_valid():
        raise Unprocessable(_("Enter the customer's number, e.g. 123."), code="bad_customer")
    return selectors.customer_for_order(user=request.user, hall=order.hall, customer_id=form.cleaned_data["person"])


def _act_advance(request: HttpRequest, order: WorkOrder) -> str:
    form = forms.AdvanceForm(request.POST)
    if not form.is_valid():
        raise Unprocessable(_("Choose the step to go to."), code="bad_step")
    moved = services.order_advance(
        order=order, to=form.cleaned_data["to"], actor=request.user, note=form.cleaned_data["note"]
    )
    return _("The order is now at %(step)s.") % {"step": moved.get_status_display()}


def _reason(request: HttpRequest) -> str:
    form = forms.ReasonForm(request.POST)
    return form.cleaned_data["reason"] if form.is_valid() else ""


def _act_withdraw(request: HttpRequest, order: WorkOrder) -> str:
    services.order_withdraw(order=order, actor=request.user, reason=_reason(request))
    return _("The customer withdrew the order.")


def _act_revert(request: HttpRequest, order: WorkOrder) -> str:
    services.order_revert(order=order, actor=request.user, reason=_reason(request))
    return _("The business was reverted.")


def _act_customer(request: HttpRequest, order: WorkOrder) -> str:
    form = forms.PersonForm(request.POST)
    if not form.is_valid():
        raise Unprocessable(_("Enter the customer's number, e.g. 123."), code="bad_customer")
    customer = selectors.customer_for_order(
        user=request.user, hall=order.hall, customer_id=form.cleaned_data["person"] or order.customer_id
    )
    service = selectors.service_for_order(hall=order.hall, service_id=form.cleaned_data["service"])
    services.order_set_customer(order=order, actor=request.user, customer=customer, service=service)
    return _("The customer of the order was saved.")


def _act_proxy(request: HttpRequest, order: WorkOrder) -> str:
    proxy = _posted_person(request, order)
    services.order_set_proxy(order=order, actor=request.user, proxy=proxy)
    return _("The proxy was saved.") if proxy else _("The %(holder)s is here in person.") % _holder_words(order)


def _act_authorisation(request: HttpRequest, order: WorkOrder) -> str:
    services.order_record_authorisation(order=order, actor=request.user)
    return _("The signed authorisation was recorded.")


def _act_counterparty(request: HttpRequest, order: WorkOrder) -> str:
    counterparty = _posted_person(request, order)
    services.order_set_counterparty(order=order, actor=request.user, counterparty=counterparty)
    return _("The new %(holder)s was saved.") % _holder_words(order)


def _act_identity(request: HttpRequest, order: WorkOrder) -> str:
    form = forms.IdentityForm(request.POST)
    if not form.is_valid():
        raise Unprocessable(_("Choose the document, whose it is and how it was checked."), code="bad_identity")
    document = selectors.id_document_for_order(order=order, document_id=form.cleaned_data["document"])
    services.order_identity_check(
        order=order,
        actor=request.user,
        document=document,
        party=form.cleaned_data["party"],
        method=form.cleaned_data["method"],
    )
    return _("The identity check was recorded.")


def _act_seen(request: HttpRequest, order: WorkOrder) -> str:
    form = forms.SeenForm(request.POST)
    if not form.is_valid():
        raise Unprocessable(_("Choose a document."), code="bad_document")
    document = services.order_document_seen(
        order=order, code=form.cleaned_data["code"], actor=request.user, seen=form.cleaned_data["seen"]
    )
    if document.seen:
        return _("%(document)s: seen.") % {"document": document.display_name}
    return _("%(document)s: not seen.") % {"document": document.display_name}


def _act_upload(request: HttpRequest, order: WorkOrder) -> str:
    form = forms.UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        raise Unprocessable(_("Choose a file to keep with the order."), code="file_missing")
    document = services.order_document_upload(
        order=order, code=form.cleaned_data["code"], actor=request.user, upload=form.cleaned_data["file"]
    )
    return _("The scan of %(document)s is kept with the order.") % {"document": document.display_name}


def _act_fraud(request: HttpRequest, order: WorkOrder) -> str:
    questions = selectors.fraud_questions(business=order.business_type)
    answers = {q.code: request.POST.get(f"q_{q.code}", "") for q in questions}
    note = request.POST.get("override_note", "")[: services.NOTE_MAX]
    updated = services.order_record_fraud_check(order=order, actor=request.user, answers=answers, override_note=note)
    if updated.fraud_unsafe and not updated.fraud_override_note:
        return _("An answer points to fraud: stop, or write down why it is safe to go on.")
    return _("The anti-fraud checklist was recorded.")


def _act_confirm(request: HttpRequest, order: WorkOrder) -> str:
    form = forms.ConfirmForm(request.POST)
    if not form.is_valid():
        raise Unprocessable(_("Choose how the customer confirms."), code="bad_method")
    services.order_confirm(
        order=order, actor=request.user, method=form.cleaned_data["method"], signature=form.cleaned_data["signature"]
    )
    return _("The customer confirmed the order.")


def _act_recommend(request: HttpRequest, order: WorkOrder) -> str:
    form = forms.RecommendForm(request.POST)
    if not form.is_valid():
        raise Unprocessable(_("Choose accepted, declined or later."), code="bad_outcome")
    business = catalog_selectors.business_type_get(hall=order.hall, code=form.cleaned_data["business_type"])
    record = services.order_record_recommendation(
        order=order, actor=request.user, business_type=business, outcome=form.cleaned_data["outcome"]
    )
    if record.outcome == RecommendationOutcome.DECLINED:
        return _("Recorded. Thank the customer for listening.")
    return _("Recorded.")


def _act_review(request: HttpRequest, order: WorkOrder) -> str:
    form = forms.ReviewForm(request.POST)
    if not form.is_valid():
        raise Unprocessable(_("Approve or reject the order."), code="bad_decision")
    approve = form.cleaned_data["decision"] == "approve"
    services.order_review(order=order, actor=request.user, approve=approve, reason=form.cleaned_data["reason"])
    message = _("Order %(number)s approved.") if approve else _("Order %(number)s rejected.")
    return message % {"number": order.number}


def _act_work_done(request: HttpRequest, order: WorkOrder) -> str:
    services.order_mark_work_done(order=order, actor=request.user)
    return _("The outstanding work is done.")


def order_action(handler: OrderAction, *, capability: str = C.SERVE) -> Callable[..., HttpResponse]:
    """The view of one action on an order: find the order for a user who may do it, run the action, and answer
    with the order's panel and the outcome (a refusal with its message and 4xx). Billing builds its money
    actions on the order page with it too."""

    @login_required
    @handles_application_errors
    @post_or_back_to("orders:detail", kwargs=("order_id",))
    @wraps(handler)
    def view(request: HttpRequest, order_id: int) -> HttpResponse:
        order = selectors.order_get_for_user(user=request.user, order_id=order_id, capability=capability)
        flash, status = _run(lambda: handler(request, order))
        return _render_order(request, order, flash=flash, status=status)

    return view


# One URL and one view per action (orders.urls mounts each under its own name).
advance = order_action(_act_advance)
withdraw = order_action(_act_withdraw)
revert = order_action(_act_revert)
set_customer = order_action(_act_customer)
set_proxy = order_action(_act_proxy)
record_authorisation = order_action(_act_authorisation)
set_counterparty = order_action(_act_counterparty)
check_identity = order_action(_act_identity)
document_seen = order_action(_act_seen)
document_upload = order_action(_act_upload)
fraud_check = order_action(_act_fraud)
confirm = order_action(_act_confirm)
recommend = order_action(_act_recommend)
review_order = order_action(_act_review, capability=C.MANAGE_QUEUE)
work_done = order_action(_act_work_done)


@login_required
@handles_application_errors
@post_or_back_to("orders:detail", kwargs=("order_id",))
def save_details(request: HttpRequest, order_id: int) -> HttpResponse:
    """The business inputs from the business type's form; a bad input comes back beside its field (422)."""
    order = selectors.order_get_for_user(user=request.user, order_id=order_id, capability=C.SERVE)
    if not selectors.details_editable(order):
        flash, status = _run(lambda: _save_details(request, order))  # the service says why it is too late
        return _render_order(request, order, flash=flash, status=status)
    posted = selectors.details_posted(order=order, data=request.POST)
    with timezone.override(order.hall.tz):
        form = selectors.order_details_form(order=order, data=posted)
        valid = form is not None and form.is_valid()
    if form is None:
        message = _("This business takes no details on this page.")
        return _render_order(request, order, flash=_flash("error", message), status=422)
    if not valid:
        return _render_order(
            request,
            order,
            flash=_flash("error", str(selectors.form_refusal(form).message)),
            status=422,
            details_form=form,
        )
    flash, status = _run(lambda: _save_details(request, order, posted))
    return _render_order(request, order, flash=flash, status=status, details_form=form if status != 200 else None)


@login_required
@handles_application_errors
@post_or_back_to("orders:detail", kwargs=("order_id",))
def hold_number(request: HttpRequest, order_id: int) -> HttpResponse:
    """BT01: hold the pool number the clerk just chose for this order (JSON for the page's script)."""
    order = selectors.order_get_for_user(user=request.user, order_id=order_id, capability=C.SERVE)
    try:
        entry = services.order_hold_number(order=order, actor=request.user, number=request.POST.get("number", ""))
    except ApplicationError as exc:
        return JsonResponse({"code": exc.code, "message": str(exc.message)}, status=exc.status_code)
    message = _("Number %(number)s is held for this order.") % {"number": entry.number}
    return JsonResponse({"number": entry.number, "message": message})


def _save_details(request: HttpRequest, order: WorkOrder, data: Any = None) -> str:
    services.order_set_details(order=order, actor=request.user, data=request.POST if data is None else data)
    return _("The business details were saved.")
