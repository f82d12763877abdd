"""How credit plans look on screens and in the API: the customer's personal data masked (PRIV01)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from servicehall.core.masking import mask_address, mask_id_number, mask_name, mask_phone
from servicehall.customers.models import IdDocument

from .models import CreditApplication
from .selectors import outstanding_total, schedule_rows
from .states import CreditStatus


def rate_percent(rate: Decimal) -> str:
    """A monthly fee rate in percent: 0.0050 → "0.5%", 0.0125 → "1.25%", 0 → "0%"."""
    text = format((rate * 100).quantize(Decimal("0.01")), "f")
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


def fee_rate_text(rate: Decimal, offer: Any = None) -> str:
    """The rate as screens and the contract show it, with the installment offer that set it: "12期免息 · 0%"."""
    return f"{offer.display_name} · {rate_percent(rate)}" if offer is not None else rate_percent(rate)


def party_view(application: CreditApplication) -> dict[str, Any]:
    customer = application.customer
    document = IdDocument.objects.filter(customer=customer, kind=IdDocument.Kind.RESIDENT_ID).order_by("-id").first()
    return {
        "id": customer.pk,
        "name": customer.name,
        "phone": mask_phone(customer.phone),
        "address": mask_address(customer.address_region, customer.address_detail),
        "id_number": mask_id_number(document.number) if document else "",
        "service_number": mask_phone(application.service.number),
    }


def application_row(application: CreditApplication) -> dict[str, Any]:
    return {
        "id": application.pk,
        "number": application.number,
        "status": application.status,
        "status_display": CreditStatus(application.status).label,
        "customer_name": application.customer.name,
        "service_number": mask_phone(application.service.number),
        "handset_name": application.handset_name,
        "handset_price": application.handset_price,
        "down_payment": application.down_payment,
        "principal": application.principal,
        "fee_total": application.fee_total,
        "months": application.months,
        "monthly_fee_rate": application.monthly_fee_rate,
        "fee_offer": application.fee_offer.code if application.fee_offer is not None else None,
        "fee_offer_name": application.fee_offer.display_name if application.fee_offer is not None else "",
        "fee_rate_text": fee_rate_text(application.monthly_fee_rate, application.fee_offer),
        "applied_by": application.applied_by.get_full_name() or application.applied_by.get_username(),
        "applied_by_id": application.applied_by_id,
        "applied_at": application.applied_at,
    }


def customer_plan_view(application: CreditApplication, *, today: Any) -> dict[str, Any]:
    """The plan as the customer's own schedule page shows it: no ID number, name and number masked."""
    outstanding = outstanding_total(application=application)
    total = application.total_payable
    return {
        "number": application.number,
        "status": application.status,
        "status_display": CreditStatus(application.status).label,
        "customer_name": mask_name(application.customer.name),
        "service_number": mask_phone(application.service.number),
        "handset_name": application.handset_name,
        "months": application.months,
        "signed_on": application.signed_on,
        "total": total,
        "paid": total - outstanding,
        "outstanding": outstanding,
        "schedule": schedule_rows(application=application, today=today),
    }
