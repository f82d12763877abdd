"""A person's rights over their data (PRIV02): export on request, erasure (anonymisation) on request, and the
anonymisation of customers kept past the retention period.

The customer's row is never deleted: orders, money records and report counts point at it. Anonymising clears
the name (to `ANONYMISED_NAME`), phone, address, the documents' numbers and holders' names and the street part
of the services' addresses, and stamps `anonymised_at`. A legal hold (`customers.subject_rights.holds_of`:
services still held or with money to settle, and what higher apps register — open orders, unpaid
installments, payments in flight) refuses an erasure on request with every reason, and keeps the retention
run from touching the customer. Both the export and the erasure are audited (counts and formats, no values).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor
from servicehall.core.errors import Conflict, NotFound, Unprocessable
from servicehall.core.masking import mask_name
from servicehall.core.models import OutgoingMessage
from servicehall.core.retention import ANONYMISED_NAME as ANONYMISED_NAME
from servicehall.core.services import audit_record
from servicehall.org.models import Hall
from servicehall.org.permissions import require_capability
from servicehall.org.roles import Capability
from servicehall.queueing.models import Ticket

from ..models import Customer, IdDocument, PersonalDataAccess, Service
from ..subject_rights import active_since, erase_linked, export_sections, holds_of, phones_of
from ._common import _text

EXPORT_FORMATS = ("json", "pdf")
ERASE_WORDS_MAX = 500
LIVE_SERVICE_STATUSES = (Service.Status.PENDING, Service.Status.ACTIVE, Service.Status.SUSPENDED)


# --- holds the customers app knows itself ----------------------------------------------------------------


def own_holds(customer: Customer) -> list[str]:
    """Services still held, or with a balance or arrears to settle first."""
    services = Service.objects.filter(customer=customer)
    reasons = []
    live = services.filter(status__in=LIVE_SERVICE_STATUSES).count()
    if live:
        reasons.append(_("Services still held: %(count)s. Cancel them first.") % {"count": live})
    money = services.exclude(balance=0, arrears=0).count()
    if money:
        reasons.append(_("Services with a balance or arrears to settle: %(count)s.") % {"count": money})
    return reasons


def own_activity(since: dt.datetime) -> Q:
    recent = Service.objects.filter(Q(status__in=LIVE_SERVICE_STATUSES) | Q(cancelled_at__gte=since))
    return Q(created_at__gte=since) | Q(pk__in=recent.values("customer_id"))


def customer_holds(customer: Customer) -> list[str]:
    """Every reason this customer's personal data may not be erased now (empty: it may)."""
    return holds_of(customer)


# --- anonymising -----------------------------------------------------------------------------------------


def own_erasure(customer: Customer, now: dt.datetime) -> int:
    """The rows below the customers app that name the customer's phone: tickets' phones cleared (the tickets
    stay, so every count and wait is unchanged), text messages to it deleted (no report counts the outbox)."""
    phones = phones_of(customer)
    done = 0
    if phones:
        done += Ticket.objects.filter(phone__in=phones).update(phone="")
        deleted, _by_model = OutgoingMessage.objects.filter(phone__in=phones).delete()
        done += deleted
    return done


def _anonymise(customer: Customer, *, now: dt.datetime) -> dict[str, int]:
    """Clear the personal fields of a customer whose row is locked; answers the counts for the audit.

    The registered apps' rows first (`customers.subject_rights.erase_linked`), while the customer's phone and
    document numbers still find them; then the customer's own fields."""
    linked = erase_linked(customer, now)
    documents = list(IdDocument.objects.filter(customer=customer))
    for document in documents:
        # The number is unique per company and kind: a placeholder of the row's own id keeps it so.
        document.number = f"#{document.pk}"
        document.holder_name = ANONYMISED_NAME
        document.valid_until = None
        document.save(update_fields=["number", "holder_name", "valid_until", "updated_at"])
    services = Service.objects.filter(customer=customer).exclude(address_detail="").update(address_detail="")
    Customer.objects.filter(pk=customer.pk).update(
        name=ANONYMISED_NAME,
        name_initials="",
        phone="",
        address_region="",
        address_detail="",
        anonymised_at=now,
        updated_at=now,
    )
    customer.refresh_from_db()
    return {"documents": len(documents), "services": services, "linked_rows": sum(linked.values())}


def inactive_customers_due(cutoff: dt.datetime) -> QuerySet[Customer]:
    """Customers with no service, order or money record since `cutoff` and not anonymised yet (PRIV02)."""
    return Customer.objects.filter(anonymised_at__isnull=True, created_at__lt=cutoff).exclude(active_since(cutoff))


def inactive_customers_anonymise(rows: QuerySet[Customer], now: dt.datetime) -> int:
    """The retention run's apply: each due customer locked and anonymised unless a legal hold applies."""
    done = 0
    for customer in rows.select_for_update().order_by("pk"):
        if customer_holds(customer):
            continue
        _anonymise(customer, now=now)
        done += 1
    return done


# --- export on request -------------------------------------------------------------------------------------


def _local_date(value: dt.datetime | dt.date | None, hall: Hall) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value, hall.tz).date()
    return value.strftime("%Y-%m-%d")


def _staff(user: Any) -> str:
    """Another person's name in the customer's export: masked (the clerk is not the data subject)."""
    if user is None:
        return ""
    return mask_name(user.get_full_name() or user.get_username())


def personal_data_of(customer: Customer, *, hall: Hall) -> dict[str, Any]:
    """Everything the customers app and the registered apps hold about the customer: theirs in full, others'
    masked. Keys are stable English names (the JSON file); the PDF labels them."""
    documents = IdDocument.objects.filter(customer=customer).order_by("id")
    services = Service.objects.filter(customer=customer).order_by("id")
    accesses = PersonalDataAccess.objects.filter(customer=customer).select_related("actor").order_by("at", "id")
    return {
        "customer": {
            "kind": customer.get_kind_display(),
            "name": customer.name,
            "phone": customer.phone,
            "address": " ".join(p for p in (customer.address_region, customer.address_detail) if p),
            "credit_level": customer.credit_level,
            "registered_on": _local_date(customer.created_at, hall),
        },
        "documents": [
            {
                "kind": document.get_kind_display(),
                "number": document.number,
                "holder_name": document.holder_name,
                "valid_until": _local_date(document.valid_until, hall),
            }
            for document in documents
        ],
        "services": [
            {
                "kind": service.get_kind_display(),
                "number": service.number,
                "status": service.get_status_display(),
                "address": " ".join(p for p in (service.address_region, service.address_detail) if p),
                "balance": str(service.balance),
                "arrears": str(service.arrears),
                "opened_on": _local_date(service.opened_at, hall),
                "cancelled_on": _local_date(service.cancelled_at, hall),
            }
            for service in services
        ],
        "full_views": [
            {
                "date": _local_date(access.at, hall),
                "field": access.get_field_display(),
                "by": _staff(access.actor),
            }
            for access in accesses
        ],
        "sections": [
            {"title": title, "rows": [[{"label": str(label), "value": value} for label, value in row] for row in rows]}
            for title, rows in export_sections(customer)
        ],
        "exported_on": _local_date(timezone.now(), hall),
    }


def _check(actor: Actor, hall: Hall, customer: Customer) -> None:
    if customer.company_id != hall.company_id:
        raise NotFound(_("There is no such customer."))
    require_capability(
        actor,
        hall,
        Capability.DATA_REQUESTS,
        message=_("Your role may not export or erase a customer's personal data."),
        code="data_requests_not_allowed",
    )


def personal_data_export(*, actor: Actor, hall: Hall, customer: Customer, export_format: str) -> dict[str, Any]:
    """The customer's data for the customer who asked for it (JSON or PDF); each export is audited."""
    _check(actor, hall, customer)
    if export_format not in EXPORT_FORMATS:
        raise Unprocessable(_("Choose JSON or PDF."), code="bad_format", extra={"field": "format"})
    data = personal_data_of(customer, hall=hall)
    audit_record(
        actor=actor,
        action="customer.personal_data_exported",
        obj=customer,
        hall=hall,
        data={
            "format": export_format,
            "documents": len(data["documents"]),
            "services": len(data["services"]),
            "sections": len(data["sections"]),
        },
    )
    return data


# --- erasure on request ------------------------------------------------------------------------------------


def personal_data_erase(
    *, actor: Actor, hall: Hall, customer: Customer, words: str, confirmed: bool, now: dt.datetime | None = None
) -> Customer:
    """Anonymise the customer on their request, refused with every reason while a legal hold applies.

    `words` are the customer's request as they put it, recorded in the audit row with the counts; `confirmed`
    is the operator's tick that the customer confirmed. The customer's row is locked, so two operators
    erasing at once anonymise once (the second is told it is done).
    """
    _check(actor, hall, customer)
    request_words = _text(words, field="words", max_length=ERASE_WORDS_MAX, required=True, label=_("customer's words"))
    if not confirmed:
        raise Unprocessable(
            _("Confirm that the customer asked for their data to be erased."),
            code="not_confirmed",
            extra={"field": "confirmed"},
        )
    now = now or timezone.now()
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        if locked.anonymised_at is not None:
            raise Conflict(_("This customer's personal data was already erased."), code="already_anonymised")
        reasons = customer_holds(locked)
        if not reasons:
            counts = _anonymise(locked, now=now)
            audit_record(
                actor=actor,
                action="customer.erased_on_request",
                obj=locked,
                hall=hall,
                data={**counts, "request_words": request_words},
            )
            return locked
    # The refusal is audited too (how many holds, not what they say), in its own write.
    audit_record(
        actor=actor,
        action="customer.erase_refused",
        obj=customer,
        hall=hall,
        data={"holds": len(reasons), "request_words": request_words},
    )
    raise Conflict(
        _("The personal data cannot be erased now: %(reasons)s") % {"reasons": " ".join(reasons)},
        code="legal_hold",
        extra={"reasons": reasons},
    )
