"""Staff pages of work orders: start an order, walk it through the steps, the duty manager's lists, the archive.

Views stay thin: they find the hall or the order through the `*_get_for_user`
selectors, call one service, and render. Actions on an order are POSTs (htmx
or plain forms); each answers with the order's panel, a refused one with its
message and its 4xx status. While an order waits for review its panel polls,
so the clerk sees the duty manager's answer within seconds.
"""

from __future__ import annotations

import io
import itertools
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms as dj_forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from servicehall.catalog import selectors as catalog_selectors
from servicehall.core.dates import moment_in_range
from servicehall.core.errors import ApplicationError, NotFound, Unprocessable
from servicehall.core.exports import write_row
from servicehall.core.masking import mask_phone
from servicehall.core.navigation import staff_nav
from servicehall.core.services import audit_record
from servicehall.core.views import handles_application_errors
from servicehall.org.models import Hall
from servicehall.org.presentation import staff_name
from servicehall.org.roles import Capability
from servicehall.org.selectors import default_hall_for_user, hall_get_for_user, user_capabilities

from . import forms, jobs, payment_panel, selectors, services
from .models import JOB_OPEN_STATUSES, InstallationJob, RecommendationOutcome, WorkOrder
from .presentation import order_row, order_view, person_view, service_view
from .states import BEFORE_PROCESSING, MAIN_LINE, PROCESSED, UP_TO_ACCEPTANCE, OrderStatus

S = OrderStatus
C = Capability
EXPORT_LIMIT = 5000
ARCHIVE_PAGE = 100


# --- small helpers ---------------------------------------------------------------------------


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _flash(kind: str, message: str) -> dict[str, str]:
    return {"kind": kind, "message": message}


def _run(action: Callable[[], str]) -> tuple[dict[str, str], int]:
    """Run one service call; a refusal becomes an error flash with its 4xx status."""
    try:
        return _flash("success", action()), 200
    except ApplicationError as exc:
        return _flash("error", str(exc.message)), exc.status_code


def _nav(request: HttpRequest, hall: Hall, active: str) -> list[dict[str, Any]]:
    capabilities = frozenset(user_capabilities(user=request.user, hall=hall))
    return staff_nav(capabilities=capabilities, hall_code=hall.code, active=active)


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    """Times are shown in the hall's own time zone."""
    with timezone.override(context["hall"].tz):
        return render(request, template, context, status=status)


def _base_context(request: HttpRequest, hall: Hall, screen: str) -> dict[str, Any]:
    return {"hall": hall, "nav": _nav(request, hall, screen), "screen": screen, "now": timezone.now()}


def _hall(request: HttpRequest, code: str, capability: str) -> Hall:
    return hall_get_for_user(user=request.user, code=code, capability=capability)


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if _is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _uuid_or_none(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw) if raw else None
    except ValueError as exc:
        raise NotFound(_("There is no such ticket.")) from exc


def _int_or_none(raw: str, message: str) -> int | None:
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError as exc:
        raise NotFound(message) from exc
    if not 0 < value < 2**63:
        raise NotFound(message)
    return value


# --- start an order -----------------------------------------------------------------------------


def _business_groups(hall: Hall) -> list[dict[str, Any]]:
    types = catalog_selectors.business_types_for_hall(hall=hall)
    return [
        {"category": group[0].category, "types": group}
        for group in (list(g) for _key, g in itertools.groupby(types, key=lambda b: b.category_id))
    ]


@login_required
@handles_application_errors
@never_cache
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """Start an order: `?hall=<code>&customer=<id>&ticket=<uuid>` (customer and ticket optional)."""
    source = request.POST if request.method == "POST" else request.GET
    code = (source.get("hall") or request.GET.get("hall") or "").strip()
    if not code:
        default = default_hall_for_user(user=request.user)
        code = default.code if default else ""
    hall = _hall(request, code, C.SERVE)
    customer_id = _int_or_none(
        (source.get("customer") or request.GET.get("customer") or "").strip(), _("There is no such customer.")
    )
    customer = selectors.customer_for_order(user=request.user, hall=hall, customer_id=customer_id)
    ticket_id = _uuid_or_none((source.get("ticket") or request.GET.get("ticket") or "").strip())
    ticket = selectors.ticket_for_order(user=request.user, hall=hall, ticket_id=ticket_id)
    form = forms.CreateOrderForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise Unprocessable(_("Choose the business."), code="business_missing")
            business = catalog_selectors.business_type_get(hall=hall, code=form.cleaned_data["business_type"])
            service = selectors.service_for_order(hall=hall, service_id=form.cleaned_data["service"])
            order = services.order_create(
                hall=hall, actor=request.user, business_type=business, ticket=ticket, customer=customer, service=service
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
            status = exc.status_code
        else:
            return _redirect(request, reverse("orders:detail", kwargs={"order_id": order.pk}))
    services_list = []
    if customer is not None:
        from servicehall.customers.selectors import services_for_customer

        services_list = [service_view(s) for s in services_for_customer(customer=customer) if s.status != "cancelled"]
    context = _base_context(request, hall, "create")
    context.update(
        {
            "form": form,
            "groups": _business_groups(hall),
            "customer": person_view(customer),
            "customer_services": services_list,
            "ticket": ticket,
            "find_customer_url": f"{reverse('customers:search')}?{_carry(hall, ticket)}",
            "recent_orders": [order_row(o) for o in selectors.orders_of_customer(hall=hall, customer_id=customer.pk)]
            if customer is not None
            else [],
        }
    )
    return _render(request, "orders/create.html", context, status=status)


def _carry(hall: Hall, ticket: Any) -> str:
    params = {"hall": hall.code}
    if ticket is not None:
        params["ticket"] = str(ticket.pk)
    return urlencode(params)


# --- the order's page -----------------------------------------------------------------------------


def _progress(order: WorkOrder, visited: set[str]) -> list[dict[str, Any]]:
    """The main line of steps: done, current, skipped (never visited, already passed) or still to come."""
    current_index = MAIN_LINE.index(order.status) if order.status in MAIN_LINE else len(MAIN_LINE)
    rows = []
    for index, status in enumerate(MAIN_LINE):
        if status == order.status:
            state = "current"
        elif status in visited:
            state = "done"
        elif index < current_index:
            state = "skipped"
        else:
            state = "todo"
        rows.append({"status": status, "label": S(status).label, "state": state})
    return rows


def _holder_words(order: WorkOrder) -> dict[str, str]:
    """机主 in a telecom hall, 户主 in a gas hall: the word of the business type's pack."""
    return catalog_selectors.holder_words(pack=order.business_type.pack)


def _documents_for_parties(order: WorkOrder) -> list[dict[str, Any]]:
    """The ID documents the clerk may pick for each party present, masked."""
    words = _holder_words(order)
    parties = [("owner", capfirst(words["holder"]), order.customer), ("proxy", _("Proxy"), order.proxy)]
    parties.append(("counterparty", _("New %(holder)s") % words, order.counterparty))
    return [
        {
            "party": party,
            "label": label,
            "person": person_view(person),
            "documents": selectors.customer_documents(customer=person),
            "checked": selectors.identity_checked(order=order, party=party, person_id=person.pk),
        }
        for party, label, person in parties
        if person is not None
    ]


def _order_context(request: HttpRequest, order_id: int) -> dict[str, Any]:
    order = selectors.order_with_records(order_id=order_id)
    view = order_view(order)
    caps = user_capabilities(user=request.user, hall=order.hall)
    visited = {m.to_status for m in order.moves.all()}
    can_serve = C.SERVE in caps
    context = _base_context(request, order.hall, "order")
    context.update(
        {
            "order": order,
            "view": view,
            "statuses": S,
            "progress": _progress(order, visited),
            "phrases": selectors.order_phrases(order=order),
            "can_serve": can_serve,
            "can_review": C.MANAGE_QUEUE in caps and request.user.pk not in (order.clerk_id, order.accepted_by_id),
            "early": order.status in UP_TO_ACCEPTANCE,
            "may_withdraw": can_serve and order.status in BEFORE_PROCESSING,
            "may_revert": can_serve and order.status in PROCESSED and order.business_type.revertible,
            "processed": order.status in PROCESSED,
            "next_label": S(view["next_step"]).label if view["next_step"] else "",
            "parties": _documents_for_parties(order),
            "holder": _holder_words(order)["holder"],
            "fraud_questions": selectors.fraud_questions(business=order.business_type)
            if order.business_type.risky
            else [],
            "fraud_checklist": selectors.fraud_checklist(business=order.business_type)
            if order.business_type.risky
            else None,
            "recommendations": selectors.order_recommendations(order=order),
            "outcomes": RecommendationOutcome.choices,
            "summary": selectors.order_summary_lines(order=order) if order.status in PROCESSED else [],
            "carry": _carry(order.hall, order.ticket),
            "find_customer_url": f"{reverse('customers:search')}?{_carry(order.hall, order.ticket)}",
            "max_upload_mb": services.document_max_bytes() // (1024 * 1024),
            "polling": order.status == S.REVIEW,
        }
    )
    context.update(_details_context(order, can_serve))
    context["jobs"] = [selectors.job_view(job) for job in selectors.jobs_of_order(order=order)]
    context["jobs_url"] = reverse("orders:jobs", kwargs={"hall": order.hall.code})
    context["has_open_job"] = any(job["open"] for job in context["jobs"])
    context.update(payment_panel.payment_context(order=order, together=payment_panel.together_requested(request)))
    return context


def _details_context(order: WorkOrder, can_serve: bool, form: Any = None) -> dict[str, Any]:
    """The business type's details form while the inputs may change, and the kept inputs (masked) after."""
    editable = can_serve and selectors.details_editable(order)
    if editable and form is None:
        with timezone.override(order.hall.tz):
            form = selectors.order_details_form(order=order)
    return {
        "details_form": form if editable else None,
        "details_url": reverse("orders:details", kwargs={"order_id": order.pk}),
        "details_rows": selectors.details_display(order=order),
    }


def _render_order(
    request: HttpRequest,
    order: WorkOrder,
    *,
    flash: dict[str, str] | None = None,
    status: int = 200,
    details_form: Any = None,
) -> HttpResponse:
    context = _order_context(request, order.pk)
    context["flash"] = flash
    if details_form is not None:
        context.update(_details_context(context["order"], context["can_serve"], details_form))
    template = "orders/detail.html#panel" if _is_htmx(request) else "orders/detail.html"
    return _render(request, template, context, status=status)


@login_required
@handles_application_errors
@never_cache
@require_GET
def detail(request: HttpRequest, order_id: int) -> HttpResponse:
    order = selectors.order_get_for_user(user=request.user, order_id=order_id, capability=C.VIEW_HALL)
    return _render_order(request, order)


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


ACTIONS: dict[str, tuple[str, Callable[[HttpRequest, WorkOrder], str]]] = {
    "advance": (C.SERVE, _act_advance),
    "withdraw": (C.SERVE, _act_withdraw),
    "revert": (C.SERVE, _act_revert),
    "customer": (C.SERVE, _act_customer),
    "proxy": (C.SERVE, _act_proxy),
    "authorisation": (C.SERVE, _act_authorisation),
    "counterparty": (C.SERVE, _act_counterparty),
    "identity": (C.SERVE, _act_identity),
    "seen": (C.SERVE, _act_seen),
    "upload": (C.SERVE, _act_upload),
    "fraud": (C.SERVE, _act_fraud),
    "confirm": (C.SERVE, _act_confirm),
    "recommend": (C.SERVE, _act_recommend),
    "review": (C.MANAGE_QUEUE, _act_review),
    "work-done": (C.SERVE, _act_work_done),
    "pay": (C.SERVE, payment_panel.take_payment),
    "refund": (C.SERVE, payment_panel.refund_payment),
    "nothing-due": (C.SERVE, payment_panel.settle_nothing_due),
}


@login_required
@handles_application_errors
@require_POST
def act(request: HttpRequest, order_id: int, action: str) -> HttpResponse:
    """One step or record on the order; the panel comes back with the outcome."""
    if action not in ACTIONS:
        raise NotFound(_("Unknown action."))
    capability, handler = ACTIONS[action]
    order = selectors.order_get_for_user(user=request.user, order_id=order_id, capability=capability)
    flash, status = _run(lambda: handler(request, order))
    return _render_order(request, order, flash=flash, status=status)


@login_required
@handles_application_errors
@require_POST
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
@require_POST
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


@login_required
@handles_application_errors
@never_cache
@require_GET
def confirmation(request: HttpRequest, order_id: int) -> HttpResponse:
    """The printable summary the customer confirms (ACC05), with their signature once given."""
    order = selectors.order_get_for_user(user=request.user, order_id=order_id, capability=C.VIEW_HALL)
    order = selectors.order_with_records(order_id=order.pk)
    if order.status not in PROCESSED and order.status != S.REVERTED:
        raise NotFound(_("The confirmation is printed once the business has been processed."))
    confirmation = getattr(order, "confirmation", None)
    signature = confirmation.signature if confirmation else ""
    context = {
        "hall": order.hall,
        "order": order,
        "view": order_view(order),
        "summary": selectors.order_summary_lines(order=order),
        "confirmation": confirmation,
        "signature_image": signature if signature.startswith("data:image/png") else "",
        "signature_path": signature if signature and not signature.startswith("data:") else "",
        "printed_at": timezone.now(),
    }
    return _render(request, "orders/confirmation.html", context)


@login_required
@handles_application_errors
@require_GET
def document_file(request: HttpRequest, order_id: int, code: str) -> HttpResponse:
    """A kept scan, to staff of the order's hall only; never through a public media URL."""
    order = selectors.order_get_for_user(user=request.user, order_id=order_id, capability=C.SERVE)
    document = order.documents.filter(code=code).first()
    if document is None or not document.file:
        raise NotFound(_("No scan is kept for this document."))
    extension = (document.file.name or "").rsplit(".", 1)[-1]
    response = FileResponse(document.file.open("rb"), content_type=document.file_type or "application/octet-stream")
    response["Content-Disposition"] = f'inline; filename="{order.number}-{document.code}.{extension}"'
    response["Cache-Control"] = "private, no-store"
    return response  # type: ignore[return-value]


# --- the duty manager's lists ----------------------------------------------------------------------


def _review_context(request: HttpRequest, hall: Hall) -> dict[str, Any]:
    orders = list(selectors.orders_for_review(hall=hall))
    rows = []
    for order in orders:
        row = order_row(order)
        row["accepted_by"] = staff_name(order.accepted_by)  # the name the hall knows, not the login
        row["accepted_at"] = order.accepted_at
        row["own"] = request.user.pk in (order.clerk_id, order.accepted_by_id)
        row["override_note"] = order.fraud_override_note
        row["details"] = selectors.details_display(order=order)  # the manager decides on what was asked for
        rows.append(row)
    return {"rows": rows, "hall": hall}


@login_required
@handles_application_errors
@never_cache
@require_GET
def review_list(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = _hall(request, hall, C.MANAGE_QUEUE)
    context = _review_context(request, hall_obj)
    if _is_htmx(request):
        return _render(request, "orders/review_list.html#list", context)
    context.update(_base_context(request, hall_obj, "review"))
    return _render(request, "orders/review_list.html", context)


@login_required
@handles_application_errors
@require_POST
def review_decide(request: HttpRequest, hall: str, order_id: int) -> HttpResponse:
    hall_obj = _hall(request, hall, C.MANAGE_QUEUE)
    order = selectors.order_get_for_user(user=request.user, order_id=order_id, capability=C.MANAGE_QUEUE)
    if order.hall_id != hall_obj.pk:
        raise NotFound(_("There is no such order."))
    flash, status = _run(lambda: _act_review(request, order))
    context = _review_context(request, hall_obj)
    context["flash"] = flash
    if _is_htmx(request):
        return _render(request, "orders/review_list.html#list", context, status=status)
    context.update(_base_context(request, hall_obj, "review"))
    return _render(request, "orders/review_list.html", context, status=status)


def _list_page(request: HttpRequest, hall: str, screen: str) -> HttpResponse:
    hall_obj = _hall(request, hall, C.MANAGE_QUEUE)
    if screen == "in_progress":
        orders = selectors.orders_in_progress(hall=hall_obj)
        title = _("Orders in progress")
        hint = _("Orders the counters are still working on, oldest first.")
    else:
        orders = selectors.orders_unfinished(hall=hall_obj)
        title = _("Unfinished orders")
        hint = _(
            "Unfinished: the business was carried out, but the customer has not confirmed or paid yet, "
            "or work such as an installation is still outstanding."
        )
    # One "Orders" entry in the top bar; the lists are its tabs.
    context = _base_context(request, hall_obj, "review")
    context.update({"rows": [order_row(o) for o in orders[:500]], "title": title, "hint": hint, "tab": screen})
    return _render(request, "orders/list.html", context)


@login_required
@handles_application_errors
@never_cache
@require_GET
def in_progress(request: HttpRequest, hall: str) -> HttpResponse:
    return _list_page(request, hall, "in_progress")


@login_required
@handles_application_errors
@never_cache
@require_GET
def unfinished(request: HttpRequest, hall: str) -> HttpResponse:
    return _list_page(request, hall, "unfinished")


# --- archive (ACC08) ------------------------------------------------------------------------------


def _archive_form(hall: Hall, data: Any = None) -> forms.ArchiveForm:
    types = [(b.code, b.display_name) for b in catalog_selectors.business_types_ever_in_hall(hall=hall)]
    return forms.ArchiveForm(data, business_types=types)


def _archive_search(request: HttpRequest, hall: Hall) -> tuple[forms.ArchiveForm, Any, bool]:
    """The search of a posted archive form (POST, so a typed phone or service number stays out of URLs)."""
    if request.method != "POST":
        return _archive_form(hall), selectors.orders_search(hall=hall, filters=selectors.ArchiveFilter()), True
    form = _archive_form(hall, request.POST)
    if not form.is_valid():
        return form, WorkOrder.objects.none(), False
    data = form.cleaned_data
    filters = selectors.ArchiveFilter(
        number=data["number"] or "",
        customer=data["customer"],
        service_number=data["service_number"] or "",
        date_from=data["date_from"],
        date_to=data["date_to"],
        clerk=data["clerk"] or "",
        business_type=data["business_type"] or "",
        status=data["status"] or "",
    )
    return form, selectors.orders_search(hall=hall, filters=filters), True


def _echo_form(hall: Hall, form: forms.ArchiveForm) -> tuple[forms.ArchiveForm, str]:
    """The form as searched, but without the service number: it may be a phone (shown masked beside it)."""
    if not form.is_bound or not form.is_valid():
        return form, ""
    searched = form.cleaned_data.get("service_number") or ""
    data = {key: form.data.get(key, "") for key in form.fields}
    data["service_number"] = ""
    return _archive_form(hall, data), mask_phone(searched) if searched.isdigit() else searched


@login_required
@handles_application_errors
@never_cache
@require_http_methods(["GET", "POST"])
def archive(request: HttpRequest, hall: str) -> HttpResponse:
    """ACC08: find the hall's orders; the newest first until a search is posted."""
    hall_obj = _hall(request, hall, C.VIEW_HALL)
    form, orders, valid = _archive_search(request, hall_obj)
    form, searched_service = _echo_form(hall_obj, form)
    context = _base_context(request, hall_obj, "archive")
    rows = [order_row(o) for o in orders[:ARCHIVE_PAGE]]
    context.update(
        {
            "form": form,
            "rows": rows,
            "count": orders.count() if valid else 0,
            "shown": len(rows),
            "searched_service": searched_service,
            "can_export": C.MANAGE_QUEUE in user_capabilities(user=request.user, hall=hall_obj),
        }
    )
    return _render(request, "orders/archive.html", context, status=200 if valid else 422)


@login_required
@handles_application_errors
@require_POST
def archive_export(request: HttpRequest, hall: str) -> HttpResponse:
    """The archive's search as an Excel sheet; personal data masked as on screen."""
    from openpyxl import Workbook

    hall_obj = _hall(request, hall, C.MANAGE_QUEUE)
    _form, orders, valid = _archive_search(request, hall_obj)
    if not valid:
        raise Unprocessable(_("Correct the search first."), code="bad_search")
    orders = orders.select_related("service")
    book = Workbook()
    sheet = book.active
    sheet.title = "orders"
    write_row(
        sheet,
        [
            _("Order number"),
            _("Created"),
            _("Business"),
            _("Step"),
            _("Customer"),
            _("Phone"),
            _("Service"),
            _("Clerk"),
            _("Fees (CNY)"),
            pgettext("order", "Closed at"),
        ],
    )
    count = 0
    for order in orders[:EXPORT_LIMIT]:
        row = order_row(order)
        service = service_view(order.service)
        write_row(
            sheet,
            [
                order.number,
                timezone.localtime(order.created_at, hall_obj.tz).strftime("%Y-%m-%d %H:%M"),
                row["business_type_name"],
                row["status_display"],
                row["customer"]["name"] if row["customer"] else "",
                row["customer"]["phone"] if row["customer"] else "",
                f"{service['kind_display']} {service['number']}" if service else "",
                row["clerk"],
                order.fee_total,
                timezone.localtime(order.closed_at, hall_obj.tz).strftime("%Y-%m-%d %H:%M") if order.closed_at else "",
            ],
        )
        count += 1
    buffer = io.BytesIO()
    book.save(buffer)
    audit_record(
        actor=request.user,
        action="orders.export",
        obj=hall_obj,
        hall=hall_obj,
        data={"rows": count, "filters": sorted(k for k, v in request.GET.items() if v)},
    )
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    stamp = hall_obj.local_now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="orders-{hall_obj.code}-{stamp}.xlsx"'
    return response


# --- installation jobs (BT02, BT03, BT10, BT14) ------------------------------------------------------


class JobReportForm(dj_forms.Form):
    result = dj_forms.ChoiceField(choices=[("done", "done"), ("failed", "failed")])
    note = dj_forms.CharField(max_length=jobs.NOTE_MAX, required=False)
    early_reason = dj_forms.CharField(max_length=jobs.NOTE_MAX, required=False)


class JobRescheduleForm(dj_forms.Form):
    window_start = dj_forms.DateTimeField(validators=[moment_in_range])
    window_end = dj_forms.DateTimeField(validators=[moment_in_range])
    technician = dj_forms.CharField(max_length=jobs.TECHNICIAN_MAX, required=False)
    note = dj_forms.CharField(max_length=jobs.NOTE_MAX, required=False)


JOB_FILTERS: dict[str, tuple[str, ...]] = {
    "open": JOB_OPEN_STATUSES,
    "done": (InstallationJob.Status.DONE,),
    "cancelled": (InstallationJob.Status.CANCELLED,),
}


def _jobs_context(request: HttpRequest, hall: Hall) -> dict[str, Any]:
    shown = request.GET.get("show", "open")
    shown = shown if shown in JOB_FILTERS else "open"
    rows = [selectors.job_view(job) for job in selectors.jobs_for_hall(hall=hall, statuses=JOB_FILTERS[shown])]
    return {
        "hall": hall,
        "rows": rows,
        "shown": shown,
        "filters": [
            ("open", pgettext("task", "Open")),
            ("done", pgettext("task", "Done")),
            ("cancelled", pgettext("task", "Cancelled")),
        ],
        "can_serve": C.SERVE in user_capabilities(user=request.user, hall=hall),
        "jobs_url": reverse("orders:jobs", kwargs={"hall": hall.code}),
    }


def _render_jobs(
    request: HttpRequest, hall: Hall, *, flash: dict[str, str] | None = None, status: int = 200
) -> HttpResponse:
    context = _jobs_context(request, hall)
    context["flash"] = flash
    if _is_htmx(request):
        return _render(request, "orders/jobs.html#list", context, status=status)
    context.update(_base_context(request, hall, "jobs"))
    return _render(request, "orders/jobs.html", context, status=status)


@login_required
@handles_application_errors
@never_cache
@require_GET
def jobs_list(request: HttpRequest, hall: str) -> HttpResponse:
    """The hall's installation and meter jobs: appointments, technicians, results (未完工 until done)."""
    return _render_jobs(request, _hall(request, hall, C.VIEW_HALL))


def _job_for(request: HttpRequest, hall: Hall, job_id: int) -> InstallationJob:
    job = selectors.job_get_for_user(user=request.user, job_id=job_id, capability=C.SERVE)
    if job.hall_id != hall.pk:
        raise NotFound(_("There is no such installation job."))
    return job


def _report_job(request: HttpRequest, job: InstallationJob) -> str:
    form = JobReportForm(request.POST)
    if not form.is_valid():
        raise Unprocessable(_("Report the job done or failed."), code="bad_result")
    done = form.cleaned_data["result"] == "done"
    jobs.job_report(
        job=job,
        actor=request.user,
        done=done,
        note=form.cleaned_data["note"],
        early_reason=form.cleaned_data["early_reason"],
    )
    if done:
        return _("Job of order %(number)s reported done.") % {"number": job.order.number}
    return _("Job of order %(number)s reported failed; reschedule it.") % {"number": job.order.number}


def _reschedule_job(request: HttpRequest, job: InstallationJob) -> str:
    with timezone.override(job.hall.tz):
        form = JobRescheduleForm(request.POST)
        valid = form.is_valid()
    if not valid:
        raise Unprocessable(_("Give the new appointment's start and end, such as 2026-12-03 09:00."), code="bad_window")
    data = form.cleaned_data
    moved = jobs.job_reschedule(
        job=job,
        actor=request.user,
        window_start=data["window_start"],
        window_end=data["window_end"],
        technician=data["technician"] or None,
        note=data["note"],
    )
    start = timezone.localtime(moved.window_start, job.hall.tz)
    return _("Job of order %(number)s rescheduled to %(when)s.") % {
        "number": job.order.number,
        "when": f"{start:%Y-%m-%d %H:%M}",
    }


JOB_ACTIONS: dict[str, Callable[[HttpRequest, InstallationJob], str]] = {
    "report": _report_job,
    "reschedule": _reschedule_job,
}


@login_required
@handles_application_errors
@require_POST
def job_act(request: HttpRequest, hall: str, job_id: int, action: str) -> HttpResponse:
    """Report a technician's result or reschedule a job; the list comes back with the outcome."""
    if action not in JOB_ACTIONS:
        raise NotFound(_("Unknown action."))
    hall_obj = _hall(request, hall, C.SERVE)
    job = _job_for(request, hall_obj, job_id)
    flash, status = _run(lambda: JOB_ACTIONS[action](request, job))
    return _render_jobs(request, hall_obj, flash=flash, status=status)
