"""The full view of one personal field for a role that may see it, each view logged (PRIV01)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import Forbidden, NotFound, Unprocessable
from servicehall.org.models import Hall
from servicehall.org.roles import Capability
from servicehall.org.selectors import user_can

from ..models import Customer, IdDocument, PersonalDataAccess, Service
from ._common import ADDRESS_SERVICE_KINDS, PHONE_SERVICE_KINDS, _text

# --- full view of personal data (PRIV01) ----------------------------------------------------------


def _reveal_target(
    *, customer: Customer, field: str, document: IdDocument | None, service: Service | None
) -> tuple[str, IdDocument | None, Service | None]:
    """The full value to show, and the document or service it belongs to."""
    if document is not None and (field != PersonalDataAccess.Field.ID_NUMBER or document.customer_id != customer.pk):
        raise NotFound(_("There is no such document."))
    if service is not None and service.customer_id != customer.pk:
        raise NotFound(_("There is no such service."))
    if field == PersonalDataAccess.Field.ID_NUMBER:
        if service is not None:
            raise NotFound(_("There is no such document."))
        document = document or customer.documents.order_by("id").first()
        if document is None:
            raise NotFound(_("This customer has no identity document."), code="no_document")
        return document.number, document, None
    if field == PersonalDataAccess.Field.PHONE:
        if service is not None:
            if service.kind not in PHONE_SERVICE_KINDS:
                raise Unprocessable(_("This service has no phone number."), code="nothing_to_show")
            return service.number, None, service
        return customer.phone, None, None
    if service is not None:
        if service.kind not in ADDRESS_SERVICE_KINDS:
            raise Unprocessable(_("This service has no address."), code="nothing_to_show")
        return " ".join(p for p in (service.address_region, service.address_detail) if p), None, service
    return " ".join(p for p in (customer.address_region, customer.address_detail) if p), None, None


def personal_data_reveal(
    *,
    actor: Actor,
    hall: Hall,
    customer: Customer,
    field: str,
    reason: str,
    document: IdDocument | None = None,
    service: Service | None = None,
) -> str:
    """The full value of one personal field, for a role that needs it; every call is logged.

    `field` is an ID number (the given or first document), a phone (the
    customer's, or a mobile/fixed-line service's number) or an address (the
    customer's or a service's). The reason is required. Exactly one
    `PersonalDataAccess` row is written per value shown.
    """
    if customer.company_id != hall.company_id:
        raise NotFound(_("There is no such customer."))
    if not user_can(user=actor, hall=hall, capability=Capability.REVEAL_PERSONAL_DATA):
        raise Forbidden(_("Your role may not see personal data in full."), code="reveal_not_allowed")
    viewer = acting_user(actor)
    assert viewer is not None  # user_can grants nothing to anyone not signed in
    if field not in PersonalDataAccess.Field.values:
        raise Unprocessable(_("Choose which data to show."), code="unknown_field", extra={"field": "field"})
    why = _text(reason, field="reason", max_length=200, required=True, label=_("reason"))
    value, document, service = _reveal_target(customer=customer, field=field, document=document, service=service)
    if not value:
        raise Unprocessable(_("Nothing is recorded here."), code="nothing_to_show")
    PersonalDataAccess.objects.create(
        actor=viewer, hall=hall, customer=customer, field=field, document=document, service=service, reason=why
    )
    return value
