"""The gas business actions (BT10–BT14), each registered under its code.

BT10 opens a pending household with an installation job and its first card;
BT11 and BT12 ask the card writer for a write (gas is credited when the device
confirms it); BT13 moves the household to a new owner; BT14 schedules the
meter's removal. `undo` (退受理) puts back what the run changed while it still
can; a card replacement and a cancellation refuse.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext

from servicehall.catalog import selectors as catalog_selectors
from servicehall.core.actors import Actor
from servicehall.core.errors import Conflict, Unprocessable
from servicehall.customers import selectors as customer_selectors
from servicehall.customers import services as customer_services
from servicehall.customers.models import CardWrite, Customer, Service

from ... import selectors
from ...actions import ActionResult, Fee, register
from ...models import WorkOrder
from ...services import installation_jobs
from .forms import (
    GasCancelForm,
    GasCardReplaceForm,
    GasDetailsForm,
    GasHouseholdOpenForm,
    GasRechargeForm,
    GasTransferForm,
)

GAS = Service.Kind.GAS
HOUSEHOLD_PREFIX = "GH"


# --- helpers ---------------------------------------------------------------------------------------


def validated_details(form_class: type[GasDetailsForm], order: WorkOrder) -> GasDetailsForm:
    """The order's details checked again by the handler's form, as the order page checked them when saved.

    Times without an offset are the hall's; bad input is a 422 naming the field.
    """
    form = selectors.details_validated(order=order, data=dict(order.details or {}))
    if not isinstance(form, form_class):  # the business type's handler is this one, so its form is this one
        raise Unprocessable(gettext("The business details are not complete."), code="bad_details")
    return form


def _id(data: dict[str, Any] | None, key: str) -> int:
    """An id the run kept in the order's action data (0 when missing, which matches no row)."""
    value = (data or {}).get(key)
    return value if isinstance(value, int) else 0


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _gas_service(order: WorkOrder, *, statuses: tuple[str, ...] = (Service.Status.ACTIVE,)) -> Service:
    service = order.service
    if service is None or service.kind != GAS:
        raise Unprocessable(gettext("Choose the customer's gas household first."), code="service_missing")
    service = Service.objects.get(pk=service.pk)  # fresh: a card write or job may have changed it
    if service.status not in statuses:
        raise Conflict(
            gettext("The gas household is %(status)s.") % {"status": service.get_status_display()},
            code="service_not_active",
        )
    return service


def _no_arrears(service: Service) -> None:
    if service.arrears > 0:
        raise Unprocessable(
            gettext("The household owes ¥%(arrears)s. The arrears must be paid first.") % {"arrears": service.arrears},
            code="arrears",
        )


def _no_pending_write(service: Service) -> None:
    if customer_selectors.card_writes_of_service(service=service).filter(status=CardWrite.Status.PENDING).exists():
        raise Conflict(
            gettext("A write to this household's card is still waiting for the card writer. Confirm or fail it first."),
            code="card_write_pending",
        )


def _link_service(order: WorkOrder, service: Service) -> None:
    """The order acts on the household it opened (the summary and the archive show it)."""
    WorkOrder.objects.filter(pk=order.pk).update(service=service)
    order.service = service


def _new_household_number(company_id: int) -> str:
    for _attempt in range(20):
        number = f"{HOUSEHOLD_PREFIX}{secrets.randbelow(10**10):010d}"
        if not Service.objects.filter(company_id=company_id, kind=GAS, number=number).exists():
            return number
    raise Conflict(gettext("No free household number could be found. Please try again."), code="no_household_number")


# --- BT10 new household --------------------------------------------------------------------------------


@register("gas_household_open")
class GasHouseholdOpen:
    """新入户: a pending household, an installation job, the installation fee, the first user card.

    The household is pending until the technician reports the installation
    done; then it is active and the card writer may write the new user card
    (its number is given now). The first purchase is a separate recharge order.
    """

    details_form = GasHouseholdOpenForm

    def run(self, order: WorkOrder, actor: Actor) -> ActionResult:
        form = validated_details(self.details_form, order)
        details = form.cleaned_data
        if order.customer is None:
            raise Unprocessable(gettext("Choose the customer first."), code="customer_missing")
        hall = order.hall
        card_number = customer_services.gas_card_number_new(company_id=hall.company_id)
        service = customer_services.service_create(
            actor=actor,
            hall=hall,
            customer=order.customer,
            kind=GAS,
            number=_new_household_number(hall.company_id),
            status=Service.Status.PENDING,
            address_region=details["address_region"],
            address_detail=details["address_detail"],
            meter_number=details["meter_number"],
            card_number=card_number,
            note=order.number,
        )
        _link_service(order, service)
        job = installation_jobs.job_schedule(
            order=order,
            service=service,
            kind="gas_install",
            window_start=details["window_start"],
            window_end=details["window_end"],
            technician=details["technician"],
            actor=actor,
        )
        write = customer_services.card_write_request(
            actor=actor, hall=hall, service=service, kind=CardWrite.Kind.NEW_CARD, order=order, card_number=card_number
        )
        by_estate = bool(details["fee_collected_by_estate"])
        fees = []
        fee = order.business_type.standard_fee
        if by_estate and fee > 0:
            fees.append(
                Fee("fee_collected_by_estate", "物业已代收安装费", "Installation fee collected by the estate", -fee)
            )
        window = details["window_start"].astimezone(hall.tz)
        summary_zh = (
            f"新入户：燃气户{service.number}，表号{service.meter_number}，"
            f"预约{window:%Y-%m-%d %H:%M}上门安装通气；通气后写新用户卡{card_number}，首次购气请另办充值缴费。"
        )
        summary_en = (
            f"New household {service.number}, meter {service.meter_number}; installation and connection booked "
            f"for {window:%Y-%m-%d %H:%M}. Once connected, the new user card {card_number} is written; "
            "the first purchase is a separate recharge."
        )
        if by_estate:
            summary_zh += f"安装费已由{details['estate_name']}物业代收。"
            summary_en += f" The installation fee was collected by the property management of {details['estate_name']}."
        return ActionResult(
            fees=fees,
            data={
                "service_id": service.pk,
                "job_id": job.pk,
                "card_write_id": write.pk,
                "card_number": card_number,
                "meter_number": service.meter_number,
                "connection_answers": form.connection_answers(),  # type: ignore[attr-defined]
                "fee_collected_by_estate": by_estate,
                "estate_name": details["estate_name"] if by_estate else "",
            },
            summary_zh=summary_zh,
            summary_en=summary_en,
            work_pending=True,
        )

    def undo(self, order: WorkOrder, actor: Actor) -> None:
        """退受理 before the gas is connected: the job is called off, the household and its card are given up."""
        data = order.action_result or {}
        service = Service.objects.filter(pk=_id(data, "service_id")).first()
        if service is None:
            return
        if service.status != Service.Status.PENDING:
            raise Conflict(
                gettext("The gas of this household is connected already. Cancel the household instead."),
                code="already_installed",
            )
        installation_jobs.jobs_cancel_for_order(order=order, actor=actor, note=gettext("The order was reverted."))
        write = CardWrite.objects.filter(pk=_id(data, "card_write_id")).first()
        if write is not None and write.status == CardWrite.Status.PENDING:
            customer_services.card_write_fail(actor=actor, write=write, reason=gettext("The order was reverted."))
        customer_services.service_set_status(
            actor=actor,
            service=service,
            to=Service.Status.CANCELLED,
            note=gettext("Order %(number)s reverted") % {"number": order.number},
            hall=order.hall,
        )


# --- BT11 card recharge ------------------------------------------------------------------------------


@register("gas_recharge")
class GasRecharge:
    """插卡充值: the amount buys gas by the hall's tiered price; the card writer credits it on confirmation."""

    details_form = GasRechargeForm

    def run(self, order: WorkOrder, actor: Actor) -> ActionResult:
        amount: Decimal = validated_details(self.details_form, order).cleaned_data["amount"]
        service = _gas_service(order)
        hall = order.hall
        used = customer_selectors.gas_volume_bought_this_year(service=service, hall=hall)
        volume = catalog_selectors.gas_volume_for_amount(hall=hall, amount=amount, used_this_year=used)
        if volume <= 0:
            raise Unprocessable(gettext("The amount is too small to buy any gas."), code="amount_too_small")
        write = customer_services.card_write_request(
            actor=actor,
            hall=hall,
            service=service,
            kind=CardWrite.Kind.PURCHASE,
            order=order,
            volume=volume,
            amount=amount,
        )
        return ActionResult(
            fees=[Fee("gas_purchase", "购气款", "Gas purchase", amount)],
            data={
                "card_write_id": write.pk,
                "amount": _money(amount),
                "volume": _money(volume),
                "bought_this_year_before": _money(used),
            },
            summary_zh=f"充值¥{_money(amount)}，购气{_money(volume)} m³（写卡{write.card_number}）",
            summary_en=f"Recharged ¥{_money(amount)}, {_money(volume)} m³ of gas (card {write.card_number})",
        )

    def undo(self, order: WorkOrder, actor: Actor) -> None:
        """Only while the gas is not on the card yet (the pack makes recharges not revertible at all)."""
        write = CardWrite.objects.filter(pk=_id(order.action_result, "card_write_id")).first()
        if write is None:
            return
        if write.status == CardWrite.Status.CONFIRMED:
            raise Conflict(gettext("The gas is on the card already; refund it instead."), code="already_written")
        if write.status == CardWrite.Status.PENDING:
            customer_services.card_write_fail(actor=actor, write=write, reason=gettext("The order was reverted."))


# --- BT12 card replacement ----------------------------------------------------------------------------


@register("gas_card_replace")
class GasCardReplace:
    """补卡: the old card is blacklisted for good; a new card carries the household's remaining gas."""

    details_form = GasCardReplaceForm

    def run(self, order: WorkOrder, actor: Actor) -> ActionResult:
        reason = validated_details(self.details_form, order).cleaned_data["reason"]
        service = _gas_service(order)
        _no_pending_write(service)
        hall = order.hall
        old_card = service.card_number
        if old_card:
            customer_services.card_blacklist(actor=actor, hall=hall, service=service, reason="replaced", order=order)
        new_card = customer_services.gas_card_number_new(company_id=hall.company_id)
        customer_services.gas_card_assign(actor=actor, hall=hall, service=service, card_number=new_card)
        write = customer_services.card_write_request(
            actor=actor,
            hall=hall,
            service=service,
            kind=CardWrite.Kind.REPLACEMENT_CARD,
            order=order,
            card_number=new_card,
            volume=service.gas_volume,
        )
        volume = _money(service.gas_volume)
        old_zh = f"原卡{old_card}已作废，" if old_card else ""
        old_en = f"The old card {old_card} is blacklisted; " if old_card else ""
        return ActionResult(
            data={
                "old_card": old_card,
                "new_card": new_card,
                "card_write_id": write.pk,
                "volume": volume,
                "reason": reason,
            },
            summary_zh=f"补卡：{old_zh}新卡{new_card}写入剩余气量{volume} m³。",
            summary_en=f"Card replacement: {old_en}the new card {new_card} carries the remaining {volume} m³.",
        )

    def undo(self, order: WorkOrder, actor: Actor) -> None:
        raise Conflict(gettext("A replaced card stays blacklisted: a card replacement cannot be reverted."))


# --- BT13 transfer of ownership ---------------------------------------------------------------------------


@register("gas_transfer")
class GasTransfer:
    """过户: with the meter read and no arrears, the new householder owns the household; the change is kept."""

    details_form = GasTransferForm

    def run(self, order: WorkOrder, actor: Actor) -> ActionResult:
        reading = validated_details(self.details_form, order).cleaned_data["meter_reading"]
        service = _gas_service(order, statuses=(Service.Status.ACTIVE, Service.Status.SUSPENDED))
        new_owner = order.counterparty
        if new_owner is None:
            raise Unprocessable(gettext("Choose the new owner."), code="counterparty_missing")
        _no_arrears(service)
        hall = order.hall
        entry = customer_services.meter_reading_record(
            actor=actor, hall=hall, service=service, reading=reading, order=order
        )
        previous = service.customer_id
        change = customer_services.service_change_owner(
            actor=actor, hall=hall, service=service, new_owner=new_owner, order=order, note=order.number
        )
        return ActionResult(
            data={
                "service_id": service.pk,
                "from_customer": previous,
                "to_customer": new_owner.pk,
                "meter_reading": _money(entry.reading),
                "meter_reading_id": entry.pk,
                "owner_change_id": change.pk,
            },
            summary_zh=f"过户：燃气户{service.number}转至新户主名下，过户时表读数{_money(entry.reading)} m³。",
            summary_en=(
                f"Transfer: gas household {service.number} now belongs to the new owner; "
                f"meter reading at the handover {_money(entry.reading)} m³."
            ),
        )

    def undo(self, order: WorkOrder, actor: Actor) -> None:
        """退受理: the household goes back to its previous owner; both changes stay in its history."""
        data = order.action_result or {}
        service = Service.objects.filter(pk=_id(data, "service_id")).first()
        previous = Customer.objects.filter(pk=_id(data, "from_customer")).first()
        if service is None or previous is None:
            return
        if service.customer_id != data.get("to_customer"):
            raise Conflict(
                gettext("The household has changed owner again since; it cannot go back."), code="owner_changed"
            )
        customer_services.service_change_owner(
            actor=actor,
            hall=order.hall,
            service=service,
            new_owner=previous,
            order=order,
            note=gettext("Order %(number)s reverted") % {"number": order.number},
        )


# --- BT14 cancellation -------------------------------------------------------------------------------------


@register("gas_cancel")
class GasCancel:
    """销户: meter read, arrears settled, the card handed in; cancelled once the meter is removed, then refunded."""

    details_form = GasCancelForm

    def run(self, order: WorkOrder, actor: Actor) -> ActionResult:
        details = validated_details(self.details_form, order).cleaned_data
        service = _gas_service(order, statuses=(Service.Status.ACTIVE, Service.Status.SUSPENDED))
        _no_arrears(service)
        _no_pending_write(service)
        hall = order.hall
        entry = customer_services.meter_reading_record(
            actor=actor, hall=hall, service=service, reading=details["meter_reading"], order=order
        )
        if service.card_number and not customer_selectors.card_is_blacklisted(
            company_id=service.company_id, card_number=service.card_number
        ):
            customer_services.card_blacklist(actor=actor, hall=hall, service=service, reason="cancelled", order=order)
        job = installation_jobs.job_schedule(
            order=order,
            service=service,
            kind="meter_removal",
            window_start=details["window_start"],
            window_end=details["window_end"],
            technician=details["technician"],
            actor=actor,
        )
        refund = service.balance if service.balance > 0 else Decimal("0.00")
        window = details["window_start"].astimezone(hall.tz)
        return ActionResult(
            data={
                "service_id": service.pk,
                "job_id": job.pk,
                "meter_reading": _money(entry.reading),
                "meter_reading_id": entry.pk,
                "refund_due": _money(refund),
                "gas_volume_left": _money(service.gas_volume),
            },
            summary_zh=(
                f"销户：燃气户{service.number}，表读数{_money(entry.reading)} m³，用户卡已收回作废；"
                f"预约{window:%Y-%m-%d %H:%M}上门拆表，拆表后销户，余额¥{_money(refund)}待退。"
            ),
            summary_en=(
                f"Cancellation of gas household {service.number}: meter reading {_money(entry.reading)} m³, "
                f"user card handed in and blacklisted; meter removal booked for {window:%Y-%m-%d %H:%M}; "
                f"the household is cancelled once the meter is removed, and ¥{_money(refund)} is to be refunded."
            ),
            work_pending=True,
        )

    def undo(self, order: WorkOrder, actor: Actor) -> None:
        raise Conflict(gettext("A cancellation cannot be reverted: the card was handed in and blacklisted."))
