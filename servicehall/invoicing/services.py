"""Every write of invoices (PAY03): issue, void, reissue.

Rules:

* An invoice covers succeeded payments of one customer in one hall; each line
  invoices what is left of its payment: what billing says is still refundable
  (the amount less refunds requested, approved or paid: money that is or may be
  going back is not invoiced), less what issued invoices already cover. A payment with nothing left
  is refused (409 `already_invoiced`), so an amount is never invoiced twice.
* The payments' rows are locked (`select_for_update`, in id order, so two
  requests never wait on each other crosswise) before the invoiced sums are read;
  a concurrent request for the same payment waits, then sees the first invoice's
  lines and is refused.
* The number comes from the hall's sequence row in the same transaction (an
  upsert, like receipts): no gaps, no repeats.
* Voiding keeps the invoice with its reason, who and when; the amounts become
  invoiceable again. A reissue voids and issues the replacement (`replaces`) in
  one transaction.
* Once today's settlement of the hall is closed (CASH04), no invoice is issued
  or voided there until the next day (409 `day_closed`), as with payments.
* Tax: the total includes tax; tax = total − total / (1 + rate), rounded half-up
  to the fen (lib.money's rule for computed amounts).
* Online (扫码开票): the customer requests the invoice of one receipt themselves with
  the hall, the receipt number and the invoice code printed on it, without signing
  in. A wrong hall, number or code gets the same "not found"; only once all three
  match does the customer learn anything else (fully invoiced, day closed). The
  invoice is issued for the payment's customer, channel "online", with no staff
  member as its issuer, and covers what is left of the payment.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from servicehall.billing import selectors as billing_selectors
from servicehall.billing.locks import money_rows_lock
from servicehall.billing.models import Payment, PaymentStatus, Receipt
from servicehall.cashdesk import services as cashdesk_services
from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import Conflict, NotFound, Unprocessable
from servicehall.core.sequences import sequence_next
from servicehall.core.services import audit_record
from servicehall.core.states import transition
from servicehall.customers.models import Customer
from servicehall.lib import identity, money
from servicehall.org.models import Hall
from servicehall.org.permissions import require_capability
from servicehall.org.roles import Capability

from .models import (
    BuyerKind,
    Invoice,
    InvoiceChannel,
    InvoiceLine,
    InvoiceSequence,
    InvoiceStatus,
    invoice_number,
)
from .states import INVOICE_TABLE

MAX_PAYMENTS = 50
TITLE_MAX = 200
REASON_MAX = 200
# Download codes: no 0/O, 1/I/L, so a customer can read them off a slip.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10


# --- arithmetic ----------------------------------------------------------------------------------


def invoice_tax(total: Decimal, rate: Decimal) -> Decimal:
    """The tax included in `total` at `rate`: total − total / (1 + rate), half-up to the fen."""
    if rate < 0:
        raise money.MoneyError("bad_rate")
    return money.quantize_cny(total - total / (1 + rate))


# --- reads used by the writes (and by selectors) -----------------------------------------------------


def payment_customer_q(customer: Customer) -> Q:
    """Payments of the customer: their own customer, or (older payments) their order's."""
    return Q(customer=customer) | Q(customer__isnull=True, order__customer=customer)


def payment_customer_id(payment: Payment) -> int | None:
    if payment.customer_id is not None:
        return payment.customer_id
    return payment.order.customer_id if payment.order is not None else None


def invoiced_amounts(payment_ids: Iterable[int]) -> dict[int, Decimal]:
    """Per payment: what issued (not voided) invoices cover."""
    rows = (
        InvoiceLine.objects.filter(payment_id__in=list(payment_ids), invoice__status=InvoiceStatus.ISSUED)
        .values("payment_id")
        .annotate(covered=Sum("amount"))
    )
    return {row["payment_id"]: row["covered"] or money.ZERO for row in rows}


def invoiceable_amounts(payments: list[Payment]) -> dict[int, Decimal]:
    """Per payment: what is left to invoice (never negative).

    Billing's `refundable_amounts` is the paid amount less the refunds that hold money (requested,
    approved, paid), so the refund rule lives in one place; what issued invoices cover comes off that.
    """
    invoiced = invoiced_amounts([p.pk for p in payments])
    refundable = billing_selectors.refundable_amounts(payments=payments)
    return {p.pk: max(refundable[p.pk] - invoiced.get(p.pk, money.ZERO), money.ZERO) for p in payments}


# --- checks -------------------------------------------------------------------------------------------


def _check_day_open(hall: Hall) -> None:
    cashdesk_services.day_open_require(
        hall=hall,
        refusal=_("Today's money in this hall is already settled and closed: no invoice can be issued or voided."),
    )


def _text(value: Any, max_length: int) -> str:
    return " ".join(str(value or "").split())[: max_length + 1]


def _buyer(*, kind: Any, title: Any, tax_number: Any, customer: Customer | None) -> tuple[str, str, str]:
    if kind not in BuyerKind.values:
        raise Unprocessable(_("Choose a personal or an enterprise buyer."), code="bad_buyer_kind")
    title_text = _text(title, TITLE_MAX)
    tax_text = _text(tax_number, 64)
    if len(title_text) > TITLE_MAX:
        raise Unprocessable(
            _("The buyer title may have at most %(max)d characters.") % {"max": TITLE_MAX}, code="bad_title"
        )
    if kind == BuyerKind.PERSONAL:
        if tax_text:
            raise Unprocessable(_("A personal invoice carries no tax number."), code="tax_number_not_allowed")
        if not title_text and customer is None:
            raise Unprocessable(_("Enter the buyer title: the name to print on the invoice."), code="title_missing")
        return str(kind), title_text or (customer.name[:TITLE_MAX] if customer else ""), ""
    if not title_text:
        raise Unprocessable(_("Enter the enterprise's name as the buyer title."), code="title_missing")
    if not tax_text:
        raise Unprocessable(
            _("An enterprise invoice needs the buyer's tax number (unified social credit code)."),
            code="tax_number_missing",
        )
    try:
        code = identity.uscc_validate(tax_text)
    except identity.IdentityError as exc:
        raise Unprocessable(
            _("%(number)s is not a valid unified social credit code: check the 18 characters.")
            % {"number": tax_text[:24]},
            code="bad_tax_number",
        ) from exc
    return str(kind), title_text, code


def _payment_ids(values: Any) -> list[int]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise Unprocessable(_("Choose the payments to invoice."), code="no_payments")
    ids: set[int] = set()
    for value in values:
        try:
            pk = int(value)
        except (TypeError, ValueError) as exc:
            raise NotFound(_("There is no such payment.")) from exc
        if not 0 < pk < 2**63:
            raise NotFound(_("There is no such payment."))
        ids.add(pk)
    if not ids:
        raise Unprocessable(_("Choose the payments to invoice."), code="no_payments")
    if len(ids) > MAX_PAYMENTS:
        raise Unprocessable(
            _("One invoice covers at most %(max)d payments.") % {"max": MAX_PAYMENTS}, code="too_many_payments"
        )
    return sorted(ids)


def _lock_payments(hall: Hall, ids: list[int]) -> list[Payment]:
    """The payments, locked in id order after their customers and services (billing's money lock order:
    concurrent money requests never deadlock)."""
    rows = money_rows_lock(hall=hall, payments=ids)
    return [rows.payments[pk] for pk in sorted(rows.payments)]


def _check_payments(payments: list[Payment], customer: Customer | None) -> dict[int, Decimal]:
    """`customer` None: payments of no customer (invoiced to the buyer named on the request)."""
    for payment in payments:
        if payment.status != PaymentStatus.SUCCEEDED:
            raise Conflict(
                _("Payment %(id)s has not succeeded; only money received can be invoiced.") % {"id": payment.pk},
                code="payment_not_succeeded",
            )
        if customer is None and payment_customer_id(payment) is not None:
            raise Unprocessable(
                _("Payment %(id)s is a customer's payment: invoice it from the customer's invoice page.")
                % {"id": payment.pk},
                code="other_customer",
            )
        if customer is not None and payment_customer_id(payment) != customer.pk:
            raise Unprocessable(
                _("Payment %(id)s is not a payment of this customer.") % {"id": payment.pk}, code="other_customer"
            )
    left = invoiceable_amounts(payments)
    for payment in payments:
        if left[payment.pk] <= 0:
            raise Conflict(
                _("Payment %(id)s (%(amount)s yuan) is already invoiced or refunded; it cannot be invoiced again.")
                % {"id": payment.pk, "amount": payment.amount},
                code="already_invoiced",
            )
    return left


def _next_invoice_number(*, hall: Hall) -> str:
    """The hall's next invoice number (core.sequences), gapless like receipts."""
    return invoice_number(sequence_next(model=InvoiceSequence, key={"hall": hall}))


def _download_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Invoice.objects.filter(download_code=code).exists():
            return code


# --- issue ------------------------------------------------------------------------------------------


def invoice_issue(
    *,
    hall: Hall,
    actor: Actor,
    customer: Customer,
    payment_ids: Any,
    buyer_kind: Any,
    buyer_title: Any = "",
    tax_number: Any = "",
    channel: str = InvoiceChannel.COUNTER,
) -> Invoice:
    """Issue one invoice for the customer's payments in the hall: each line what is left of its payment."""
    require_capability(actor, hall, Capability.SERVE)
    if customer.company_id != hall.company_id:
        raise NotFound(_("There is no such customer."))
    kind, title, code = _buyer(kind=buyer_kind, title=buyer_title, tax_number=tax_number, customer=customer)
    ids = _payment_ids(payment_ids)
    _check_day_open(hall)
    with transaction.atomic():
        return _issue_locked(hall, actor, customer, ids, kind, title, code, channel, replaces=None)


def _issue_locked(
    hall: Hall,
    actor: Actor,
    customer: Customer | None,
    ids: list[int],
    kind: str,
    title: str,
    tax_number: str,
    channel: str,
    *,
    replaces: Invoice | None,
) -> Invoice:
    payments = _lock_payments(hall, ids)
    left = _check_payments(payments, customer)
    total = sum((left[p.pk] for p in payments), money.ZERO)
    rate = settings.INVOICE_TAX_RATE
    now = timezone.now()
    invoice = Invoice.objects.create(
        hall=hall,
        number=_next_invoice_number(hall=hall),
        customer=customer,
        channel=channel,
        buyer_kind=kind,
        buyer_title=title,
        tax_number=tax_number,
        status=InvoiceStatus.ISSUED,
        total=total,
        tax_rate=rate,
        tax_amount=invoice_tax(total, rate),
        download_code=_download_code(),
        issued_by=acting_user(actor),
        issued_at=now,
        replaces=replaces,
    )
    InvoiceLine.objects.bulk_create([InvoiceLine(invoice=invoice, payment=p, amount=left[p.pk]) for p in payments])
    INVOICE_TABLE.record(invoice, from_status="", to_status=InvoiceStatus.ISSUED, actor=actor, at=now)
    audit_record(
        actor=actor,
        action="invoice.issue",
        obj=invoice,
        hall=hall,
        data={
            "number": invoice.number,
            "payments": [p.pk for p in payments],
            "total": str(total),
            "tax": str(invoice.tax_amount),
            "buyer_kind": kind,
            "channel": channel,
            "replaces": replaces.number if replaces is not None else None,
        },
    )
    return invoice


# --- payments of no customer, to the buyer named (a hotel stay, HOTEL04) ---------------------------------------


def _invoice_covering(ids: list[int]) -> Invoice | None:
    """The issued invoice whose lines are exactly these payments, each for all that is left of it."""
    for invoice in Invoice.objects.filter(status=InvoiceStatus.ISSUED, lines__payment_id=ids[0]).order_by("pk"):
        if sorted(invoice.lines.values_list("payment_id", flat=True)) == ids:
            return invoice
    return None


def invoice_issue_to_buyer(
    *,
    hall: Hall,
    actor: Actor,
    payment_ids: Any,
    buyer_kind: Any,
    buyer_title: Any,
    tax_number: Any = "",
) -> tuple[Invoice, bool]:
    """Issue one invoice for payments of no customer (a hotel guest's stay) to the buyer named on the request:
    an enterprise's name and tax number, or a person's name (always typed: there is no customer to take it
    from). Each line is what is left of its payment after refunds, as for a customer's invoice.

    Once: under the payments' locks, when nothing is left of them and one issued invoice covers exactly
    these payments, that invoice is answered again (a double click, a retry: `created` False) instead of
    a refusal. Answers (invoice, created)."""
    require_capability(actor, hall, Capability.SERVE)
    kind, title, code = _buyer(kind=buyer_kind, title=buyer_title, tax_number=tax_number, customer=None)
    ids = _payment_ids(payment_ids)
    _check_day_open(hall)
    with transaction.atomic():
        payments = _lock_payments(hall, ids)
        if len(payments) != len(ids):
            raise NotFound(_("There is no such payment."))
        left = invoiceable_amounts(payments)
        if all(left[p.pk] <= 0 for p in payments) and (done := _invoice_covering(ids)) is not None:
            return done, False
        return _issue_locked(hall, actor, None, ids, kind, title, code, InvoiceChannel.COUNTER, replaces=None), True


# --- the customer's own request online (扫码开票) ------------------------------------------------------------


def no_such_receipt_message() -> str:
    return _("No receipt matches this hall, receipt number and code. Check them on your receipt and try again.")


def _receipt_for_request(hall_code: Any, receipt_number: Any, code: Any) -> Receipt:
    """The receipt whose hall, number and invoice code all match; else one "not found" for every mismatch."""
    hall_text = str(hall_code or "").strip()[:32]
    number_text = identity.normalise(str(receipt_number or ""))[:16]
    code_text = identity.normalise(str(code or ""))[:16]
    receipt = None
    if hall_text and number_text and code_text:
        receipt = (
            Receipt.objects.select_related("hall", "payment", "payment__order")
            .filter(invoice_code=code_text, number=number_text, hall__code=hall_text)
            .first()
        )
    if receipt is None:
        raise NotFound(no_such_receipt_message())
    return receipt


def _nothing_left(payment: Payment) -> bool:
    return invoiceable_amounts([payment])[payment.pk] <= 0


def _fully_invoiced() -> Conflict:
    return Conflict(
        _(
            "This receipt is already fully invoiced (or its money was refunded): nothing is left to invoice. "
            "If you lost the invoice, ask at the counter."
        ),
        code="already_invoiced",
    )


def invoice_request_online(
    *,
    hall_code: Any,
    receipt_number: Any,
    code: Any,
    buyer_kind: Any,
    buyer_title: Any = "",
    tax_number: Any = "",
) -> Invoice:
    """The customer's own request: one invoice for what is left of the receipt's payment, channel online.

    Refusals, in this order: no such receipt (404, the same for any mismatch), a payment of no customer
    (409: the counter decides), nothing left to invoice (409), the buyer (422), the day closed (409).
    Nothing is written unless the invoice is issued.
    """
    receipt = _receipt_for_request(hall_code, receipt_number, code)
    hall, payment = receipt.hall, receipt.payment
    customer_id = payment_customer_id(payment)
    if customer_id is None:
        raise Conflict(
            _(
                "This payment is not linked to a customer account, so it cannot be invoiced online. "
                "Please ask at the counter."
            ),
            code="no_customer",
        )
    if payment.status != PaymentStatus.SUCCEEDED or _nothing_left(payment):
        raise _fully_invoiced()
    customer = Customer.objects.get(pk=customer_id)
    # Online the title is always typed: the customer's full name is never put on a PDF for whoever holds the slip.
    if buyer_kind == BuyerKind.PERSONAL and not _text(buyer_title, TITLE_MAX):
        raise Unprocessable(_("Enter the buyer title: the name to print on the invoice."), code="title_missing")
    kind, title, tax = _buyer(kind=buyer_kind, title=buyer_title, tax_number=tax_number, customer=customer)
    _check_day_open(hall)
    with transaction.atomic():
        # Under the payment's lock: a second request (or a clerk at the counter) that got here first has
        # taken what was left, so this one is told "fully invoiced" instead of failing in `_check_payments`.
        (locked,) = _lock_payments(hall, [payment.pk])
        if locked.status != PaymentStatus.SUCCEEDED or _nothing_left(locked):
            raise _fully_invoiced()
        return _issue_locked(hall, None, customer, [payment.pk], kind, title, tax, InvoiceChannel.ONLINE, replaces=None)


# --- void and reissue ------------------------------------------------------------------------------------


def _reason(value: Any) -> str:
    reason = _text(value, REASON_MAX)
    if not reason:
        raise Unprocessable(_("Give the reason for voiding the invoice."), code="reason_missing")
    if len(reason) > REASON_MAX:
        raise Unprocessable(
            _("The reason may have at most %(max)d characters.") % {"max": REASON_MAX}, code="reason_too_long"
        )
    return reason


def _already_voided(invoice: Invoice) -> Conflict:
    return Conflict(_("Invoice %(number)s is already voided.") % {"number": invoice.number}, code="already_voided")


def _void_locked(invoice: Invoice, actor: Actor, reason: str) -> Invoice:
    now = timezone.now()
    # Compare-and-set: of two clerks voiding at once, one wins and the other is told. Only an issued invoice
    # may be voided, and the database decides (the caller's instance may be stale), so `expected_from`.
    transition(
        invoice,
        InvoiceStatus.VOIDED,
        table=INVOICE_TABLE,
        expected_from=InvoiceStatus.ISSUED,
        refuse=lambda status: _already_voided(invoice),
        lost=lambda: _already_voided(invoice),
        changes={"void_reason": reason, "voided_by": actor, "voided_at": now},
        actor=actor,
        note=reason,
        now=now,
    )
    audit_record(
        actor=actor,
        action="invoice.void",
        obj=invoice,
        hall=invoice.hall,
        data={"number": invoice.number, "total": str(invoice.total), "reason": reason},
    )
    invoice.refresh_from_db()
    return invoice


def _lock_payments_of(invoice: Invoice) -> None:
    """The invoice's payments (and their customer) are locked before the invoice: the money lock order."""
    ids = InvoiceLine.objects.filter(invoice=invoice).values_list("payment_id", flat=True)
    _lock_payments(invoice.hall, sorted(ids))


def invoice_void(*, invoice: Invoice, actor: Actor, reason: Any) -> Invoice:
    """Void the invoice with a reason; it stays, and its amounts can be invoiced again."""
    require_capability(actor, invoice.hall, Capability.SERVE)
    text = _reason(reason)
    _check_day_open(invoice.hall)
    with transaction.atomic():
        _lock_payments_of(invoice)
        return _void_locked(invoice, actor, text)


def invoices_void_for_refund(*, payment: Payment, actor: Actor) -> list[Invoice]:
    """A refund of `payment` is being paid out (inside its transaction, the payment locked): void every
    issued invoice that covers it, with the reason "Refund" (退款).

    The whole invoice is voided, also when it covers other payments too: an invoice cannot be changed,
    only voided. Each of its payments is then invoiceable again for what is left of it (this payment: its
    amount less its refunds), so the clerk reissues for the remaining amount on the invoice screen."""
    covering = Invoice.objects.filter(lines__payment=payment, status=InvoiceStatus.ISSUED)
    issued = list(covering.select_related("hall").order_by("pk"))
    reason = pgettext("reason for voiding an invoice", "Refund")
    return [_void_locked(invoice, actor, reason) for invoice in issued]


def invoice_reissue(
    *,
    invoice: Invoice,
    actor: Actor,
    reason: Any,
    buyer_kind: Any,
    buyer_title: Any = "",
    tax_number: Any = "",
) -> Invoice:
    """Void the invoice and issue its replacement (same payments, the buyer as given) in one transaction."""
    require_capability(actor, invoice.hall, Capability.SERVE)
    text = _reason(reason)
    kind, title, code = _buyer(kind=buyer_kind, title=buyer_title, tax_number=tax_number, customer=invoice.customer)
    _check_day_open(invoice.hall)
    with transaction.atomic():
        _lock_payments_of(invoice)
        voided = _void_locked(invoice, actor, text)
        ids = sorted(voided.lines.values_list("payment_id", flat=True))
        return _issue_locked(
            voided.hall, actor, voided.customer, ids, kind, title, code, voided.channel, replaces=voided
        )
