"""The telecom actions on a live service of the order's customer (BT04–BT09 and the service password reset).

Value-added services, customer data, owner, SIM card, cancellation, package
and password. `undo` (退受理) puts back what the run changed, unless it was
changed again since; the SIM replacement, the cancellation and the password
reset refuse.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from servicehall.catalog import selectors as catalog_selectors
from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import Conflict, Unprocessable
from servicehall.core.masking import mask_iccid, mask_name, mask_phone
from servicehall.core.services import audit_record
from servicehall.customers import services as customer_services
from servicehall.customers.models import Customer, Service, ValueAddedService

from ... import selectors
from ...actions import ActionResult, register
from ...models import JOB_OPEN_STATUSES, CustomerDataChange, InstallationJob, WorkOrder
from ._common import (
    ST,
    K,
    _customer,
    _id,
    _money,
    _no_arrears,
    _not_revertible,
    _package,
    _revert_note,
    _service,
    details,
    first_of_next_month,
    masked_number,
)
from .forms import DataChangeForm, ExtraCancelForm, ExtraSubscribeForm, PackageChangeForm, SimReplaceForm

# --- BT04 value-added services -------------------------------------------------------------------------


def _extra_name(hall: Any, code: str) -> tuple[str, str]:
    offer = catalog_selectors.extras_for_hall(hall=hall).filter(code=code).first()
    return (offer.name_zh, offer.name_en) if offer is not None else (code, code)


@register("extra_subscribe")
class ExtraSubscribe:
    """增值业务订购 on the order's active service; subscribing one that is active already is a 409."""

    details_form = ExtraSubscribeForm

    def run(self, order: WorkOrder, actor: Actor) -> ActionResult:
        code = details(order)["extra"]
        service = _service(order, statuses=(ST.ACTIVE,))
        offer = catalog_selectors.extras_for_hall(hall=order.hall, service_kind=service.kind).filter(code=code).first()
        if offer is None:
            raise Unprocessable(
                gettext("This hall offers no such value-added service for this service."),
                code="unknown_extra",
                extra={"field": "extra"},
            )
        extra = customer_services.extra_subscribe(actor=actor, hall=order.hall, service=service, code=code)
        number = masked_number(service)
        return ActionResult(
            data={"service_id": service.pk, "extra_id": extra.pk, "extra": code},
            summary_zh=f"为{number}订购{offer.name_zh}（每月¥{offer.monthly_fee}），即时生效。",
            summary_en=f"Subscribed {offer.name_en} (¥{offer.monthly_fee} a month) on {number}, effective now.",
        )

    def undo(self, order: WorkOrder, actor: Actor) -> None:
        extra = ValueAddedService.objects.select_related("service").filter(pk=_id(order.action_result, "extra_id"))
        found = extra.first()
        if found is not None and found.active:
            customer_services.extra_cancel(actor=actor, hall=order.hall, extra=found)


@register("extra_cancel")
class ExtraCancel:
    """增值业务退订 of a value-added service active on the order's service."""

    details_form = ExtraCancelForm

    def run(self, order: WorkOrder, actor: Actor) -> ActionResult:
        code = details(order)["extra"]
        service = _service(order)
        extra = ValueAddedService.objects.select_related("service").filter(service=service, code=code, active=True)
        found = extra.first()
        if found is None:
            raise Conflict(gettext("This value-added service is not active on the service."), code="extra_not_active")
        customer_services.extra_cancel(actor=actor, hall=order.hall, extra=found)
        name_zh, name_en = _extra_name(order.hall, code)
        number = masked_number(service)
        return ActionResult(
            data={"service_id": service.pk, "extra_id": found.pk, "extra": code},
            summary_zh=f"为{number}退订{name_zh}，即时生效。",
            summary_en=f"Cancelled {name_en} on {number}, effective now.",
        )

    def undo(self, order: WorkOrder, actor: Actor) -> None:
        found = ValueAddedService.objects.select_related("service").filter(pk=_id(order.action_result, "extra_id"))
        extra = found.first()
        if extra is not None and not extra.active:
            customer_services.extra_restore(actor=actor, hall=order.hall, extra=extra)


# --- BT05 customer data change --------------------------------------------------------------------------

FIELD_NAMES = {
    "name": ("姓名", "name"),
    "phone": ("联系电话", "phone"),
    "address_region": ("地址所在地区", "address region"),
    "address_detail": ("详细地址", "street address"),
}


def _masked_value(field: str, value: str) -> str:
    if not value:
        return "—"
    if field == "phone":
        return mask_phone(value)
    if field == "address_detail":
        return "****"
    if field == "name":
        return mask_name(value)
    return value


@register("data_change")
class DataChange:
    """资料变更: the customer's name, phone or address; old and new values kept (in full only on the order's
    change rows, which are never shown unmasked; the action data and the audit name the fields only)."""

    details_form = DataChangeForm

    def run(self, order: WorkOrder, actor: Actor) -> ActionResult:
        form = selectors.details_validated(order=order, data=dict(order.details or {}))
        customer = _customer(order)
        changes = customer_services.customer_update_contact(
            actor=actor, hall=order.hall, customer=customer, **form.changes()
        )
        if not changes:
            raise Unprocessable(gettext("The new values are the same as the current ones."), code="nothing_changes")
        now = timezone.now()
        for field, change in changes.items():
            CustomerDataChange.objects.create(
                order=order,
                customer=customer,
                field=field,
                old_value=change["old"],
                new_value=change["new"],
                actor=acting_user(actor),
                at=now,
            )
        shown = {
            field: {"old": _masked_value(field, change["old"]), "new": _masked_value(field, change["new"])}
            for field, change in changes.items()
        }
        zh = "；".join(f"{FIELD_NAMES[f][0]}：{v['old']} → {v['new']}" for f, v in shown.items())
        en = "; ".join(f"{FIELD_NAMES[f][1]}: {v['old']} → {v['new']}" for f, v in shown.items())
        return ActionResult(
            data={"customer_id": customer.pk, "fields": shown},
            summary_zh=f"客户资料变更：{zh}。",
            summary_en=f"Customer data changed: {en}.",
        )

    def undo(self, order: WorkOrder, actor: Actor) -> None:
        """退受理: the old values come back, unless a field was changed again since."""
        rows = list(CustomerDataChange.objects.filter(order=order, reverted=False).order_by("id"))
        if not rows:
            return
        customer = Customer.objects.select_for_update().get(pk=rows[0].customer_id)
        for row in rows:
            if getattr(customer, row.field) != row.new_value:
                raise Conflict(
                    gettext("The customer's data was changed again since; it cannot be put back."), code="changed_since"
                )
        old = {row.field: row.old_value for row in rows}
        customer_services.customer_update_contact(actor=actor, hall=order.hall, customer=customer, **old)
        now = timezone.now()
        for row in rows:
            CustomerDataChange.objects.create(
                order=order,
                customer=customer,
                field=row.field,
                old_value=row.new_value,
                new_value=row.old_value,
                reverted=True,
                actor=acting_user(actor),
                at=now,
            )


# --- BT06 transfer of ownership -----------------------------------------------------------------------


@register("ownership_transfer")
class OwnershipTransfer:
    """过户: the new owner (the order's counterparty, identified at acceptance) owns the service.

    Arrears must be paid first; the balance stays with the number; the change
    of owner is kept in the service's history.
    """

    def run(self, order: WorkOrder, actor: Actor) -> ActionResult:
        service = _service(order)
        new_owner = order.counterparty
        if new_owner is None:
            raise Unprocessable(gettext("Choose the new owner."), code="counterparty_missing")
        _no_arrears(service)
        previous = service.customer_id
        change = customer_services.service_change_owner(
            actor=actor, hall=order.hall, service=service, new_owner=new_owner, order=order, note=order.number
        )
        number, balance = masked_number(service), _money(service.balance)
        return ActionResult(
            data={
                "service_id": service.pk,
                "from_customer": previous,
                "to_customer": new_owner.pk,
                "owner_change_id": change.pk,
                "balance": balance,
            },
            summary_zh=f"过户：{number}转至新机主名下，余额¥{balance}随号码转移。",
            summary_en=f"Transfer: {number} now belongs to the new owner; the balance of ¥{balance} stays with it.",
        )

    def undo(self, order: WorkOrder, actor: Actor) -> None:
        """退受理: the service goes back to the previous owner; both changes stay in its history."""
        data = order.action_result or {}
        service = Service.objects.filter(pk=_id(data, "service_id")).first()
        previous = Customer.objects.filter(pk=_id(data, "from_customer")).first()
        if service is None or previous is None:
            return
        if service.customer_id != data.get("to_customer"):
            raise Conflict(
                gettext("The service has changed owner again since; it cannot go back."), code="owner_changed"
            )
        customer_services.service_change_owner(
            actor=actor, hall=order.hall, service=service, new_owner=previous, order=order, note=_revert_note(order)
        )


# --- BT07 SIM replacement -----------------------------------------------------------------------------


@register("sim_replace")
class SimReplace:
    """补卡: the new SIM card works from now on; the old card number is recorded as invalidated."""

    details_form = SimReplaceForm

    def run(self, order: WorkOrder, actor: Actor) -> ActionResult:
        new = details(order)["sim_number"]
        service = _service(order, kinds=(K.MOBILE,))
        old = customer_services.service_replace_sim(actor=actor, hall=order.hall, service=service, sim_number=new)
        number = masked_number(service)
        old_shown, new_shown = (mask_iccid(old) if old else "—"), mask_iccid(new)
        return ActionResult(
            data={
                "service_id": service.pk,
                "invalidated_sim": old,
                "old_sim": old_shown,
                "new_sim": new_shown,
                "invalidated_at": timezone.now().isoformat(),
            },
            summary_zh=f"补换卡：{number}换用新SIM卡{new_shown}，原卡{old_shown}已作废。",
            summary_en=f"SIM replacement: {number} now uses SIM card {new_shown}; the old card {old_shown} is void.",
        )

    def undo(self, order: WorkOrder, actor: Actor) -> None:
        raise _not_revertible(order)


# --- BT08 cancellation --------------------------------------------------------------------------------


@register("service_cancel")
class ServiceCancel:
    """销户: final settlement. Arrears must be paid; the remaining balance is a refund due (paid out by the
    money work's refund); active value-added services end; the number does not go back to the pool."""

    def run(self, order: WorkOrder, actor: Actor) -> ActionResult:
        service = _service(order)
        _no_arrears(service)
        if InstallationJob.objects.filter(service=service, status__in=JOB_OPEN_STATUSES).exists():
            raise Conflict(
                gettext("An installation job of this service is still open; revert its opening order instead."),
                code="job_open",
            )
        ended = []
        for extra in ValueAddedService.objects.select_related("service").filter(service=service, active=True):
            customer_services.extra_cancel(actor=actor, hall=order.hall, extra=extra)
            ended.append(extra.code)
        if service.next_package_code:
            customer_services.service_schedule_package(
                actor=actor, hall=order.hall, service=service, package_code="", effective_from=None
            )
        customer_services.service_set_status(
            actor=actor, service=service, to=ST.CANCELLED, note=order.number, hall=order.hall
        )
        refund = service.balance if service.balance > 0 else Decimal("0.00")
        number = masked_number(service)
        return ActionResult(
            data={"service_id": service.pk, "refund_due": _money(refund), "extras_ended": sorted(ended)},
            summary_zh=f"销户：{number}已销户。结清后余额¥{_money(refund)}待退，由收银办理退款。",
            summary_en=(
                f"Cancellation: {number} is cancelled. After the final settlement ¥{_money(refund)} is to be "
                "refunded; the cashier pays the refund."
            ),
        )

    def undo(self, order: WorkOrder, actor: Actor) -> None:
        raise _not_revertible(order)


# --- BT09 package change ---------------------------------------------------------------------------------


@register("package_change")
class PackageChange:
    """套餐变更: the new package takes effect on the first of next month (the hall's time zone);
    `manage.py apply_package_changes` switches it on that day."""

    details_form = PackageChangeForm

    def run(self, order: WorkOrder, actor: Actor) -> ActionResult:
        code = details(order)["package"]
        service = _service(order)
        package = _package(order.hall, code, service.kind)
        if package.code == service.package_code:
            raise Unprocessable(
                gettext("The service is on this package already."), code="same_package", extra={"field": "package"}
            )
        effective = first_of_next_month(order.hall)
        previous = {
            "previous_next_package": service.next_package_code,
            "previous_next_from": service.next_package_from.isoformat() if service.next_package_from else None,
        }
        customer_services.service_schedule_package(
            actor=actor, hall=order.hall, service=service, package_code=package.code, effective_from=effective
        )
        number = masked_number(service)
        return ActionResult(
            data={
                "service_id": service.pk,
                "package": package.code,
                "effective_from": effective.isoformat(),
                **previous,
            },
            summary_zh=f"套餐变更：{number}自{effective:%Y-%m-%d}起改为{package.name_zh}。",
            summary_en=f"Package change: {number} moves to {package.name_en} from {effective:%Y-%m-%d}.",
        )

    def undo(self, order: WorkOrder, actor: Actor) -> None:
        """退受理: a change still pending is called off (an earlier pending change comes back)."""
        data = order.action_result or {}
        service = Service.objects.select_for_update().filter(pk=_id(data, "service_id")).first()
        if service is None:
            return
        effective = data.get("effective_from")
        pending = service.next_package_from.isoformat() if service.next_package_from else None
        if service.next_package_code != data.get("package") or pending != effective:
            raise Conflict(
                gettext("The package change is in effect already (or was changed since); make a new package change."),
                code="package_in_effect",
            )
        previous_from = data.get("previous_next_from")
        customer_services.service_schedule_package(
            actor=actor,
            hall=order.hall,
            service=service,
            package_code=str(data.get("previous_next_package") or ""),
            effective_from=dt.date.fromisoformat(previous_from) if previous_from else None,
        )


# --- service password reset ---------------------------------------------------------------------------------


@register("password_reset")
class PasswordReset:
    """服务密码重置: recorded here; the new password itself goes to the number by text message from the
    network's system, never through this one (nothing of it is stored)."""

    def run(self, order: WorkOrder, actor: Actor) -> ActionResult:
        service = _service(order)
        now = timezone.now()
        audit_record(
            actor=actor, action="service.password_reset", obj=service, hall=order.hall, data={"order": order.pk}
        )
        number = masked_number(service)
        return ActionResult(
            data={"service_id": service.pk, "password_reset_at": now.isoformat()},
            summary_zh=f"服务密码重置：{number}的新服务密码以短信发送至该号码。",
            summary_en=f"Service password reset: the new password of {number} is sent to it by text message.",
        )

    def undo(self, order: WorkOrder, actor: Actor) -> None:
        raise _not_revertible(order)
