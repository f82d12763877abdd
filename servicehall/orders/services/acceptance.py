"""What acceptance checks, recorded at the counter: the ID documents checked (ACC02), the required documents
seen and their scans kept (ACC03), and the anti-fraud checklist walked with the customer (PRIV03).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import Conflict, NotFound, Unprocessable
from servicehall.core.services import audit_record
from servicehall.core.uploads import FILE_SIGNATURES, check_upload, sniff_file_type  # noqa: F401 - re-exported
from servicehall.org.permissions import require_capability
from servicehall.org.roles import Capability

from .. import selectors
from ..models import IdentityCheck, IdentityMethod, IdentityParty, OrderDocument, WorkOrder
from ..states import ENDED
from ._common import S, _lock, _lock_early, _note

DOCUMENT_MAX_BYTES = 5 * 1024 * 1024


# --- identity (ACC02) -------------------------------------------------------------------------------


@transaction.atomic
def order_identity_check(*, order: WorkOrder, actor: Actor, document: Any, party: str, method: str) -> IdentityCheck:
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
    checker = acting_user(actor)
    assert checker is not None  # _lock_early's role check lets only a signed-in member through
    check = IdentityCheck.objects.create(
        order=order, document=document, party=party, method=method, checked_by=checker, at=timezone.now()
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


# --- documents (ACC03) ------------------------------------------------------------------------------


def _document(order: WorkOrder, code: str) -> OrderDocument:
    document = OrderDocument.objects.filter(order=order, code=code).first()
    if document is None:
        raise NotFound(_("This business does not need a document %(code)s.") % {"code": code})
    return document


@transaction.atomic
def order_document_seen(*, order: WorkOrder, code: str, actor: Actor, seen: bool = True) -> OrderDocument:
    """Tick (or untick) a required document as seen in the original."""
    order = _lock_early(order, actor, _("The documents"))
    document = _document(order, code)
    now = timezone.now()
    document.seen, document.seen_by = seen, (acting_user(actor) if seen else None)
    document.seen_at = now if seen else None
    document.save(update_fields=["seen", "seen_by", "seen_at"])
    audit_record(
        actor=actor, action="order.document_seen", obj=order, hall=order.hall, data={"code": code, "seen": seen}
    )
    return document


def document_max_bytes() -> int:
    return int(getattr(settings, "ORDER_DOCUMENT_MAX_BYTES", DOCUMENT_MAX_BYTES))


def _check_upload(upload: UploadedFile) -> tuple[str, str]:
    return check_upload(upload, max_bytes=document_max_bytes())


@transaction.atomic
def order_document_upload(*, order: WorkOrder, code: str, actor: Actor, upload: UploadedFile) -> OrderDocument:
    """Keep a scan or photo of a required document with the order (资料凭证入封套)."""
    order = _lock(order)
    require_capability(actor, order.hall, Capability.SERVE)
    if order.status in ENDED and order.status != S.CLOSED:
        raise Conflict(_("Nothing more is filed with an order that ended this way."), code="order_ended")
    document = _document(order, code)
    if document.file:
        raise Conflict(_("A scan of this document is already kept with the order."), code="already_uploaded")
    content_type, extension = _check_upload(upload)
    document.file.save(f"scan.{extension}", upload, save=False)
    document.file_type = content_type
    document.file_size = upload.size or 0
    document.uploaded_by = acting_user(actor)
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


# --- anti-fraud (PRIV03) ----------------------------------------------------------------------------


@transaction.atomic
def order_record_fraud_check(
    *, order: WorkOrder, actor: Actor, answers: dict[str, str], override_note: str = ""
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
