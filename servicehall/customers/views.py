"""Staff pages of customers: search, register, look at a customer, show one field in full.

The hall comes as `?hall=<code>` (a hidden field in forms), and a ticket being
served as `?ticket=<uuid>`; both are carried through every link and form so
that the workbench → customer → order path keeps its context. Personal data is
shown masked (`presentation`); searches are POSTed so that an ID number or
phone never lands in a URL, the browser history or an access log.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import select_template
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from servicehall.catalog import selectors as catalog_selectors
from servicehall.core.errors import ApplicationError, Forbidden, NotFound
from servicehall.core.htmx import is_htmx
from servicehall.core.masking import mask_id_number, mask_phone
from servicehall.core.views import handles_application_errors, post_or_back_to
from servicehall.lib import identity
from servicehall.lib.phones import phone_normalise_or_none
from servicehall.org.models import Hall
from servicehall.org.navigation import staff_nav
from servicehall.org.roles import Capability
from servicehall.org.selectors import memberships_for_user, user_capabilities
from servicehall.queueing import selectors as queue_selectors
from servicehall.queueing.models import Ticket

from . import selectors, services
from .forms import CustomerCreateForm, RevealForm, SearchForm
from .models import Customer, IdDocument, PersonalDataAccess, Service
from .panels import PanelRequest, customer_panels
from .presentation import customer_view

C = Capability
# Suggestions for the reason box (the clerk may type any other).
REVEAL_REASONS = [
    gettext_lazy("The customer asked to check it"),
    gettext_lazy("Needed for the business being done"),
    gettext_lazy("Checking a data change"),
]


def _param(request: HttpRequest, name: str) -> str:
    value = request.POST.get(name) if request.method == "POST" else None
    value = value if value is not None else request.GET.get(name, "")
    return value.strip()[:64]


# --- context: hall, ticket, navigation ------------------------------------------------------


def _hall(request: HttpRequest, capability: str | None = None) -> Hall:
    """The named hall, or the user's first hall where they may look up customers."""
    code = _param(request, "hall")
    if code:
        return selectors.customers_hall_get_for_user(user=request.user, code=code, capability=capability)
    for membership in memberships_for_user(user=request.user):
        caps = user_capabilities(user=request.user, hall=membership.hall)
        if (capability in caps) if capability else (caps & selectors.VIEW_CAPABILITIES):
            return membership.hall
    raise Forbidden(_("Your role does not allow you to look up customers."))


def _ticket(request: HttpRequest, hall: Hall) -> Ticket | None:
    """The ticket being served, when the workbench sent one of this hall; anything else is ignored."""
    raw = _param(request, "ticket")
    try:
        ticket_id = uuid.UUID(raw) if raw else None
    except ValueError:
        return None
    if ticket_id is None:
        return None
    try:
        ticket = queue_selectors.ticket_get_for_user(user=request.user, ticket_id=ticket_id)
    except ApplicationError:
        return None
    return ticket if ticket.hall_id == hall.pk else None


def _carry(hall: Hall, ticket: Ticket | None) -> str:
    """The query string that keeps the hall and ticket across pages."""
    params = {"hall": hall.code}
    if ticket is not None:
        params["ticket"] = str(ticket.pk)
    return urlencode(params)


def _nav(request: HttpRequest, hall: Hall) -> list[dict[str, Any]]:
    caps = user_capabilities(user=request.user, hall=hall)
    return staff_nav(capabilities=caps, hall_code=hall.code, active="customers")


def _base_context(request: HttpRequest, hall: Hall, ticket: Ticket | None) -> dict[str, Any]:
    caps = user_capabilities(user=request.user, hall=hall)
    return {
        "hall": hall,
        "ticket": ticket,
        "carry": _carry(hall, ticket),
        "nav": _nav(request, hall),
        "can_create": C.SERVE in caps,
        "can_reveal": C.REVEAL_PERSONAL_DATA in caps,
        "can_data_requests": C.DATA_REQUESTS in caps,
        "workbench_url": reverse("queueing:workbench", kwargs={"hall": hall.code}) if C.SERVE in caps else "",
    }


def _detail_url(customer_id: int, carry: str) -> str:
    return f"{reverse('customers:detail', kwargs={'customer_id': customer_id})}?{carry}"


# --- search ---------------------------------------------------------------------------------------


def _query_label(query: str) -> str:
    """What was searched, as the page may repeat it: an ID number or phone masked, a name as typed."""
    number = identity.normalise(query)
    if len(number) >= 8 and any(ch.isdigit() for ch in number):
        phone = phone_normalise_or_none(query)
        return mask_phone(phone) if phone else mask_id_number(number)
    return query


@login_required
@handles_application_errors
@never_cache
@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    hall = _hall(request)
    ticket = _ticket(request, hall)
    context = _base_context(request, hall, ticket)
    status = 200
    form = SearchForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            found = selectors.customers_search(user=request.user, hall=hall, query=form.cleaned_data["q"])
            if found.exact:
                url = _detail_url(found.customers[0].pk, context["carry"])
                if is_htmx(request):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = url
                    return response
                return redirect(url)
            context.update(
                {
                    "searched": True,
                    "results": [customer_view(c) for c in found.customers],
                    "truncated": found.truncated,
                    "query_label": _query_label(found.query),
                }
            )
            # The box is emptied after a search: the next card can be read straight away,
            # and a typed ID number is not written back into the page.
            form = SearchForm()
        else:
            status = 422
    context["form"] = form
    template = "customers/search.html#results" if is_htmx(request) else "customers/search.html"
    return render(request, template, context, status=status)


# --- register a customer ------------------------------------------------------------------------


@login_required
@handles_application_errors
@never_cache
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    hall = _hall(request, C.SERVE)
    ticket = _ticket(request, hall)
    context = _base_context(request, hall, ticket)
    status = 200
    form = CustomerCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                customer = services.customer_create(actor=request.user, hall=hall, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_service_error(exc)
                status = exc.status_code
                context["existing_url"] = (
                    _detail_url(exc.extra["customer_id"], context["carry"]) if "customer_id" in exc.extra else ""
                )
            else:
                messages.success(request, _("Customer %(name)s registered.") % {"name": customer.name})
                return redirect(_detail_url(customer.pk, context["carry"]))
        else:
            status = 422
    context["form"] = form
    return render(request, "customers/create.html", context, status=status)


# --- a customer ---------------------------------------------------------------------------------


def _actions_template() -> Any:
    """The orders app adds its "start an order" buttons by providing `orders/_customer_actions.html`."""
    return select_template(["orders/_customer_actions.html", "customers/_customer_actions.html"])


def _hall_and_customer(request: HttpRequest, customer_id: int) -> tuple[Hall, Customer]:
    """The customer, in the named hall or else in the user's first hall of the customer's company."""
    if _param(request, "hall"):
        hall = _hall(request)
        customer = selectors.customer_get_for_user(user=request.user, customer_id=customer_id, hall=hall, detailed=True)
        return hall, customer
    customer = selectors.customer_get_for_user(user=request.user, customer_id=customer_id, detailed=True)
    return selectors.hall_for_customer(user=request.user, customer=customer), customer


def _with_package_names(view: dict[str, Any], hall: Hall) -> dict[str, Any]:
    """Packages by the name the hall sells them under; a code the hall does not know stays as it is."""
    names = {p.code: p.display_name for p in catalog_selectors.packages_for_hall(hall=hall)}
    for service in view.get("services", []):
        service["package_display"] = names.get(service["package_code"], service["package_code"])
        service["next_package_display"] = names.get(service["next_package_code"], service["next_package_code"])
    return view


def _money_context(request: HttpRequest, hall: Hall, customer: Customer) -> dict[str, Any]:
    """The customer's money on their page: for staff who serve, the links to top up a service (PAY01); the
    panels of the apps above customers (credit plans, PAY05; points, PAY04), from `customers.panels`."""
    can_serve = C.SERVE in user_capabilities(user=request.user, hall=hall)
    templates, context = customer_panels(
        PanelRequest(request=request, hall=hall, customer=customer, can_serve=can_serve)
    )
    return {**context, "customer_panels": templates, "can_top_up": can_serve}


def _detail_context(request: HttpRequest, hall: Hall, ticket: Ticket | None, customer: Customer) -> dict[str, Any]:
    context = _base_context(request, hall, ticket)
    context.update(
        {
            "customer": customer,
            "view": with_slots(_with_package_names(customer_view(customer, detailed=True), hall)),
            "actions_template": _actions_template(),
            "reveal_reasons": REVEAL_REASONS,
        }
    )
    context.update(_money_context(request, hall, customer))
    return context


@login_required
@handles_application_errors
@never_cache
@require_http_methods(["GET"])
def detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    hall, customer = _hall_and_customer(request, customer_id)
    ticket = _ticket(request, hall)
    return render(request, "customers/detail.html", _detail_context(request, hall, ticket, customer))


def _reveal_targets(customer: Customer, form: RevealForm) -> tuple[IdDocument | None, Service | None]:
    document_id, service_id = form.cleaned_data.get("document"), form.cleaned_data.get("service")
    document = next((d for d in customer.documents.all() if d.pk == document_id), None) if document_id else None
    service = next((s for s in customer.services.all() if s.pk == service_id), None) if service_id else None
    if (document_id and document is None) or (service_id and service is None):
        raise NotFound(_("There is no such document or service."))
    return document, service


def slot_name(field: str, document: Any = None, service: Any = None) -> str:
    """The id of the place on the page where one maskable value sits."""
    if document:
        return f"document-{getattr(document, 'pk', document)}"
    if service:
        return f"service-{getattr(service, 'pk', service)}-{field}"
    return f"customer-{field}"


@login_required
@handles_application_errors
@never_cache
@post_or_back_to("customers:detail", kwargs=("customer_id",))
def reveal(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Show one value in full, once, after the clerk gave a reason; the service writes the access log."""
    hall, customer = _hall_and_customer(request, customer_id)
    ticket = _ticket(request, hall)
    form = RevealForm(request.POST)
    status = 200
    revealed: dict[str, str] | None = None
    error = ""
    slot = ""
    if form.is_valid():
        document, service = _reveal_targets(customer, form)
        field = form.cleaned_data["field"]
        slot = slot_name(field, document, service)
        try:
            value = services.personal_data_reveal(
                actor=request.user,
                hall=hall,
                customer=customer,
                field=field,
                reason=form.cleaned_data["reason"],
                document=document,
                service=service,
            )
        except ApplicationError as exc:
            error, status = str(exc.message), exc.status_code
        else:
            revealed = {"slot": slot, "value": value}
    else:
        status = 422
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
        slot = slot_name(
            str(request.POST.get("field", "")), form.cleaned_data.get("document"), form.cleaned_data.get("service")
        )
    context = _detail_context(request, hall, ticket, customer)
    context.update({"revealed": revealed, "reveal_error": error, "error_slot": slot})
    if is_htmx(request):
        context["slot"] = _slot_context(context["view"], slot)
        return render(request, "customers/_maskable.html", context, status=status)
    if error:
        context["flash"] = {"kind": "error", "message": error}
    return render(request, "customers/detail.html", context, status=status)


def _slot_context(view: dict[str, Any], slot: str) -> dict[str, Any]:
    """The one maskable value an htmx reveal answers with (the same `slot` dict the page renders)."""
    for item in slots_of(view):
        if item["id"] == slot:
            return item
    raise NotFound(_("There is no such document or service."))


def _slot(field: str, masked: str, *, document: int | None = None, service: int | None = None) -> dict[str, Any]:
    return {
        "id": slot_name(field, document, service),
        "masked": masked,
        "field": field,
        "document": document or "",
        "service": service or "",
    }


def with_slots(view: dict[str, Any]) -> dict[str, Any]:
    """Give every maskable value of a customer's page its slot: its place, masked text and what reveals it."""
    F = PersonalDataAccess.Field
    view["phone_slot"] = _slot(F.PHONE, view["phone"]) if view["phone"] else None
    view["address_slot"] = _slot(F.ADDRESS, view["address"]) if view["has_address"] else None
    for document in view["documents"]:
        document["slot"] = _slot(F.ID_NUMBER, document["number"], document=document["id"])
    for service in view["services"]:
        service["number_slot"] = (
            _slot(F.PHONE, service["number"], service=service["id"]) if service["number_masked"] else None
        )
        service["address_slot"] = (
            _slot(F.ADDRESS, service["address"], service=service["id"]) if service["has_address"] else None
        )
    return view


def slots_of(view: dict[str, Any]) -> list[dict[str, Any]]:
    slots = [view["phone_slot"], view["address_slot"]]
    slots += [d["slot"] for d in view["documents"]]
    for service in view["services"]:
        slots += [service["number_slot"], service["address_slot"]]
    return [slot for slot in slots if slot]
