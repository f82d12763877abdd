"""How customers look on every screen and in every API answer: masked (PRIV01).

Views and serializers both build on these dictionaries, so a page and the API
mask a customer the same way. Full values leave only through
`services.personal_data_reveal`.
"""

from __future__ import annotations

from typing import Any

from servicehall.core.masking import mask_address, mask_id_number, mask_phone

from .models import Customer, IdDocument, Service

PHONE_KINDS = frozenset({Service.Kind.MOBILE, Service.Kind.FIXED_LINE})


def document_view(document: IdDocument) -> dict[str, Any]:
    return {
        "id": document.pk,
        "kind": document.kind,
        "kind_display": document.get_kind_display(),
        "number": mask_id_number(document.number),
        "holder_name": document.holder_name,
        "valid_until": document.valid_until,
    }


def service_view(service: Service) -> dict[str, Any]:
    """A mobile or fixed-line number is a phone number and is masked like one."""
    is_phone = service.kind in PHONE_KINDS
    return {
        "id": service.pk,
        "kind": service.kind,
        "kind_display": service.get_kind_display(),
        "number": mask_phone(service.number) if is_phone else service.number,
        "number_masked": is_phone,
        "status": service.status,
        "status_display": service.get_status_display(),
        "balance": service.balance,
        "arrears": service.arrears,
        "package_code": service.package_code,
        "next_package_code": service.next_package_code,
        "next_package_from": service.next_package_from,
        "sim_number": service.sim_number,
        "address": mask_address(service.address_region, service.address_detail),
        "has_address": bool(service.address_region or service.address_detail),
        "meter_number": service.meter_number,
        "card_number": service.card_number,
        "gas_volume": service.gas_volume,
        "opened_at": service.opened_at,
        "cancelled_at": service.cancelled_at,
        "extras": [extra.code for extra in service.extras.all()],
    }


def customer_view(customer: Customer, *, detailed: bool = False) -> dict[str, Any]:
    """The masked customer; `detailed` adds documents and services (prefetch them)."""
    documents = list(customer.documents.all())
    view: dict[str, Any] = {
        "id": customer.pk,
        "kind": customer.kind,
        "kind_display": customer.get_kind_display(),
        "name": customer.name,
        "phone": mask_phone(customer.phone),
        "address": mask_address(customer.address_region, customer.address_detail),
        "has_address": bool(customer.address_region or customer.address_detail),
        "credit_level": customer.credit_level,
        "id_number": mask_id_number(documents[0].number) if documents else "",
        "id_kind_display": documents[0].get_kind_display() if documents else "",
    }
    services = list(customer.services.all())
    view["service_count"] = sum(1 for s in services if s.status != Service.Status.CANCELLED)
    if detailed:
        view["documents"] = [document_view(d) for d in documents]
        view["services"] = [service_view(s) for s in services]
    return view
