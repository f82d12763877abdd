"""The telecom actions that open a service: BT01 a mobile number, BT02 broadband, BT03 a fixed line.

A mobile number is active at once, on a number taken from the hall's pool;
broadband and a fixed line stay pending until their installation job is done.
`undo` (退受理) cancels the service (and gives the pool number back).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.utils.translation import gettext

from servicehall.core.actors import Actor
from servicehall.core.errors import Conflict
from servicehall.core.masking import mask_iccid, mask_phone
from servicehall.customers import services as customer_services
from servicehall.customers.models import NumberPoolEntry, Service

from ...actions import ActionResult, register
from ...models import InstallationJob, WorkOrder
from ...services import installation_jobs
from ...services.numbers import order_hold_number, order_take_number
from ._common import (
    BROADBAND_PREFIX,
    ST,
    K,
    _customer,
    _id,
    _link_service,
    _package,
    _revert_note,
    details,
    masked_number,
)
from .forms import BroadbandOpenForm, FixedLineOpenForm, MobileOpenForm

# --- BT01 open a mobile number ----------------------------------------------------------------------------


@register("mobile_open")
class MobileOpen:
    """开户: an active mobile number for the customer, with its package, the held pool number and the SIM card."""

    details_form = MobileOpenForm

    def prepare_details(self, order: WorkOrder, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
        """Hold the chosen (or first free) pool number for the order as soon as the details are saved."""
        entry = order_hold_number(order=order, actor=actor, number=str(data.get("number") or ""))
        return {**data, "number": entry.number}

    def run(self, order: WorkOrder, actor: Actor) -> ActionResult:
        inputs = details(order)
        customer = _customer(order)
        hall = order.hall
        package = _package(hall, inputs["package"], K.MOBILE)
        entry = order_take_number(order=order, actor=actor, number=inputs["number"])
        service = customer_services.service_create(
            actor=actor,
            hall=hall,
            customer=customer,
            kind=K.MOBILE,
            number=entry.number,
            package_code=package.code,
            sim_number=inputs["sim_number"],
            note=order.number,
        )
        _link_service(order, service)
        number, sim = mask_phone(service.number), mask_iccid(service.sim_number)
        return ActionResult(
            data={"service_id": service.pk, "pool_entry_id": entry.pk, "package": package.code, "number": number},
            summary_zh=f"开通手机号码{number}，套餐：{package.name_zh}，SIM卡{sim}。",
            summary_en=f"Opened mobile number {number} on the package {package.name_en}, SIM card {sim}.",
        )

    def undo(self, order: WorkOrder, actor: Actor) -> None:
        """退受理: the number is cancelled and goes back to the hall's pool."""
        data = order.action_result or {}
        service = Service.objects.filter(pk=_id(data, "service_id")).first()
        if service is not None and service.status != ST.CANCELLED:
            customer_services.service_set_status(
                actor=actor, service=service, to=ST.CANCELLED, note=_revert_note(order), hall=order.hall
            )
        entry = NumberPoolEntry.objects.filter(pk=_id(data, "pool_entry_id")).first()
        if entry is not None and entry.status == NumberPoolEntry.Status.TAKEN:
            customer_services.number_pool_release(actor=actor, entry=entry)


# --- BT02/BT03 broadband and fixed line: a pending service and an installation job -------------------------


def _broadband_account(company_id: int) -> str:
    for _attempt in range(20):
        number = f"{BROADBAND_PREFIX}{secrets.randbelow(10**10):010d}"
        if not Service.objects.filter(company_id=company_id, kind=K.BROADBAND, number=number).exists():
            return number
    raise Conflict(gettext("No free broadband account number could be found. Please try again."), code="no_account")


class _InstallationOpen:
    """A pending service at the customer's address and an installation job; active once the job is done."""

    kind: str = K.BROADBAND
    job_kind: str = InstallationJob.Kind.BROADBAND_INSTALL
    what_zh = "宽带"
    what_en = "broadband"

    def service_number(self, order: WorkOrder, inputs: dict[str, Any]) -> str:
        return _broadband_account(order.hall.company_id)

    def run(self, order: WorkOrder, actor: Actor) -> ActionResult:
        inputs = details(order)
        customer = _customer(order)
        hall = order.hall
        package = _package(hall, inputs["package"], self.kind)
        service = customer_services.service_create(
            actor=actor,
            hall=hall,
            customer=customer,
            kind=self.kind,
            number=self.service_number(order, inputs),
            status=ST.PENDING,
            package_code=package.code,
            address_region=inputs["address_region"],
            address_detail=inputs["address_detail"],
            note=order.number,
        )
        _link_service(order, service)
        job = installation_jobs.job_schedule(
            order=order,
            service=service,
            kind=self.job_kind,
            window_start=inputs["window_start"],
            window_end=inputs["window_end"],
            technician=inputs["technician"],
            actor=actor,
        )
        start, end = job.window_start.astimezone(hall.tz), job.window_end.astimezone(hall.tz)
        window = f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"
        number, region = masked_number(service), service.address_region
        return ActionResult(
            data={"service_id": service.pk, "job_id": job.pk, "package": package.code, "number": number},
            summary_zh=(
                f"{self.what_zh}开户：{number}，套餐：{package.name_zh}，安装地址：{region}（详址略），"
                f"预约{window}由{job.technician}上门安装；装好后开通。"
            ),
            summary_en=(
                f"Opened {self.what_en} {number} on the package {package.name_en} at {region} (street withheld); "
                f"{job.technician} installs it {window}, and it is active once installed."
            ),
            work_pending=True,
        )

    def undo(self, order: WorkOrder, actor: Actor) -> None:
        """退受理: the installation is called off and the service cancelled."""
        data = order.action_result or {}
        installation_jobs.jobs_cancel_for_order(order=order, actor=actor, note=_revert_note(order))
        service = Service.objects.filter(pk=_id(data, "service_id")).first()
        if service is not None and service.status != ST.CANCELLED:
            customer_services.service_set_status(
                actor=actor, service=service, to=ST.CANCELLED, note=_revert_note(order), hall=order.hall
            )


@register("broadband_open")
class BroadbandOpen(_InstallationOpen):
    details_form = BroadbandOpenForm


@register("fixed_line_open")
class FixedLineOpen(_InstallationOpen):
    details_form = FixedLineOpenForm
    kind = K.FIXED_LINE
    job_kind = InstallationJob.Kind.FIXED_LINE_INSTALL
    what_zh = "固话"
    what_en = "fixed line"

    def service_number(self, order: WorkOrder, inputs: dict[str, Any]) -> str:
        return str(inputs["number"])
