"""Every write of work orders: create, the steps, identity, documents, review, confirmation, payment.

Concurrency: a service that changes an order locks its row first
(`select_for_update`; on SQLite the IMMEDIATE transaction serialises writers),
then moves its status with a compare-and-set update whose row count is checked.
Order numbers come from a per-hall daily sequence taken with one upsert.
Each move appends an `OrderMove` and an audit row, in the same transaction.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.catalog.models import BusinessType
from servicehall.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from servicehall.core.sequences import sequence_next
from servicehall.core.services import audit_record
from servicehall.core.states import transition
from servicehall.org.models import Hall
from servicehall.org.roles import Capability
from servicehall.org.selectors import user_can

from . import actions, selectors
from . import handlers as _handlers  # registers the business actions before anything looks one up
from .models import (
    JOB_OPEN_STATUSES,
    Confirmation,
    ConfirmationMethod,
    FeeLine,
    FollowUpTask,
    IdentityCheck,
    IdentityMethod,
    IdentityParty,
    InstallationJob,
    OrderDocument,
    OrderSequence,
    RecommendationOutcome,
    RecommendationRecord,
    ReviewDecision,
    WorkOrder,
)
from .states import (
    BEFORE_PROCESSING,
    ENDED,
    ORDER_TABLE,
    PROCESSED,
    SPECIAL_TARGETS,
    UP_TO_ACCEPTANCE,
    OrderStatus,
    after_confirmation,
    after_payment,
    move_fits_order,
    move_is_in_table,
)

S = OrderStatus
C = Capability
DETAILS_MAX_CHARS = 10_000
NOTE_MAX = 500
SIGNATURE_MAX_CHARS = 200_000
DOCUMENT_MAX_BYTES = 5 * 1024 * 1024
# What an upload may be, recognised by its first bytes, never by its name or the browser's word.
FILE_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"%PDF-", "application/pdf", "pdf"),
)
PNG_DATA_URL = re.compile(r"^data:image/png;base64,([A-Za-z0-9+/]+={0,2})$")
SVG_PATH = re.compile(r"^[Mm][MLQCZmlqcz0-9.,\s-]*$")


# --- helpers -------------------------------------------------------------------------------


def _status_label(status: str) -> str:
    return str(S(status).label) if status in S.values else status


def _refuse_move(order: WorkOrder, to: str, status: str | None = None) -> Conflict:
    """`status`: the one the order is in, when it differs from the instance's (a lost race)."""
    current = order.status if status is None else status
    return Conflict(
        _("Order %(number)s is at %(status)s and cannot go to %(to)s.")
        % {"number": order.number, "status": _status_label(current), "to": _status_label(to)},
        code="illegal_move",
    )


def _require(actor: Any, hall: Hall, capability: str = C.SERVE) -> None:
    if not user_can(user=actor, hall=hall, capability=capability):
        raise Forbidden(_("Your role in this hall does not allow this."))


def _lock(order: WorkOrder) -> WorkOrder:
    """Lock the order's row and bring along what the rules read."""
    return (
        WorkOrder.objects.select_for_update(of=("self",))
        .select_related("hall", "business_type", "customer", "service", "proxy", "counterparty")
        .get(pk=order.pk)
    )


def _note(text: str) -> str:
    return (text or "").strip()[:NOTE_MAX]


def _move(order: WorkOrder, to: str, *, actor: Any, note: str = "", now: dt.datetime | None = None, **changes: Any):
    """Move along the table (compare-and-set and the `OrderMove`, core.states), then the audit row.

    A lost race is refused like an illegal move, naming the step the order is at now."""
    now = now or timezone.now()
    before = order.status
    transition(
        order,
        to,
        table=ORDER_TABLE,
        refuse=lambda status: _refuse_move(order, to, status),
        changes={"updated_at": now, **changes},
        actor=actor,
        note=note,
        now=now,
    )
    audit_record(
        actor=actor,
        action="order.move",
        obj=order,
        hall=order.hall,
        data={"number": order.number, "from": before, "to": to},
    )
    return order


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _next_number(*, hall: Hall, day: dt.date) -> str:
    """Today's next order number of the hall, in one statement (core.sequences): HA20261201-0007."""
    sequence = sequence_next(model=OrderSequence, key={"hall": hall, "day": day})
    return f"{hall.code.upper()}{day:%Y%m%d}-{sequence:04d}"


def _clean_details(details: Any, business_type: BusinessType | None = None) -> dict[str, Any]:
    if details is None:
        return {}
    if not isinstance(details, dict):
        raise Unprocessable(_("The business details must be a set of named values."), code="bad_details")
    try:
        size = len(json.dumps(details, ensure_ascii=False))
    except (TypeError, ValueError) as exc:
        raise Unprocessable(_("The business details must be a set of named values."), code="bad_details") from exc
    if size > DETAILS_MAX_CHARS:
        raise Unprocessable(_("The business details are too long."), code="bad_details")
    _handlers.details_check(details, business_type=business_type)  # control characters, unknown keys: 400
    return details


def _check_customer(hall: Hall, customer: Any) -> None:
    if customer is not None and customer.company_id != hall.company_id:
        raise NotFound(_("There is no such customer."))


def _check_service(hall: Hall, business_type: BusinessType, customer: Any, service: Any) -> None:
    if service is None:
        return
    if service.company_id != hall.company_id:
        raise NotFound(_("There is no such service."))
    if customer is not None and service.customer_id != customer.pk:
        raise Unprocessable(_("This service does not belong to the customer."), code="service_not_customers")
    if business_type.service_kind and service.kind != business_type.service_kind:
        raise Unprocessable(
            _("%(business)s acts on a %(kind)s, not on this service.")
            % {
                "business": business_type.display_name,
                # the kind's label in the user's language, never its code ("mobile")
                "kind": dict(type(service).Kind.choices).get(business_type.service_kind, business_type.service_kind),
            },
            code="wrong_service_kind",
        )


# --- create ------------------------------------------------------------------------------


@transaction.atomic
def order_create(
    *,
    hall: Hall,
    actor: Any,
    business_type: BusinessType,
    ticket: Any = None,
    customer: Any = None,
    service: Any = None,
    details: dict[str, Any] | None = None,
) -> WorkOrder:
    """Open a work order at reception, with the required documents of its business type to tick."""
    _require(actor, hall)
    if business_type.hall_id != hall.pk or not business_type.active:
        raise NotFound(_("There is no such business type in this hall."))
    if ticket is not None and ticket.hall_id != hall.pk:
        raise NotFound(_("There is no such ticket."))
    if service is not None and customer is None:
        customer = service.customer
    _check_customer(hall, customer)
    _check_service(hall, business_type, customer, service)
    details = _clean_details(details, business_type)
    now = timezone.now()
    order = WorkOrder.objects.create(
        hall=hall,
        number=_next_number(hall=hall, day=now.astimezone(hall.tz).date()),
        business_type=business_type,
        status=S.RECEPTION,
        clerk=actor,
        ticket=ticket,
        customer=customer,
        service=service,
        details=details,
        created_at=now,
    )
    OrderDocument.objects.bulk_create(_documents_of(order, business_type))
    ORDER_TABLE.record(order, from_status="", to_status=S.RECEPTION, actor=actor, at=now)
    audit_record(
        actor=actor,
        action="order.create",
        obj=order,
        hall=hall,
        data={"number": order.number, "business_type": business_type.code, "customer": getattr(customer, "pk", None)},
    )
    return order


def _documents_of(order: WorkOrder, business_type: BusinessType) -> list[OrderDocument]:
    """The business type's required documents, and those a proxy brings (counted only while a proxy acts)."""
    rows: dict[str, OrderDocument] = {}
    for for_proxy, documents in ((False, business_type.required_documents), (True, business_type.proxy_documents)):
        for doc in documents:
            rows.setdefault(
                doc["code"],
                OrderDocument(
                    order=order, code=doc["code"], name_zh=doc["name_zh"], name_en=doc["name_en"], for_proxy=for_proxy
                ),
            )
    return list(rows.values())


# --- the steps (ACC01) -----------------------------------------------------------------------


def order_advance(*, order: WorkOrder, to: str, actor: Any, note: str = "") -> WorkOrder:
    """Take the order one step along the table; the gates of each step apply.

    Withdrawing and reverting go through their own services (called from here
    when `to` names them, with `note` as the reason); leaving review is the duty
    manager's decision (`order_review`).
    """
    if to == S.WITHDRAWN:
        return order_withdraw(order=order, actor=actor, reason=note)
    if to == S.REVERTED:
        return order_revert(order=order, actor=actor, reason=note)
    with transaction.atomic():
        order = _lock(order)
        _require(actor, order.hall)
        return _advance_locked(order, to, actor=actor, note=_note(note))


def _advance_locked(order: WorkOrder, to: str, *, actor: Any, note: str) -> WorkOrder:
    if to not in S.values or not move_is_in_table(order.status, to):
        raise _refuse_move(order, to)
    if order.status == S.REVIEW or to == S.REJECTED:
        raise Conflict(_("The duty manager approves or rejects an order at review."), code="needs_review")
    if to in SPECIAL_TARGETS:
        raise _refuse_move(order, to)
    if order.status == S.ACCEPTANCE:
        # What is missing is the more useful answer than which way the order would leave.
        blockers = selectors.acceptance_blockers(order=order)
        if blockers:
            raise Unprocessable(" ".join(b.message for b in blockers), code=blockers[0].code)
    if not move_fits_order(order, to):
        if order.status == S.ACCEPTANCE and to == S.PROCESSING:
            raise Conflict(_("This order needs the duty manager's review first."), code="review_required")
        raise _refuse_move(order, to)
    now = timezone.now()
    changes: dict[str, Any] = {}
    if order.status == S.ACCEPTANCE:
        changes.update(accepted_by=actor, accepted_at=now)
    elif order.status == S.PROCESSING:
        changes.update(_complete_processing(order, actor))
    elif order.status == S.CONFIRMATION and not Confirmation.objects.filter(order=order).exists():
        raise Conflict(_("The customer has not confirmed the order yet."), code="not_confirmed")
    elif order.status == S.PAYMENT and order.paid_at is None:
        raise Conflict(_("The order is waiting for payment."), code="not_paid")
    if to == S.FOLLOW_UP:
        _create_follow_up(order, now)
    if to == S.CLOSED:
        changes["closed_at"] = now
        if order.status == S.FOLLOW_UP:
            FollowUpTask.objects.filter(order=order, status=FollowUpTask.Status.OPEN).update(
                status=FollowUpTask.Status.DONE, done_at=now
            )
    return _move(order, to, actor=actor, note=note, now=now, **changes)


def _complete_processing(order: WorkOrder, actor: Any) -> dict[str, Any]:
    """Run the business action; the fee lines are the standard fee plus what the action adds."""
    result = actions.run(order, actor)
    business = order.business_type
    lines = []
    if business.standard_fee > 0:
        lines.append(
            FeeLine(
                order=order,
                code="standard_fee",
                description_zh=business.name_zh,
                description_en=business.name_en,
                amount=business.standard_fee,
            )
        )
    for fee in result.fees:
        lines.append(
            FeeLine(
                order=order,
                code=fee.code,
                description_zh=fee.description_zh,
                description_en=fee.description_en,
                amount=Decimal(fee.amount).quantize(Decimal("0.01")),
            )
        )
    total = sum((line.amount for line in lines), Decimal("0.00"))
    if total < 0:
        raise Unprocessable(_("The fees of an order cannot add up to less than zero."), code="negative_fees")
    FeeLine.objects.filter(order=order).delete()
    FeeLine.objects.bulk_create(lines)
    data = dict(result.data)
    if result.summary_zh or result.summary_en:
        data.update(summary_zh=result.summary_zh, summary_en=result.summary_en)
    order.fee_total = total  # the next step (payment or not) depends on it
    return {"fee_total": total, "action_result": data, "work_pending": result.work_pending}


def _create_follow_up(order: WorkOrder, now: dt.datetime) -> None:
    FollowUpTask.objects.create(order=order, due_at=follow_up_due(order, since=now))


def follow_up_due(order: WorkOrder, *, since: dt.datetime) -> dt.datetime:
    """When the call-back is due: `follow_up_days` after the business is complete, never before `since`.

    Installed business is complete when its job is: a job reported done counts from its report, one still
    open from the end of its appointment (the call asks how the installation went, so never before it).
    """
    base = since
    for status, window_end, reported_at in (
        InstallationJob.objects.filter(order=order)
        .exclude(status=InstallationJob.Status.CANCELLED)
        .values_list("status", "window_end", "reported_at")
    ):
        finished = reported_at if status == InstallationJob.Status.DONE and reported_at is not None else window_end
        base = max(base, finished)
    return base + dt.timedelta(days=order.business_type.follow_up_days or 0)


def order_follow_up_redate(*, order: WorkOrder) -> None:
    """Date the open call-back again after the order's job was reported or rescheduled (order row locked)."""
    for task in FollowUpTask.objects.filter(order=order, status=FollowUpTask.Status.OPEN):
        due = follow_up_due(order, since=task.created_at)
        if due != task.due_at:
            FollowUpTask.objects.filter(pk=task.pk).update(due_at=due)


@transaction.atomic
def order_withdraw(*, order: WorkOrder, actor: Any, reason: str = "") -> WorkOrder:
    """The customer does not want the business after all (any step before processing completes)."""
    order = _lock(order)
    _require(actor, order.hall)
    if order.status not in BEFORE_PROCESSING:
        raise _refuse_move(order, S.WITHDRAWN)
    reason = _note(reason)
    _release_held_number(order, actor)
    return _move(order, S.WITHDRAWN, actor=actor, note=reason, reason=reason, closed_at=timezone.now())


@transaction.atomic
def order_revert(*, order: WorkOrder, actor: Any, reason: str) -> WorkOrder:
    """退受理: undo the business after processing, where the business type allows it, with a reason."""
    order = _lock(order)
    _require(actor, order.hall)
    if order.status not in PROCESSED:
        raise _refuse_move(order, S.REVERTED)
    if not order.business_type.revertible:
        raise Unprocessable(
            _("%(business)s cannot be reverted.") % {"business": order.business_type.display_name},
            code="not_revertible",
        )
    reason = _note(reason)
    if not reason:
        raise Unprocessable(_("Give the reason for reverting the business."), code="reason_required")
    actions.undo(order, actor)
    if order.status == S.PAYMENT:
        # Imported here: promotions builds on orders. An unpaid order gives its points back.
        from servicehall.promotions.services import promotions_release

        promotions_release(order=order, actor=actor)
    now = timezone.now()
    FollowUpTask.objects.filter(order=order, status=FollowUpTask.Status.OPEN).update(
        status=FollowUpTask.Status.CANCELLED, done_at=now
    )
    return _move(order, S.REVERTED, actor=actor, note=reason, now=now, reason=reason, work_pending=False, closed_at=now)


# --- review (ACC04) -------------------------------------------------------------------------


@transaction.atomic
def order_review(*, order: WorkOrder, actor: Any, approve: bool, reason: str = "") -> WorkOrder:
    """The duty manager approves (→ processing) or rejects with a reason (→ rejected).

    Needs the hall's MANAGE_QUEUE capability (duty manager, hall administrator),
    and somebody other than the clerk who opened or accepted the order.
    """
    order = _lock(order)
    if not user_can(user=actor, hall=order.hall, capability=C.MANAGE_QUEUE):
        raise Forbidden(_("Only a duty manager of the hall may review orders."), code="not_reviewer")
    if getattr(actor, "pk", None) in (order.clerk_id, order.accepted_by_id):
        raise Forbidden(_("You accepted this order yourself; another duty manager must review it."), code="same_person")
    if order.status != S.REVIEW:
        raise _refuse_move(order, S.PROCESSING if approve else S.REJECTED)
    reason = _note(reason)
    if not approve and not reason:
        raise Unprocessable(_("Give the reason for the rejection."), code="reason_required")
    now = timezone.now()
    ReviewDecision.objects.create(order=order, decided_by=actor, approved=approve, reason=reason, at=now)
    if approve:
        return _move(order, S.PROCESSING, actor=actor, note=reason, now=now)
    _release_held_number(order, actor)
    return _move(order, S.REJECTED, actor=actor, note=reason, now=now, reason=reason, closed_at=now)


# --- customer, proxy and new owner ----------------------------------------------------------------


def _lock_early(order: WorkOrder, actor: Any, what: str) -> WorkOrder:
    """Lock an order whose parties, identity, documents or checklist may still change (up to acceptance)."""
    order = _lock(order)
    _require(actor, order.hall)
    if order.status not in UP_TO_ACCEPTANCE:
        raise Conflict(
            _("%(what)s can only change until the order passes acceptance; it is at %(status)s.")
            % {"what": what, "status": _status_label(order.status)},
            code="too_late",
        )
    return order


@transaction.atomic
def order_set_customer(*, order: WorkOrder, actor: Any, customer: Any, service: Any = None) -> WorkOrder:
    """Who the order is for (the owner) and which of their services it acts on."""
    order = _lock_early(order, actor, _("The customer"))
    if customer is None and service is not None:
        customer = service.customer
    _check_customer(order.hall, customer)
    _check_service(order.hall, order.business_type, customer, service)
    WorkOrder.objects.filter(pk=order.pk).update(customer=customer, service=service, updated_at=timezone.now())
    order.customer, order.service = customer, service
    audit_record(
        actor=actor,
        action="order.customer",
        obj=order,
        hall=order.hall,
        data={"customer": getattr(customer, "pk", None), "service": getattr(service, "pk", None)},
    )
    return order


@transaction.atomic
def order_set_proxy(*, order: WorkOrder, actor: Any, proxy: Any) -> WorkOrder:
    """A proxy (代办人) acts for the owner; a new proxy needs a new authorisation. None: the owner is here."""
    order = _lock_early(order, actor, _("The proxy"))
    _check_customer(order.hall, proxy)
    if proxy is not None and proxy.pk == order.customer_id:
        raise Unprocessable(_("The owner cannot be their own proxy."), code="proxy_is_owner")
    WorkOrder.objects.filter(pk=order.pk).update(
        proxy=proxy, proxy_authorised_at=None, proxy_authorised_by=None, updated_at=timezone.now()
    )
    order.proxy, order.proxy_authorised_at, order.proxy_authorised_by = proxy, None, None
    audit_record(
        actor=actor, action="order.proxy", obj=order, hall=order.hall, data={"proxy": getattr(proxy, "pk", None)}
    )
    return order


@transaction.atomic
def order_record_authorisation(*, order: WorkOrder, actor: Any) -> WorkOrder:
    """The clerk has the owner's signed authorisation (授权委托书) for the proxy in hand."""
    order = _lock_early(order, actor, _("The authorisation"))
    if order.proxy_id is None:
        raise Unprocessable(_("Choose the proxy first."), code="proxy_missing")
    now = timezone.now()
    WorkOrder.objects.filter(pk=order.pk).update(proxy_authorised_at=now, proxy_authorised_by=actor, updated_at=now)
    order.proxy_authorised_at, order.proxy_authorised_by = now, actor
    audit_record(actor=actor, action="order.authorisation", obj=order, hall=order.hall, data={"proxy": order.proxy_id})
    return order


@transaction.atomic
def order_set_counterparty(*, order: WorkOrder, actor: Any, counterparty: Any) -> WorkOrder:
    """The new owner of a transfer of ownership."""
    order = _lock_early(order, actor, _("The new owner"))
    _check_customer(order.hall, counterparty)
    if counterparty is not None and counterparty.pk == order.customer_id:
        raise Unprocessable(_("The new owner must be somebody else than the owner."), code="counterparty_is_owner")
    WorkOrder.objects.filter(pk=order.pk).update(counterparty=counterparty, updated_at=timezone.now())
    order.counterparty = counterparty
    audit_record(
        actor=actor,
        action="order.counterparty",
        obj=order,
        hall=order.hall,
        data={"counterparty": getattr(counterparty, "pk", None)},
    )
    return order


@transaction.atomic
def order_update_details(*, order: WorkOrder, actor: Any, details: dict[str, Any]) -> WorkOrder:
    """The business inputs (package chosen, new address …) until processing runs them."""
    order = _lock(order)
    _require(actor, order.hall)
    if order.status not in BEFORE_PROCESSING:
        raise Conflict(_("The business details cannot change after processing."), code="too_late")
    details = _clean_details(details)
    WorkOrder.objects.filter(pk=order.pk).update(details=details, updated_at=timezone.now())
    order.details = details
    audit_record(actor=actor, action="order.details", obj=order, hall=order.hall, data={"keys": sorted(details)})
    return order


# --- identity (ACC02) ----------------------------------------------------------------------


@transaction.atomic
def order_identity_check(*, order: WorkOrder, actor: Any, document: Any, party: str, method: str) -> IdentityCheck:
    """Record that an ID document was checked against the owner, the proxy or the new owner."""
    order = _lock_early(order, actor, _("The identity check"))
    if party not in IdentityParty.values:
        raise Unprocessable(_("Choose whose document it is: owner, proxy or new owner."), code="bad_party")
    if method not in IdentityMethod.values:
        raise Unprocessable(_("Choose how the document was checked."), code="bad_method")
    person = {
        IdentityParty.OWNER: order.customer,
        IdentityParty.PROXY: order.proxy,
        IdentityParty.COUNTERPARTY: order.counterparty,
    }[IdentityParty(party)]
    if person is None:
        raise Unprocessable(
            _("Choose the %(party)s of the order first.") % {"party": IdentityParty(party).label.lower()},
            code="party_missing",
        )
    if document.customer_id != person.pk:
        raise Unprocessable(
            _("This ID document does not belong to the %(party)s.") % {"party": IdentityParty(party).label.lower()},
            code="document_mismatch",
        )
    if document.valid_until is not None and document.valid_until < order.hall.local_date():
        raise Unprocessable(
            _("This ID document expired on %(date)s.") % {"date": document.valid_until.isoformat()},
            code="document_expired",
        )
    already = _identity_check_recorded(order, document, party)
    if already is not None:
        # A second click (or a second tab) records nothing new: the order's lock makes this check
        # and the insert below one step, so two requests at once still leave one record.
        return already
    check = IdentityCheck.objects.create(
        order=order, document=document, party=party, method=method, checked_by=actor, at=timezone.now()
    )
    audit_record(
        actor=actor,
        action="order.identity_check",
        obj=order,
        hall=order.hall,
        data={"party": party, "method": method, "document": document.pk},
    )
    return check


def _identity_check_recorded(order: WorkOrder, document: Any, party: str) -> IdentityCheck | None:
    """The check of this document for this party, if one is on record already (call with the order locked)."""
    return IdentityCheck.objects.filter(order=order, document=document, party=party).order_by("id").first()


# --- documents (ACC03) ----------------------------------------------------------------------


def _document(order: WorkOrder, code: str) -> OrderDocument:
    document = OrderDocument.objects.filter(order=order, code=code).first()
    if document is None:
        raise NotFound(_("This business does not need a document %(code)s.") % {"code": code})
    return document


@transaction.atomic
def order_document_seen(*, order: WorkOrder, code: str, actor: Any, seen: bool = True) -> OrderDocument:
    """Tick (or untick) a required document as seen in the original."""
    order = _lock_early(order, actor, _("The documents"))
    document = _document(order, code)
    now = timezone.now()
    document.seen, document.seen_by, document.seen_at = seen, (actor if seen else None), (now if seen else None)
    document.save(update_fields=["seen", "seen_by", "seen_at"])
    audit_record(
        actor=actor, action="order.document_seen", obj=order, hall=order.hall, data={"code": code, "seen": seen}
    )
    return document


def document_max_bytes() -> int:
    return int(getattr(settings, "ORDER_DOCUMENT_MAX_BYTES", DOCUMENT_MAX_BYTES))


def sniff_file_type(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) from the file's first bytes; None for anything but JPEG, PNG or PDF."""
    for magic, content_type, extension in FILE_SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    return None


def _check_upload(upload: UploadedFile) -> tuple[str, str]:
    limit = document_max_bytes()
    if upload.size is None or upload.size == 0:
        raise Unprocessable(_("The file is empty."), code="empty_file")
    if upload.size > limit:
        raise Unprocessable(
            _("The file is too large (%(size)s MB); at most %(limit)s MB.")
            % {"size": f"{upload.size / 1048576:.1f}", "limit": f"{limit / 1048576:.0f}"},
            code="file_too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff_file_type(head)
    if kind is None:
        raise Unprocessable(_("Only JPEG or PNG photos and PDF scans can be kept."), code="bad_file_type")
    return kind


@transaction.atomic
def order_document_upload(*, order: WorkOrder, code: str, actor: Any, upload: UploadedFile) -> OrderDocument:
    """Keep a scan or photo of a required document with the order (资料凭证入封套)."""
    order = _lock(order)
    _require(actor, order.hall)
    if order.status in ENDED and order.status != S.CLOSED:
        raise Conflict(_("Nothing more is filed with an order that ended this way."), code="order_ended")
    document = _document(order, code)
    if document.file:
        raise Conflict(_("A scan of this document is already kept with the order."), code="already_uploaded")
    content_type, extension = _check_upload(upload)
    document.file.save(f"scan.{extension}", upload, save=False)
    document.file_type = content_type
    document.file_size = upload.size or 0
    document.uploaded_by = actor
    document.uploaded_at = timezone.now()
    document.save(update_fields=["file", "file_type", "file_size", "uploaded_by", "uploaded_at"])
    audit_record(
        actor=actor,
        action="order.document_upload",
        obj=order,
        hall=order.hall,
        data={"code": code, "type": content_type, "size": document.file_size},
    )
    return document


# --- anti-fraud (PRIV03) ---------------------------------------------------------------------


@transaction.atomic
def order_record_fraud_check(
    *, order: WorkOrder, actor: Any, answers: dict[str, str], override_note: str = ""
) -> WorkOrder:
    """Keep the answers of the anti-fraud checklist walked with the customer.

    Every question must be answered "yes" or "no". An answer that points to
    fraud blocks acceptance unless the clerk writes why it is safe to go on
    (`override_note`); such an order then goes to the duty manager's review
    even when its business type does not normally need one.
    """
    order = _lock_early(order, actor, _("The anti-fraud checklist"))
    if not order.business_type.risky:
        raise Unprocessable(_("This business has no anti-fraud checklist."), code="not_risky")
    questions = selectors.fraud_questions(business=order.business_type)
    if not isinstance(answers, dict):
        raise Unprocessable(_("Answer every question of the checklist."), code="answers_missing")
    expected = {q.code for q in questions}
    given = {str(k): str(v).lower() for k, v in answers.items()}
    if set(given) != expected or any(v not in ("yes", "no") for v in given.values()):
        raise Unprocessable(_("Answer every question of the checklist with yes or no."), code="answers_missing")
    unsafe = [q.code for q in questions if given[q.code] != q.safe_answer]
    note = _note(override_note) if unsafe else ""
    now = timezone.now()
    changes = {
        "fraud_answers": given,
        "fraud_unsafe": bool(unsafe),
        "fraud_override_note": note,
        "fraud_checked_at": now,
        "fraud_checked_by": actor,
    }
    WorkOrder.objects.filter(pk=order.pk).update(updated_at=now, **changes)
    for field, value in changes.items():
        setattr(order, field, value)
    audit_record(
        actor=actor,
        action="order.anti_fraud",
        obj=order,
        hall=order.hall,
        data={"unsafe": unsafe, "override": bool(note)},
    )
    return order


# --- confirmation (ACC05) and payment -----------------------------------------------------------


def _check_signature(signature: str) -> str:
    signature = (signature or "").strip()
    if not signature:
        raise Unprocessable(_("The customer has not signed yet."), code="signature_missing")
    if len(signature) > SIGNATURE_MAX_CHARS:
        raise Unprocessable(_("The signature is too large."), code="bad_signature")
    match = PNG_DATA_URL.match(signature)
    if match:
        try:
            image = base64.b64decode(match.group(1), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise Unprocessable(_("The signature could not be read."), code="bad_signature") from exc
        if not image.startswith(b"\x89PNG\r\n\x1a\n"):
            raise Unprocessable(_("The signature could not be read."), code="bad_signature")
        return signature
    if SVG_PATH.match(signature):
        return signature
    raise Unprocessable(_("The signature could not be read."), code="bad_signature")


@transaction.atomic
def order_confirm(*, order: WorkOrder, actor: Any, method: str, signature: str = "") -> Confirmation:
    """The customer confirms the summary and fees (signature, or the clerk's tick); the order moves on."""
    order = _lock(order)
    _require(actor, order.hall)
    if order.status != S.CONFIRMATION:
        raise Conflict(
            _("Order %(number)s is at %(status)s: there is nothing to confirm.")
            % {"number": order.number, "status": _status_label(order.status)},
            code="illegal_move",
        )
    if Confirmation.objects.filter(order=order).exists():
        raise Conflict(_("The customer has already confirmed this order."), code="already_confirmed")
    if method not in ConfirmationMethod.values:
        raise Unprocessable(_("Choose how the customer confirms."), code="bad_method")
    signature = _check_signature(signature) if method == ConfirmationMethod.SIGNATURE else ""
    summary = "\n".join(selectors.order_summary_lines(order=order))
    now = timezone.now()
    confirmation = Confirmation.objects.create(
        order=order,
        summary=summary,
        fee_total=order.fee_total,
        method=method,
        signature=signature,
        confirmed_by=actor,
        at=now,
    )
    audit_record(
        actor=actor,
        action="order.confirm",
        obj=order,
        hall=order.hall,
        data={"method": method, "fees": str(order.fee_total)},
    )
    _advance_locked(order, after_confirmation(order), actor=actor, note="")
    return confirmation


@transaction.atomic
def order_record_payment_elsewhere(*, order: WorkOrder, actor: Any, reference: str = "") -> WorkOrder:
    """Mark the fees paid outside this system. For tests and the demo; the counter pays through billing."""
    return order_record_payment(
        order=order, actor=actor, reference=reference, action="order.paid_elsewhere", note=_("Paid elsewhere")
    )


@transaction.atomic
def order_record_payment(
    *, order: WorkOrder, actor: Any, reference: str, action: str = "order.paid", note: str = ""
) -> WorkOrder:
    """The order's fees were paid (`reference`: the receipt number); the order leaves the payment step."""
    order = _lock(order)
    _require(actor, order.hall)
    if order.status != S.PAYMENT:
        raise _refuse_move(order, after_payment(order))
    now = timezone.now()
    reference = (reference or "")[:64]
    WorkOrder.objects.filter(pk=order.pk).update(paid_at=now, payment_reference=reference)
    order.paid_at, order.payment_reference = now, reference
    audit_record(
        actor=actor,
        action=action,
        obj=order,
        hall=order.hall,
        data={"fees": str(order.fee_total), "reference": reference},
    )
    note = note or _("Paid, receipt %(number)s") % {"number": reference}
    return _advance_locked(order, after_payment(order), actor=actor, note=note)


# --- follow-up and outstanding work ----------------------------------------------------------------


@transaction.atomic
def followup_task_complete(*, task: FollowUpTask, actor: Any, note: str = "") -> FollowUpTask:
    """The call-back was made: the task is done and the order closes."""
    task = FollowUpTask.objects.select_for_update().select_related("order__hall").get(pk=task.pk)
    _require(actor, task.order.hall, C.VIEW_HALL)
    if task.status != FollowUpTask.Status.OPEN:
        raise Conflict(_("This follow-up is not open."), code="not_open")
    order = _lock(task.order)
    if order.status == S.FOLLOW_UP:
        _advance_locked(order, S.CLOSED, actor=actor, note=_note(note))
    task.refresh_from_db()
    if task.status == FollowUpTask.Status.OPEN:
        task.status, task.done_at = FollowUpTask.Status.DONE, timezone.now()
    task.note = _note(note)
    task.save(update_fields=["status", "done_at", "note"])
    return task


@transaction.atomic
def order_mark_work_done(*, order: WorkOrder, actor: Any) -> WorkOrder:
    """The outstanding work of a processed order (installation, meter job) is finished."""
    order = _lock(order)
    _require(actor, order.hall)
    if not order.work_pending:
        raise Conflict(_("This order has no outstanding work."), code="no_pending_work")
    if InstallationJob.objects.filter(order=order, status__in=JOB_OPEN_STATUSES).exists():
        raise Conflict(
            _("An installation job of this order is still open: report the technician's result instead."),
            code="job_open",
        )
    WorkOrder.objects.filter(pk=order.pk).update(work_pending=False, updated_at=timezone.now())
    order.work_pending = False
    audit_record(actor=actor, action="order.work_done", obj=order, hall=order.hall, data={"number": order.number})
    return order


# --- recommendations (ACC07) ---------------------------------------------------------------------


@transaction.atomic
def order_record_recommendation(
    *, order: WorkOrder, actor: Any, business_type: BusinessType, outcome: str
) -> RecommendationRecord:
    """What the customer said to a recommended business after theirs was done."""
    order = _lock(order)
    _require(actor, order.hall)
    if order.status not in PROCESSED:
        raise Conflict(_("Recommend other business once this one is done."), code="too_early")
    if business_type.hall_id != order.hall_id:
        raise NotFound(_("There is no such business type in this hall."))
    if outcome not in RecommendationOutcome.values:
        raise Unprocessable(_("Choose accepted, declined or later."), code="bad_outcome")
    record = RecommendationRecord.objects.create(
        order=order, business_type=business_type, outcome=outcome, by=actor, at=timezone.now()
    )
    audit_record(
        actor=actor,
        action="order.recommendation",
        obj=order,
        hall=order.hall,
        data={"business_type": business_type.code, "outcome": outcome},
    )
    return record


# --- business details (the inputs of the business action) -------------------------------------------


@transaction.atomic
def order_set_details(*, order: WorkOrder, actor: Any, data: Any) -> WorkOrder:
    """Check the business inputs with the business type's details form and keep them on the order.

    `data` is what the form posted (or the API's `details`). A business type
    without a form keeps any small set of named values. Invalid input is a 422
    naming the field (`extra["field"]`); nothing is written. The handler may
    act on the inputs before they are kept (`prepare_details`: the mobile
    opening holds the chosen pool number for the order).
    """
    order = _lock(order)
    _require(actor, order.hall)
    if not selectors.details_editable(order):
        raise Conflict(
            _("The business details can only be changed before the business is carried out (not during review)."),
            code="too_late",
        )
    form = selectors.details_validated(order=order, data=data)
    details = _clean_details(data) if form is None else selectors.details_to_json(form.cleaned_data, hall=order.hall)
    prepare = getattr(actions.handler_for(order.business_type.action), "prepare_details", None)
    if prepare is not None:
        details = prepare(order, actor, details)
    return order_update_details(order=order, actor=actor, details=details)


# --- the pool number held for a mobile opening (BT01) --------------------------------------------------


def _held_entry(order: WorkOrder) -> Any:
    from servicehall.customers.models import NumberPoolEntry

    reserved_id = WorkOrder.objects.filter(pk=order.pk).values_list("reserved_number_id", flat=True).first()
    if reserved_id is None:
        return None
    return NumberPoolEntry.objects.select_for_update().select_related("hall").filter(pk=reserved_id).first()


def _release_held_number(order: WorkOrder, actor: Any) -> None:
    """The order ends without opening: its held number goes back to the pool."""
    from servicehall.customers.models import NumberPoolEntry
    from servicehall.customers.services import number_pool_release

    held = _held_entry(order)
    if held is None or held.status != NumberPoolEntry.Status.RESERVED:
        return
    number_pool_release(actor=actor, entry=held)
    WorkOrder.objects.filter(pk=order.pk).update(reserved_number=None)
    order.reserved_number = None


def _same_number(a: str, b: str) -> bool:
    from servicehall.lib.phones import phone_normalise_or_none

    return (phone_normalise_or_none(a) or a) == (phone_normalise_or_none(b) or b)


@transaction.atomic
def order_hold_number(*, order: WorkOrder, actor: Any, number: str = "") -> Any:
    """Reserve a free number of the hall's pool for this order (the chosen one, or the first free).

    The number the order held before goes back to the pool. Two orders never
    hold one number: reserving is a compare-and-set free → reserved, so the
    second clerk gets a 409 and chooses another. A hold lasts NUMBER_HOLD_MINUTES
    from the last time the order was worked on; after that another order may take
    the number, and the order that held it loses it (its link is cleared here).
    """
    from servicehall.customers.models import NumberPoolEntry
    from servicehall.customers.services import number_pool_release, number_pool_renew_hold, number_pool_reserve

    order = _lock(order)
    _require(actor, order.hall)
    if order.status not in BEFORE_PROCESSING:
        raise Conflict(_("The number is chosen before the business is carried out."), code="too_late")
    held = _held_entry(order)
    holding = held is not None and held.status == NumberPoolEntry.Status.RESERVED
    if holding and (not number or _same_number(held.number, number)):
        number_pool_renew_hold(entry=held)
        return held
    entry = number_pool_reserve(actor=actor, hall=order.hall, number=number)
    if holding:
        number_pool_release(actor=actor, entry=held)
    # An order whose hold expired and went to this one no longer holds the number.
    WorkOrder.objects.filter(reserved_number=entry).exclude(pk=order.pk).update(reserved_number=None)
    WorkOrder.objects.filter(pk=order.pk).update(reserved_number=entry, updated_at=timezone.now())
    order.reserved_number = entry
    audit_record(actor=actor, action="order.number_held", obj=order, hall=order.hall, data={"pool_entry": entry.pk})
    return entry


def order_take_number(*, order: WorkOrder, actor: Any, number: str = "") -> Any:
    """At processing: the order's held number (or the one asked for, held now) becomes taken."""
    from servicehall.customers.services import number_pool_take

    with transaction.atomic():
        entry = order_hold_number(order=order, actor=actor, number=number)
        return number_pool_take(actor=actor, entry=entry)
