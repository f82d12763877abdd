"""Every write of promotions and points (PAY04).

* `promotions_apply` records what the engine quotes for an order at its payment
  step, in one transaction: the order's row is locked, the rows applied before
  (while it was unpaid) are marked superseded and the points they redeemed are
  given back, the new rows are written and the points redeemed. Bad input is
  refused before anything is written; a refusal found later rolls it all back.
* `points_earn_for_payment` credits a succeeded payment's customer with
  `POINTS_PER_YUAN` points per whole yuan paid, once per payment.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from servicehall.core.services import audit_record
from servicehall.orders.models import WorkOrder
from servicehall.orders.states import OrderStatus
from servicehall.org.roles import Capability
from servicehall.org.selectors import user_can

from . import selectors
from .models import PointsAccount, PointsEntry, PointsEntryKind, PromotionApplication, RuleKind


def _account_locked(customer_id: int) -> PointsAccount:
    """The customer's points account, created when missing, locked for this transaction."""
    PointsAccount.objects.get_or_create(customer_id=customer_id)
    return PointsAccount.objects.select_for_update().get(customer_id=customer_id)


def _post(
    account: PointsAccount,
    *,
    kind: str,
    points: int,
    at: Any,
    payment: Any = None,
    order: Any = None,
    hall: Any = None,
    actor: Actor = None,
    note: str = "",
) -> PointsEntry:
    """One ledger entry and the account's new balance (the account is locked by the caller)."""
    balance = account.balance + points
    if balance < 0:
        raise Unprocessable(_("The customer does not hold enough points."), code="points_insufficient")
    account.balance = balance
    account.save(update_fields=["balance", "updated_at"])
    return PointsEntry.objects.create(
        account=account,
        kind=kind,
        points=points,
        balance_after=balance,
        payment=payment,
        order=order,
        hall=hall,
        note=note,
        actor=acting_user(actor),
        at=at,
    )


# --- points earned --------------------------------------------------------------------------------


def _payment_customer_id(payment: Any) -> int | None:
    customer_id = getattr(payment, "customer_id", None)
    if customer_id:
        return int(customer_id)
    order = getattr(payment, "order", None)
    return order.customer_id if order is not None and order.customer_id else None


def points_earn_for_payment(*, payment: Any) -> None:
    """Credit the customer's points for a succeeded payment, called in the payment's transaction.

    `POINTS_PER_YUAN` points per whole yuan of the amount paid; nothing for a failed payment, a payment
    without a customer or one under a yuan. Calling it again for the same payment changes nothing.
    """
    if getattr(payment, "status", None) != "succeeded" or payment.pk is None:
        return
    customer_id = _payment_customer_id(payment)
    points = int(Decimal(payment.amount)) * int(settings.POINTS_PER_YUAN)
    if customer_id is None or points <= 0:
        return
    if PointsEntry.objects.filter(payment_id=payment.pk, kind=PointsEntryKind.EARN).exists():
        return
    try:
        with transaction.atomic():  # a savepoint: a lost race leaves the caller's transaction usable
            account = _account_locked(customer_id)
            if PointsEntry.objects.filter(payment_id=payment.pk, kind=PointsEntryKind.EARN).exists():
                return
            entry = _post(
                account,
                kind=PointsEntryKind.EARN,
                points=points,
                at=timezone.now(),
                payment=payment,
                order=getattr(payment, "order", None),
                hall=payment.hall,
                actor=getattr(payment, "clerk", None),
            )
            audit_record(
                actor=getattr(payment, "clerk", None),
                action="points.earn",
                obj=entry,
                hall=payment.hall,
                data={"payment": payment.pk, "points": points, "balance": entry.balance_after},
            )
    except IntegrityError:
        # Another call for the same payment committed first: it is earned once.
        return


def points_adjust(*, customer: Any, points: int, actor: Actor, note: str, hall: Any = None) -> PointsEntry:
    """A manual correction of a customer's points (+ or −); the balance never goes below zero."""
    if not isinstance(points, int) or isinstance(points, bool) or points == 0:
        raise Unprocessable(_("An adjustment is a whole number of points other than zero."), code="bad_points")
    if not note.strip():
        raise Unprocessable(_("Say why the points are adjusted."), code="note_missing")
    with transaction.atomic():
        account = _account_locked(customer.pk)
        entry = _post(
            account, kind=PointsEntryKind.ADJUST, points=points, at=timezone.now(), hall=hall, actor=actor, note=note
        )
        audit_record(
            actor=actor,
            action="points.adjust",
            obj=entry,
            hall=hall,
            data={"points": points, "balance": entry.balance_after},
        )
    return entry


# --- promotions applied at the payment step ---------------------------------------------------------


def _lock_order(order: WorkOrder) -> WorkOrder:
    locked = (
        WorkOrder.objects.select_for_update(of=("self",))
        .select_related("hall", "business_type", "customer")
        .filter(pk=order.pk)
        .first()
    )
    if locked is None:
        raise NotFound(_("There is no such order."))
    return locked


def _check_at_payment(order: WorkOrder) -> None:
    if order.status != OrderStatus.PAYMENT:
        raise Conflict(
            _("Order %(number)s is at %(status)s: promotions are applied at the payment step only.")
            % {"number": order.number, "status": OrderStatus(order.status).label},
            code="not_at_payment",
        )


def _supersede(order: WorkOrder, account: PointsAccount | None, actor: Actor, now: Any) -> int:
    """Mark the order's current applications replaced and give back the points they redeemed."""
    current = list(PromotionApplication.objects.filter(order=order, superseded_at__isnull=True))
    returned = sum(a.points for a in current if a.rule_kind == RuleKind.POINTS)
    if current:
        PromotionApplication.objects.filter(pk__in=[a.pk for a in current]).update(superseded_at=now)
    if returned and account is not None:
        _post(
            account,
            kind=PointsEntryKind.ADJUST,
            points=returned,
            at=now,
            order=order,
            hall=order.hall,
            actor=actor,
            note="returned: promotions applied again",
        )
    return len(current)


def promotions_apply(
    *,
    order: WorkOrder,
    actor: Actor,
    card_bin: Any = None,
    quantity: Any = None,
    redeem_points: Any = 0,
) -> list[PromotionApplication]:
    """Record the rules the engine gives the order at its payment step; returns the rows applied.

    Replaces what was applied before while the order is unpaid. 409 `not_at_payment` at any other step;
    422 for a malformed BIN, quantity or points, or more points than the customer holds.
    """
    if not user_can(user=actor, hall=order.hall, capability=Capability.SERVE):
        raise Forbidden(_("Your role in this hall does not allow this."))
    # Malformed input is refused before the transaction starts.
    selectors.clean_card_bin(card_bin)
    selectors.clean_quantity(quantity)
    selectors.clean_points(redeem_points)
    with transaction.atomic():
        locked = _lock_order(order)
        _check_at_payment(locked)
        account = _account_locked(locked.customer_id) if locked.customer_id else None
        quote = selectors.offers_for_order(
            order=locked, card_bin=card_bin, quantity=quantity, redeem_points=redeem_points
        )
        if quote.points_requested and quote.points_available is None:
            raise Unprocessable(_("The order has no customer, so no points can be redeemed."), code="no_customer")
        if quote.refused_points:
            raise Unprocessable(
                _("The customer holds %(points)d points; %(asked)d cannot be redeemed.")
                % {"points": quote.points_available, "asked": quote.points_requested},
                code="points_insufficient",
            )
        now = timezone.now()
        replaced = _supersede(locked, account, actor, now)
        rows = [
            PromotionApplication(
                hall=locked.hall,
                order=locked,
                rule_kind=line.rule_kind,
                promotion_id=line.rule_id if line.rule_kind == RuleKind.PROMOTION else None,
                bank_offer_id=line.rule_id if line.rule_kind == RuleKind.BANK_CARD else None,
                group_tier_id=line.rule_id if line.rule_kind == RuleKind.GROUP_PRICE else None,
                rule_code=line.code,
                name_zh=line.name_zh[:200],
                name_en=line.name_en[:200],
                reason=line.reason[:500],
                discount=line.discount,
                gift=line.gift[:200],
                card_bin=quote.card_bin if line.rule_kind == RuleKind.BANK_CARD else "",
                quantity=quote.quantity if line.rule_kind == RuleKind.GROUP_PRICE else None,
                points=line.points,
                applied_by=acting_user(actor),
                applied_at=now,
            )
            for line in quote.applied
        ]
        PromotionApplication.objects.bulk_create(rows)
        if quote.points_used and account is not None:
            _post(
                account,
                kind=PointsEntryKind.REDEEM,
                points=-quote.points_used,
                at=now,
                order=locked,
                hall=locked.hall,
                actor=actor,
                note="redeemed at payment",
            )
        audit_record(
            actor=actor,
            action="promotions.apply",
            obj=locked,
            hall=locked.hall,
            data={
                "order": locked.number,
                "rules": [f"{line.rule_kind}:{line.code}" for line in quote.applied],
                "discount": str(quote.discount_total),
                "due": str(quote.amount_due),
                "points": quote.points_used,
                "replaced": replaced,
            },
        )
    return selectors.applications_for_order(order=locked)


def promotions_release(*, order: WorkOrder, actor: Actor) -> int:
    """Withdraw the promotions of an order that will not be paid (withdrawn, reverted): the points come back.

    Returns how many applications were released; an order already paid keeps its record (0).
    """
    with transaction.atomic():
        locked = _lock_order(order)
        if locked.paid_at is not None:
            return 0
        account = _account_locked(locked.customer_id) if locked.customer_id else None
        released = _supersede(locked, account, actor, timezone.now())
        if released:
            audit_record(
                actor=actor,
                action="promotions.release",
                obj=locked,
                hall=locked.hall,
                data={"order": locked.number, "released": released},
            )
    return released
