"""The masked forms of the parts every order screen and API answer shows: the customer, the service and the
business details (PRIV01).

`presentation` builds on these, and so do the selectors that return what pages show (`selectors.details`,
`selectors.installation_jobs`) and `details_display`: this module imports none of them, so they all may import
it at the top.
"""

from __future__ import annotations

import re
from typing import Any

from servicehall.core.masking import is_iccid, mask_iccid, mask_id_number, mask_phone

# Mobile numbers and fixed lines are phone numbers: masked wherever shown (PRIV01).
PHONE_SERVICE_KINDS = frozenset({"mobile", "fixed_line"})
PHONE_LIKE = re.compile(r"^\+?[\d\s-]{7,24}$")
DATE_LIKE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
ID_LIKE = re.compile(r"^[0-9A-Za-z]{15,18}$")
ADDRESS_KEYS = ("address_detail", "street", "detail_address")
PHONE_KEYS = ("phone", "mobile", "contact")
ID_KEYS = ("id_number", "document_number", "licence", "passport")
SIM_KEYS = ("sim_number", "iccid")


def person_view(customer: Any) -> dict[str, Any] | None:
    if customer is None:
        return None
    return {"id": customer.pk, "name": customer.name, "phone": mask_phone(customer.phone)}


def service_view(service: Any) -> dict[str, Any] | None:
    if service is None:
        return None
    number = mask_phone(service.number) if service.kind in PHONE_SERVICE_KINDS else service.number
    return {"id": service.pk, "kind": service.kind, "kind_display": service.get_kind_display(), "number": number}


def _mask_value(key: str, value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _mask_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_value(key, v) for v in value]
    if not isinstance(value, str):
        return value
    lowered = key.lower()
    if any(k in lowered for k in ADDRESS_KEYS):
        return "****" if value.strip() else ""
    # A SIM card number by what it is (its issuer and last digits), never as a phone (000****1234).
    if any(k in lowered for k in SIM_KEYS) or is_iccid(value):
        return mask_iccid(value)
    if any(k in lowered for k in ID_KEYS) or (ID_LIKE.match(value) and sum(ch.isdigit() for ch in value) >= 14):
        return mask_id_number(value)
    if any(k in lowered for k in PHONE_KEYS) or (PHONE_LIKE.match(value) and not DATE_LIKE.match(value)):
        return mask_phone(value)
    return value


def mask_details(details: dict[str, Any]) -> dict[str, Any]:
    """The business inputs with anything that looks like an ID number, a phone or a street masked."""
    return {str(k): _mask_value(str(k), v) for k, v in (details or {}).items()}
