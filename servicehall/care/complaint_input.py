"""A complaint recorded from a form or an API body (CARE04): the ids it carries (what the complaint concerns,
its category and service) read in the hall, then `services.complaint_record`. Shared by the screen and the API
so that both check the same things the same way."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from servicehall.catalog import selectors as catalog_selectors
from servicehall.core.actors import Actor
from servicehall.core.errors import NotFound
from servicehall.customers import selectors as customer_selectors
from servicehall.org.models import Hall

from . import selectors, services
from .models import Complaint


def complaint_record_from(*, hall: Hall, actor: Actor, data: Mapping[str, Any], confirmed: bool) -> Complaint:
    """Record the complaint `data` describes; a linked record of another hall or an unknown service is "not
    found", everything else is checked by the service."""
    source = selectors.complaint_source(hall=hall, user=actor, params=data)
    links = source["links"]
    service = None
    if data.get("service"):
        service = customer_selectors.service_in_company(
            service_id=data["service"], company_id=hall.company_id, customer=links.customer
        )
        if service is None:
            raise NotFound(_("There is no such service."))
    contact_name, contact_phone = data.get("contact_name", ""), data.get("contact_phone", "")
    found = source["sources"]
    if found and not str(contact_name or "").strip() and not str(contact_phone or "").strip():
        # Taken over from where the complaint came from (a hotel guest's stay), never shown in a form field.
        hit = next(iter(found.values()))[1]
        contact_name, contact_phone = hit.contact_name, hit.contact_phone
    with transaction.atomic():
        complaint = services.complaint_record(
            hall=hall,
            actor=actor,
            category=catalog_selectors.complaint_category_get(hall=hall, category_id=data.get("category")),
            words=data.get("words", ""),
            summary=data.get("summary", ""),
            confirmed=confirmed,
            channel=data.get("channel", ""),
            severity=data.get("severity", ""),
            contact_name=contact_name,
            contact_phone=contact_phone,
            links=services.ComplaintLinks(**{**vars(links), "service": service}),
            request_key=data.get("request_key", ""),
        )
        for registered, hit in found.values():
            registered.recorded(complaint=complaint, found=hit.obj)
    return complaint
