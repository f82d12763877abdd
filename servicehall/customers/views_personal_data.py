"""A customer's personal data on their request (PRIV02): the page, the export (JSON and PDF) and the erasure.

For the roles holding `Capability.DATA_REQUESTS` (hall administrator, service manager). The page shows the
customer masked like every other screen, the legal holds that would refuse an erasure now, and two forms. The
export answers the customer's own data in full (it is for them) and everyone else's masked; it is a POST, so it
is a deliberate, audited act and never a link a crawler or a prefetch could follow.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from servicehall.core.errors import ApplicationError
from servicehall.core.htmx import is_htmx
from servicehall.core.pdf import render_pdf
from servicehall.core.views import handles_application_errors, post_or_back_to
from servicehall.org.models import Hall
from servicehall.org.roles import Capability

from . import selectors, services
from .models import Customer
from .presentation import customer_view
from .services.subject_rights import ERASE_WORDS_MAX
from .views import _base_context, _param, _ticket

C = Capability


def _hall_and_customer(request: HttpRequest, customer_id: int) -> tuple[Hall, Customer]:
    """The customer, for a member holding DATA_REQUESTS in the named hall (else their first such hall)."""
    if _param(request, "hall"):
        hall = selectors.customers_hall_get_for_user(
            user=request.user, code=_param(request, "hall"), capability=C.DATA_REQUESTS
        )
        customer = selectors.customer_get_for_user(
            user=request.user, customer_id=customer_id, hall=hall, capability=C.DATA_REQUESTS, detailed=True
        )
        return hall, customer
    customer = selectors.customer_get_for_user(
        user=request.user, customer_id=customer_id, capability=C.DATA_REQUESTS, detailed=True
    )
    return selectors.hall_for_customer(user=request.user, customer=customer, capability=C.DATA_REQUESTS), customer


def _page(request: HttpRequest, hall: Hall, customer: Customer, *, status: int = 200, **extra: Any) -> HttpResponse:
    context = _base_context(request, hall, _ticket(request, hall))
    context.update(
        {
            "customer": customer,
            "view": customer_view(customer, detailed=True),
            "holds": services.customer_holds(customer),
            "anonymised": customer.anonymised_at is not None,
            "detail_url": f"{reverse('customers:detail', kwargs={'customer_id': customer.pk})}?hall={hall.code}",
            **extra,
        }
    )
    template = "customers/_personal_data_erase.html" if is_htmx(request) else "customers/personal_data.html"
    return render(request, template, context, status=status)


@login_required
@handles_application_errors
@never_cache
@require_http_methods(["GET"])
def personal_data(request: HttpRequest, customer_id: int) -> HttpResponse:
    hall, customer = _hall_and_customer(request, customer_id)
    return _page(request, hall, customer)


@login_required
@handles_application_errors
@never_cache
@post_or_back_to("customers:personal_data", kwargs=("customer_id",))
def personal_data_export(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The customer's data as a JSON file or a PDF, downloaded for the customer who asked."""
    hall, customer = _hall_and_customer(request, customer_id)
    export_format = str(request.POST.get("format", ""))[:8]
    data = services.personal_data_export(actor=request.user, hall=hall, customer=customer, export_format=export_format)
    filename = f"personal-data-{customer.pk}-{data['exported_on']}"
    if export_format == "pdf":
        body = render_pdf("customers/personal_data_pdf.html", {"data": data, "hall": hall}, request=request)
        response = HttpResponse(body, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    else:
        body_text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
        response = HttpResponse(body_text, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@handles_application_errors
@never_cache
@post_or_back_to("customers:personal_data", kwargs=("customer_id",))
def personal_data_erase(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Anonymise on the customer's request; a legal hold answers 409 with every reason on the page."""
    hall, customer = _hall_and_customer(request, customer_id)
    words = str(request.POST.get("words", ""))
    try:
        customer = services.personal_data_erase(
            actor=request.user,
            hall=hall,
            customer=customer,
            words=words,
            confirmed=request.POST.get("confirmed") == "on",
        )
    except ApplicationError as exc:
        if exc.status_code == 403 or exc.status_code == 404:
            raise
        reasons = exc.extra.get("reasons") or []
        return _page(
            request,
            hall,
            customer,
            status=exc.status_code,
            erase_error=str(exc.message) if not reasons else _("The personal data cannot be erased now."),
            erase_reasons=reasons,
            words=words[:ERASE_WORDS_MAX],
        )
    return _page(
        request,
        hall,
        customer,
        flash={"kind": "success", "message": _("The customer's personal data was erased (anonymised).")},
    )
