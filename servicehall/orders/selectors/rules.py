"""The order's rules, shared by the services and the order page: what keeps an order in acceptance
(identity ACC02, documents ACC03, the anti-fraud checklist PRIV03, required details before review), and the
anti-fraud checklist's questions.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.catalog import selectors as catalog_selectors
from servicehall.catalog.models import BusinessType, Checklist, pick_language
from servicehall.core.errors import NotFound

from ..models import IdentityCheck, IdentityParty, OrderDocument, WorkOrder
from ..states import OrderStatus, after_acceptance
from .details import details_form_class

S = OrderStatus
ANTI_FRAUD_CHECKLIST = "anti_fraud"
# Business types whose action hands a service to a new owner: both parties are identified (ACC02, BT06, BT13).
COUNTERPARTY_ACTIONS = frozenset({"ownership_transfer", "gas_transfer"})
COUNTERPARTY_DOCUMENT = "new_owner_id"


@dataclass(frozen=True)
class Blocker:
    """Something that keeps the order in acceptance, with what to do about it."""

    code: str
    message: str


def needs_counterparty(business_type: BusinessType) -> bool:
    """Transfer of ownership: the new owner is identified as well."""
    if business_type.action in COUNTERPARTY_ACTIONS:
        return True
    return any(doc.get("code") == COUNTERPARTY_DOCUMENT for doc in business_type.required_documents)


def _checked(checks: list[IdentityCheck], party: str, customer_id: int | None) -> bool:
    """A check of the party's current person (a check of an earlier proxy does not count)."""
    return customer_id is not None and any(c.party == party and c.document.customer_id == customer_id for c in checks)


def identity_checked(*, order: WorkOrder, party: str, person_id: int | None) -> bool:
    """Whether the party's current person has been checked (the order page hides the button then)."""
    return _checked(list(order.identity_checks.all()), party, person_id)


def identity_blockers(*, order: WorkOrder, checks: list[IdentityCheck] | None = None) -> list[Blocker]:
    """ACC02: whose identity is still to be checked before the order may leave acceptance."""
    business = order.business_type
    counterparty = needs_counterparty(business)
    if not business.identity_required and not counterparty:
        return []
    if order.customer_id is None:
        return [Blocker("customer_missing", _("Choose the customer first."))]
    checks = checks if checks is not None else list(order.identity_checks.select_related("document"))
    blockers: list[Blocker] = []
    owner_seen = _checked(checks, IdentityParty.OWNER, order.customer_id)
    if order.proxy_id is None:
        if business.identity_required and not owner_seen:
            blockers.append(Blocker("identity_missing", _("Check the owner's ID document.")))
    else:
        if not _checked(checks, IdentityParty.PROXY, order.proxy_id):
            blockers.append(Blocker("identity_missing", _("Check the proxy's own ID document.")))
        if business.owner_only:
            if not owner_seen:
                blockers.append(
                    Blocker("identity_missing", _("Owner-only business: a proxy needs the owner's ID document too."))
                )
            if order.proxy_authorised_at is None:
                blockers.append(
                    Blocker("authorisation_missing", _("Record the owner's signed authorisation for the proxy."))
                )
    if counterparty:
        if order.counterparty_id is None:
            blockers.append(Blocker("counterparty_missing", _("Choose the new owner.")))
        elif not _checked(checks, IdentityParty.COUNTERPARTY, order.counterparty_id):
            blockers.append(Blocker("identity_missing", _("Check the new owner's ID document.")))
    return blockers


def documents_needed(*, order: WorkOrder, documents: list[OrderDocument] | None = None) -> list[OrderDocument]:
    """The order's documents that count now: a proxy's own documents only while a proxy acts."""
    documents = documents if documents is not None else list(order.documents.all())
    return [d for d in documents if not d.for_proxy or order.proxy_id is not None]


def document_blockers(*, order: WorkOrder, documents: list[OrderDocument] | None = None) -> list[Blocker]:
    """ACC03: every required document seen."""
    missing = [d.display_name for d in documents_needed(order=order, documents=documents) if not d.seen]
    if not missing:
        return []
    return [
        Blocker(
            "documents_missing",
            _("These documents have not been seen yet: %(documents)s.") % {"documents": ", ".join(missing)},
        )
    ]


def fraud_blockers(*, order: WorkOrder) -> list[Blocker]:
    """PRIV03: risky business needs the checklist; a worrying answer needs the clerk's written reason to go on."""
    if not order.business_type.risky:
        return []
    if order.fraud_checked_at is None:
        return [Blocker("anti_fraud_missing", _("Walk the anti-fraud checklist with the customer first."))]
    if order.fraud_unsafe and not order.fraud_override_note.strip():
        return [
            Blocker(
                "anti_fraud_warning",
                _(
                    "An answer of the anti-fraud checklist points to fraud. Stop the business, "
                    "or write down why it is safe to go on."
                ),
            )
        ]
    return []


def details_missing(*, order: WorkOrder) -> list[str]:
    """The labels of the required business details (its handler's details form) the order does not hold yet."""
    form_class = details_form_class(order.business_type)
    if form_class is None:
        return []
    with timezone.override(order.hall.tz):
        form = form_class(data=dict(order.details or {}), order=order)
        form.is_valid()
    missing = []
    for name, errors in form.errors.as_data().items():
        if any(error.code == "required" for error in errors):
            field = form.fields.get(name)
            missing.append(str(field.label) if field is not None and field.label else name)
    return missing


def details_blockers(*, order: WorkOrder) -> list[Blocker]:
    """The duty manager decides on the full business: an order goes to review only with its required details.

    Business without review checks its details when processing runs the action.
    """
    if order.status != S.ACCEPTANCE or after_acceptance(order) != S.REVIEW:
        return []
    missing = details_missing(order=order)
    if not missing:
        return []
    return [
        Blocker(
            "details_missing",
            _("Fill in these business details before the review: %(fields)s.") % {"fields": ", ".join(missing)},
        )
    ]


def acceptance_blockers(*, order: WorkOrder) -> list[Blocker]:
    """Everything that keeps the order from leaving acceptance (ACC02, ACC03, PRIV03, required details)."""
    return (
        identity_blockers(order=order)
        + document_blockers(order=order)
        + fraud_blockers(order=order)
        + details_blockers(order=order)
    )


# --- anti-fraud checklist (PRIV03) ------------------------------------------------------------------


@dataclass(frozen=True)
class FraudQuestion:
    code: str
    text: str
    safe_answer: str  # "yes" or "no"; any other answer is a warning


def fraud_checklist(*, business: BusinessType) -> Checklist | None:
    """The anti-fraud checklist of a risky business: its own from the pack, else the hall's; None if neither."""
    own = [c for c in catalog_selectors.checklists_for_business(business=business) if c.code == ANTI_FRAUD_CHECKLIST]
    if own:
        return own[0]
    try:
        return catalog_selectors.checklist_get(hall=business.hall, code=ANTI_FRAUD_CHECKLIST)
    except NotFound:
        return None


def fraud_questions(*, business: BusinessType) -> list[FraudQuestion]:
    checklist = fraud_checklist(business=business)
    if checklist is None:
        return []
    return [
        FraudQuestion(
            code=str(item["code"]),
            text=pick_language(str(item.get("text_zh", "")), str(item.get("text_en", ""))),
            safe_answer=str(item.get("safe_answer", "no")),
        )
        for item in checklist.items
    ]
