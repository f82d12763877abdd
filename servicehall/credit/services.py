"""Every write of credit purchases (PAY05): applications, review, contract, repayments.

The customer's credit level is `Customer.credit_level`, set by `customers.services.customer_set_credit_level`.

Input rules (nothing is written when one says no):

* handset price: a positive amount in yuan with at most 2 places, at most 100 000 yuan;
* down payment: 0 or more, less than the price (the financed principal is price − down payment);
* months: 3, 6, 12 or 24;
* monthly fee rate: never typed by the clerk. It is the rate of the hall's installment offer for the term and
  the financed principal on the hall's day of filing (`promotions.selectors.installment_offer_for`, e.g.
  "12期免息" = 0), else the standard rate `CREDIT_MONTHLY_FEE_RATE` (`selectors.fee_terms_for`). The rate
  and the offer are recorded on the application, so a later change of the offer does not change the plan.
  The total fee is principal × rate × months, rounded half-up to the fen, and spread over the months like
  the principal (`lib.money.installment_schedule`): the schedule adds up exactly to principal + total fee.

Due dates: installment k falls k months after the signing day, clamped to the month's end
(signed Jan 31 → Feb 28/29 → Mar 31 → Apr 30 …).

Repayments go through billing (`payment_collect`, purpose "installment"): the payment's
`on_succeeded` books the money against the installments in order (`installment_paid`). The
reference carries the plan: "credit:<id>" for installments, "credit:<id>:early" for an early
repayment (rule in `selectors.EarlyQuote`).
"""

from __future__ import annotations

import re
import secrets
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.billing import services as billing
from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from servicehall.core.services import audit_record
from servicehall.core.states import transition
from servicehall.customers.models import Customer, Service
from servicehall.lib import money
from servicehall.org.models import Hall
from servicehall.org.permissions import require_capability
from servicehall.org.roles import Capability

from . import selectors
from .eligibility import SERVICE_HAS_PLAN
from .models import (
    ZERO,
    CreditApplication,
    Installment,
    InstallmentStatus,
    Repayment,
)
from .states import CREDIT_TABLE, REPAYABLE, CreditStatus

S = CreditStatus
PRICE_MAX = Decimal("100000.00")
HANDSET_NAME_MAX = 120
NOTE_MAX = 500
REFERENCE_RE = re.compile(r"^credit:(\d+)(:early)?$")
# Schedule codes (the customer's lookup page): no 0/O, 1/I/L, so a customer can read them off the contract.
SCHEDULE_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SCHEDULE_CODE_LENGTH = 10


# --- small checks ---------------------------------------------------------------------------------


def _amount(value: Any, *, label: str, allow_zero: bool = False, field: str) -> Decimal:
    if isinstance(value, str) and len(value) > 32:
        value = "not a number"
    try:
        amount = money.parse_amount(value)
    except money.MoneyError as exc:
        messages = {
            "negative": _("%(label)s cannot be negative."),
            "too_large": _("%(label)s is too large."),
            "too_precise": _("%(label)s may have at most two decimal places (fen)."),
        }
        raise Unprocessable(
            messages.get(exc.code, _("%(label)s must be a number of yuan.")) % {"label": label},
            code="bad_amount",
            extra={"field": field},
        ) from exc
    if amount < 0 or (amount == 0 and not allow_zero):
        raise Unprocessable(
            (_("%(label)s cannot be negative.") if amount < 0 else _("%(label)s must be more than zero."))
            % {"label": label},
            code="bad_amount",
            extra={"field": field},
        )
    return amount


def _months(value: Any) -> int:
    try:
        months = int(value) if not isinstance(value, bool) and str(value).strip().isdigit() else None
    except (TypeError, ValueError):
        months = None
    if months not in money.INSTALLMENT_TERMS:
        raise Unprocessable(_("Choose 3, 6, 12 or 24 months."), code="bad_months", extra={"field": "months"})
    return months  # type: ignore[return-value]


def _text(value: Any, *, max_length: int, label: str, field: str, required: bool = True) -> str:
    text = (value if isinstance(value, str) else "").strip()
    if "\x00" in text:
        text = text.replace("\x00", "")
    if required and not text:
        raise Unprocessable(_("%(label)s is required.") % {"label": label}, code="required", extra={"field": field})
    if len(text) > max_length:
        raise Unprocessable(
            _("%(label)s may have at most %(max)d characters.") % {"label": label, "max": max_length},
            code="too_long",
            extra={"field": field},
        )
    return text


def _lock(application: CreditApplication) -> CreditApplication:
    locked = CreditApplication.objects.select_for_update().filter(pk=application.pk).first()
    if locked is None:
        raise NotFound(_("There is no such credit application."))
    return locked


def _move(
    application: CreditApplication, to: str, *, actor: Actor, note: str = "", **changes: Any
) -> CreditApplication:
    """Compare-and-set the status (the row is locked by the caller) with its history row (core.states), then audit."""
    frm = application.status
    transition(
        application,
        to,
        table=CREDIT_TABLE,
        refuse=lambda status: Conflict(
            _("The application is %(status)s: it cannot become %(to)s.")
            % {"status": S(status).label, "to": S(to).label},
            code="illegal_move",
        ),
        lost=lambda: Conflict(_("The application was changed meanwhile. Reload and try again."), code="changed"),
        changes=changes,
        actor=actor,
        note=note[:NOTE_MAX],
    )
    audit_record(
        actor=actor, action=f"credit.{to}", obj=application, hall=application.hall, data={"from": frm, "to": to}
    )
    return application


# --- applications -------------------------------------------------------------------------------------


def application_submit(
    *,
    hall: Hall,
    actor: Actor,
    customer: Customer,
    service: Service | None,
    handset_name: Any,
    handset_price: Any,
    down_payment: Any,
    months: Any,
) -> CreditApplication:
    """File an application for review. Every input rule and every eligibility condition is checked first.

    The monthly fee rate comes from the hall's installment offers (or the standard rate), never from input.

    An ineligible customer is 422 `not_eligible` with `reasons` [{code, message}, …]; nothing is written.
    """
    require_capability(actor, hall, Capability.SERVE)
    clerk = acting_user(actor)
    assert clerk is not None  # require_capability lets only a signed-in member through
    if customer.company_id != hall.company_id:
        raise NotFound(_("There is no such customer."))
    if service is not None and service.customer_id != customer.pk:
        raise NotFound(_("There is no such service."))
    name = _text(handset_name, max_length=HANDSET_NAME_MAX, label=_("The handset"), field="handset_name")
    price = _amount(handset_price, label=_("The handset price"), field="handset_price")
    if price > PRICE_MAX:
        raise Unprocessable(
            _("The handset price may be at most %(max)s yuan.") % {"max": PRICE_MAX},
            code="bad_amount",
            extra={"field": "handset_price"},
        )
    down = _amount(down_payment, label=_("The down payment"), allow_zero=True, field="down_payment")
    if down >= price:
        raise Unprocessable(
            _("The down payment must be less than the handset price."),
            code="down_payment_too_high",
            extra={"field": "down_payment"},
        )
    term = _months(months)
    principal = price - down
    with transaction.atomic():
        fees = selectors.fee_terms_for(hall=hall, months=term, principal=principal)
        fee_total = money.quantize_cny(principal * fees.rate * term)
        # The service row is locked so that two clerks cannot file two plans on one number at once.
        locked_service = Service.objects.select_for_update().filter(pk=service.pk).first() if service else None
        # The same rule as the eligibility check (API and apply page), read under the lock.
        result = selectors.eligibility_for(hall=hall, customer=customer, service=locked_service)
        reasons = [{"code": r.code, "message": r.message} for r in result.reasons]
        if result.codes == [SERVICE_HAS_PLAN]:
            raise Conflict(result.reasons[0].message, code=SERVICE_HAS_PLAN, extra={"reasons": reasons})
        if not result.eligible:
            raise Unprocessable(
                _("The customer cannot buy on credit: %(reasons)s")
                % {"reasons": " ".join(r.message for r in result.reasons)},
                code="not_eligible",
                extra={"reasons": reasons},
            )
        assert locked_service is not None  # eligibility refuses a missing service
        now = timezone.now()
        application = CreditApplication.objects.create(
            hall=hall,
            customer=customer,
            service=locked_service,
            handset_name=name,
            handset_price=price,
            down_payment=down,
            months=term,
            monthly_fee_rate=fees.rate,
            fee_offer=fees.offer,
            principal=principal,
            fee_total=fee_total,
            status=S.SUBMITTED,
            applied_by=clerk,
            applied_at=now,
        )
        application.number = f"CR{application.pk:08d}"
        application.save(update_fields=["number"])
        CREDIT_TABLE.record(application, from_status="", to_status=S.SUBMITTED, actor=actor, at=now)
        audit_record(
            actor=actor,
            action="credit.submitted",
            obj=application,
            hall=hall,
            data={
                "number": application.number,
                "principal": str(principal),
                "months": term,
                "rate": str(fees.rate),
                "fee_offer": fees.offer.code if fees.offer is not None else "",
            },
        )
    return application


@transaction.atomic
def application_review(
    *, application: CreditApplication, actor: Actor, approve: bool, note: str = ""
) -> CreditApplication:
    """The duty manager approves or rejects (a note is needed to reject); never the clerk who filed it."""
    application = _lock(application)
    require_capability(
        actor,
        application.hall,
        Capability.APPROVE_MONEY,
        message=_("Only a duty manager of the hall may review credit applications."),
        code="not_reviewer",
    )
    if getattr(actor, "pk", None) == application.applied_by_id:
        raise Forbidden(
            _("You filed this application yourself; another duty manager must review it."), code="same_person"
        )
    text = _text(note, max_length=NOTE_MAX, label=_("The note"), field="note", required=False)
    if not approve and not text:
        raise Unprocessable(_("Give the reason for the rejection."), code="reason_required", extra={"field": "note"})
    now = timezone.now()
    to = S.APPROVED if approve else S.REJECTED
    changes: dict[str, Any] = {"reviewed_by": actor, "reviewed_at": now, "review_note": text}
    if not approve:
        changes["ended_at"] = now
    return _move(application, to, actor=actor, note=text, **changes)


def _schedule_code() -> str:
    """A fresh random code no other plan has (31^10 ≈ 8·10^14 codes: a guess is hopeless, and throttled)."""
    while True:
        code = "".join(secrets.choice(SCHEDULE_CODE_ALPHABET) for _ in range(SCHEDULE_CODE_LENGTH))
        if not CreditApplication.objects.filter(schedule_code=code).exists():
            return code


@transaction.atomic
def application_sign(*, application: CreditApplication, actor: Actor) -> CreditApplication:
    """The customer signs the contract with a clerk: the time, the clerk and the schedule are recorded."""
    application = _lock(application)
    require_capability(actor, application.hall, Capability.SERVE)
    if application.status != S.APPROVED:
        raise Conflict(
            _("Only an approved application can be signed; this one is %(status)s.")
            % {"status": S(application.status).label},
            code="not_approved",
        )
    now = timezone.now()
    signed_on = timezone.localtime(now, application.hall.tz).date()
    total_rate = application.monthly_fee_rate * application.months
    plan = money.installment_schedule(
        application.principal, application.months, fee_rate=total_rate, first_due=signed_on
    )
    Installment.objects.bulk_create(
        [
            Installment(
                application=application,
                number=part.number,
                # k months after the signing day, clamped to the month's end (not chained from a clamped date).
                due_date=money.add_months(signed_on, part.number),
                principal_part=part.principal_part,
                fee_part=part.fee_part,
                amount=part.total,
            )
            for part in plan
        ]
    )
    fee_total = sum((part.fee_part for part in plan), ZERO)
    return _move(
        application,
        S.SIGNED,
        actor=actor,
        note="",
        signed_by=actor,
        signed_at=now,
        signed_on=signed_on,
        fee_total=fee_total,
        schedule_code=_schedule_code(),
    )


@transaction.atomic
def application_activate(*, application: CreditApplication, actor: Actor) -> CreditApplication:
    """The handset was handed over: the plan runs."""
    application = _lock(application)
    require_capability(actor, application.hall, Capability.SERVE)
    return _move(application, S.ACTIVE, actor=actor, activated_at=timezone.now())


@transaction.atomic
def application_cancel(*, application: CreditApplication, actor: Actor, reason: str) -> CreditApplication:
    """Cancel before the handset is handed over and before anything was repaid."""
    application = _lock(application)
    require_capability(actor, application.hall, Capability.SERVE)
    text = _text(reason, max_length=NOTE_MAX, label=_("The reason"), field="reason")
    if Repayment.objects.filter(application=application).exists():
        raise Conflict(_("Money was already repaid on this plan; it cannot be cancelled."), code="has_repayments")
    return _move(application, S.CANCELLED, actor=actor, note=text, ended_at=timezone.now())


# --- repayments -----------------------------------------------------------------------------------


def _reference(application: CreditApplication, early: bool) -> str:
    return f"credit:{application.pk}{':early' if early else ''}"


def _check_payable(
    application: CreditApplication, installments: list[Installment], amount: Decimal, early: bool
) -> Any:
    """Refuse an amount the plan does not want; the early quote when `early`."""
    if application.status not in REPAYABLE:
        raise Conflict(
            _("The plan is %(status)s: nothing can be repaid on it.") % {"status": S(application.status).label},
            code="not_repayable",
        )
    outstanding = sum((i.outstanding for i in installments), ZERO)
    if outstanding <= 0:
        raise Conflict(_("Everything on this plan is paid."), code="nothing_due")
    if early:
        quote = selectors.early_repayment_quote(
            application=application, installments=installments, today=application.hall.local_date()
        )
        if amount != quote.amount:
            raise Unprocessable(
                _("Repaying everything today costs %(due)s yuan, not %(amount)s yuan.")
                % {"due": f"{quote.amount:.2f}", "amount": f"{amount:.2f}"},
                code="wrong_amount",
            )
        return quote
    if amount > outstanding:
        raise Unprocessable(
            _("Only %(due)s yuan is still owed on this plan; %(amount)s yuan is too much.")
            % {"due": f"{outstanding:.2f}", "amount": f"{amount:.2f}"},
            code="too_much",
        )
    return None


def _locked_installments(application: CreditApplication) -> list[Installment]:
    return list(Installment.objects.select_for_update().filter(application=application).order_by("number"))


def _book(
    *,
    application: CreditApplication,
    amount: Decimal,
    early: bool,
    actor: Actor,
    method: str,
    idempotency_key: str,
    request_hash: str,
    payment: Any = None,
) -> Repayment:
    """Spread `amount` over the installments in order (locked by the caller's transaction)."""
    application = _lock(application)
    installments = _locked_installments(application)
    quote = _check_payable(application, installments, amount, early)
    now = timezone.now()
    allocations: list[dict[str, Any]] = []
    waived_total = ZERO
    if early:
        by_number = {int(a["number"]): a for a in quote.allocations}
        for inst in installments:
            alloc = by_number.get(inst.number)
            if alloc is None:
                continue
            pay, waive = Decimal(alloc["amount"]), Decimal(alloc["fee_waived"])
            inst.fee_waived += waive
            inst.paid_amount += pay
            inst.status, inst.paid_at = InstallmentStatus.PAID, now
            inst.save(update_fields=["fee_waived", "paid_amount", "status", "paid_at"])
            waived_total += waive
        allocations = quote.allocations
    else:
        left = amount
        for inst in installments:
            if left <= 0:
                break
            if inst.outstanding <= 0:
                continue
            pay = min(left, inst.outstanding)
            inst.paid_amount += pay
            left -= pay
            fields = ["paid_amount"]
            if inst.outstanding == 0:
                inst.status, inst.paid_at = InstallmentStatus.PAID, now
                fields += ["status", "paid_at"]
            inst.save(update_fields=fields)
            allocations.append({"number": inst.number, "amount": str(pay), "fee_waived": "0.00"})
    repayment = Repayment.objects.create(
        application=application,
        hall=application.hall,
        kind=Repayment.Kind.EARLY if early else Repayment.Kind.REGULAR,
        method=method,
        amount=amount,
        fee_waived=waived_total,
        payment=payment,
        idempotency_key=idempotency_key,
        request_hash=request_hash,
        allocations=allocations,
        actor=acting_user(actor),
        at=now,
    )
    audit_record(
        actor=actor,
        action="credit.repayment",
        obj=application,
        hall=application.hall,
        data={"amount": str(amount), "early": early, "fee_waived": str(waived_total), "installments": allocations},
    )
    if all(i.status == InstallmentStatus.PAID for i in installments):
        _move(application, S.PAID_OFF, actor=actor, note=_("Early repayment") if early else "", ended_at=now)
    return repayment


def _parse_reference(reference: str) -> tuple[int, bool]:
    match = REFERENCE_RE.match(reference or "")
    if match is None:
        raise Unprocessable(_("The payment does not name a credit plan."), code="bad_reference")
    return int(match.group(1)), bool(match.group(2))


def installment_paid(payment: Any) -> None:
    """Billing's `on_succeeded` for purpose "installment": book the payment on its plan (in its transaction)."""
    pk, early = _parse_reference(payment.reference)
    application = CreditApplication.objects.filter(pk=pk, hall_id=payment.hall_id).first()
    if application is None:
        raise NotFound(_("There is no such credit application."))
    _book(
        application=application,
        amount=payment.amount,
        early=early,
        actor=payment.clerk,
        method=payment.method,
        idempotency_key=payment.idempotency_key,
        request_hash=payment.request_hash,
        payment=payment,
    )


def installment_is_payable(payment: Any) -> bool:
    """Billing's `is_payable`: whether the plan still wants this money (asked at a late QR confirmation)."""
    try:
        pk, early = _parse_reference(payment.reference)
    except Unprocessable:
        return False
    application = CreditApplication.objects.filter(pk=pk, hall_id=payment.hall_id).select_related("hall").first()
    if application is None:
        return False
    installments = list(application.installments.order_by("number"))
    try:
        _check_payable(application, installments, payment.amount, early)
    except (Conflict, Unprocessable):
        return False
    return True


def installment_pay(
    *,
    application: CreditApplication,
    actor: Actor,
    method: str,
    amount: Any,
    tendered: Any = None,
    idempotency_key: str,
    early: bool = False,
    pos_reference: str | None = None,
) -> tuple[Any, bool]:
    """Pay the next due installments (or, `early`, everything at today's early-repayment price).

    Returns (the billing payment, created). The money is taken by `billing.services.payment_collect`; the
    installments are booked by `installment_paid` inside the payment's transaction when it succeeds (at
    once for cash and card, at the provider's confirmation for QR). A replay of the same key and body
    returns the first payment and books nothing again.
    """
    require_capability(actor, application.hall, Capability.SERVE)
    key = billing.idempotency_key_check(idempotency_key)
    value = _amount(amount, label=_("The amount"), field="amount")
    reference = _reference(application, early)
    request_hash = billing.payment_request_hash(
        method=method, amount=amount, tendered=tendered, purpose="installment", reference=reference
    )
    existing = Repayment.objects.filter(application=application, idempotency_key=key).select_related("payment").first()
    if existing is not None and existing.payment is not None:
        if existing.request_hash != request_hash:
            raise Unprocessable(
                _("This idempotency key was already used for a different payment request."),
                code="idempotency_mismatch",
            )
        return existing.payment, False
    # Refuse early what the plan does not want, so no QR code is shown for a wrong amount.
    _check_payable(application, list(application.installments.order_by("number")), value, early)
    return billing.payment_collect(
        hall=application.hall,
        actor=actor,
        method=method,
        amount=amount,
        tendered=tendered,
        idempotency_key=key,
        request_hash=request_hash,
        purpose="installment",
        customer=application.customer,
        service=application.service,
        reference=reference,
        description=_("Installments of %(number)s") % {"number": application.number},
        pos_reference=pos_reference,
    )
