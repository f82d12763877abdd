"""Gas business actions (BT10–BT14): new household, card recharge, card replacement, transfer, cancellation.

Each handler runs inside the order's processing move (one transaction: a
refusal writes nothing) and reads its inputs from `order.details`, which its
`details_form` fills on the order page. `run` validates the details again with
the same form, so an order created through the API obeys the same rules.

The user card itself is written by the hall's card-writer device: the handlers
ask for a `CardWrite` (`customers.cards`), and gas is credited only when the
device confirms it. Installation and meter removal are `InstallationJob`s
(`orders.jobs`); when the technician reports one done, the household becomes
active or cancelled and the order's outstanding work (未完工) is done.
"""

from __future__ import annotations

import re
import secrets
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from servicehall.catalog import selectors as catalog_selectors
from servicehall.catalog.models import Checklist, pick_language
from servicehall.core.dates import moment_in_range
from servicehall.core.errors import Conflict, NotFound, Unprocessable
from servicehall.core.validators import text_fields_refuse_control_characters
from servicehall.customers import cards
from servicehall.customers import services as customer_services
from servicehall.customers.models import CardWrite, Customer, Service

from .. import jobs, selectors
from ..actions import ActionResult, Fee, register
from ..models import WorkOrder

GAS = Service.Kind.GAS
CONNECTION_CHECKLIST = "gas_connection"
CONNECTION_PREFIX = "connection_"
RECHARGE_MAX = Decimal("10000.00")
MAX_READING = Decimal("9999999999.99")
METER_NUMBER = re.compile(r"^[A-Za-z0-9-]{4,32}$")
HOUSEHOLD_PREFIX = "GH"
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


# --- details forms ---------------------------------------------------------------------------------


class GasDetailsForm(forms.Form):
    """The business inputs of a gas order. `order` (or `hall`) gives the hall's checklists and rules."""

    def __init__(self, *args: Any, order: WorkOrder | None = None, hall: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order = order
        self.hall = hall if hall is not None else getattr(order, "hall", None)
        text_fields_refuse_control_characters(self)

    @property
    def service(self) -> Service | None:
        return getattr(self.order, "service", None) if self.order is not None else None


def _datetime_field(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        validators=[moment_in_range],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        error_messages={
            "required": _("Give the date and time."),
            "invalid": _("Enter a date and time such as 2026-12-03 09:00."),
        },
    )


def _reading_field() -> forms.DecimalField:
    return forms.DecimalField(
        label=_("Meter reading (m³)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=MAX_READING,
        error_messages={
            "required": _("Read the meter and enter its reading."),
            "invalid": _("Enter the meter reading as a number, such as 1234.56."),
            "min_value": _("A meter reading cannot be negative."),
            "max_value": _("This meter reading is too large."),
            "max_digits": _("This meter reading is too large."),
            "max_decimal_places": _("A meter reading has at most two decimals."),
            "max_whole_digits": _("This meter reading is too large."),
        },
    )


class GasJobForm(GasDetailsForm):
    """An appointment window and a technician for a job at the household (installation, meter removal)."""

    window_start = _datetime_field(_("Appointment from"))
    window_end = _datetime_field(_("Appointment until"))
    technician = forms.CharField(
        label=_("Technician"),
        max_length=60,
        error_messages={"required": _("Name the technician who does the job.")},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("window_start"), cleaned.get("window_end")
        if start is None or end is None or self.hall is None:
            return cleaned
        try:
            jobs.job_window_check(hall=self.hall, window_start=start, window_end=end)
        except Unprocessable as exc:
            self.add_error(exc.extra.get("field", "window_start"), str(exc.message))
        return cleaned


def _connection_checklist(order: WorkOrder | None, hall: Any) -> Checklist | None:
    """The business type's own connection checklist from its pack, else the hall's; None when neither has one."""
    if order is not None:
        own = catalog_selectors.checklists_for_business(business=order.business_type)
        found = next((c for c in own if c.code == CONNECTION_CHECKLIST), None)
        if found is not None:
            return found
    if hall is None:
        return None
    try:
        return catalog_selectors.checklist_get(hall=hall, code=CONNECTION_CHECKLIST)
    except NotFound:
        return None


def _item_text(item: dict[str, Any]) -> str:
    return pick_language(str(item.get("text_zh", "")), str(item.get("text_en", ""))) or str(item.get("code", ""))


class GasHouseholdOpenForm(GasJobForm):
    """BT10 新入户: the application form's fields, the connection preconditions and the installation appointment."""

    address_region = forms.CharField(
        label=_("Province, city, district"),
        max_length=120,
        error_messages={"required": _("Give the province, city and district of the installation address.")},
    )
    address_detail = forms.CharField(
        label=_("Street address"),
        max_length=255,
        error_messages={"required": _("Give the street address where gas is installed.")},
    )
    meter_number = forms.CharField(
        label=_("Meter number"),
        max_length=32,
        error_messages={"required": _("Enter the number of the meter to be fitted.")},
    )
    fee_collected_by_estate = forms.BooleanField(
        label=_("The estate's property management collected the fee"), required=False
    )
    estate_name = forms.CharField(label=_("Estate"), max_length=120, required=False)

    field_order = ["address_region", "address_detail", "meter_number"]
    dynamic_field_prefixes = (CONNECTION_PREFIX,)  # the hall's connection checklist questions

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checklist = _connection_checklist(self.order, self.hall)
        self.items: list[dict[str, Any]] = list(self.checklist.items) if self.checklist is not None else []
        for item in self.items:
            self.fields[CONNECTION_PREFIX + str(item["code"])] = forms.ChoiceField(
                label=_item_text(item),
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={"required": _("Answer this question of the connection checklist.")},
            )

    def clean_meter_number(self) -> str:
        number = "".join(self.cleaned_data["meter_number"].split()).upper()
        if not METER_NUMBER.match(number):
            raise forms.ValidationError(_("A meter number has 4 to 32 letters, digits or dashes."))
        if self.hall is not None and cards.gas_meter_number_taken(company_id=self.hall.company_id, meter_number=number):
            raise forms.ValidationError(_("This meter is already fitted at another gas household."))
        return number

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("fee_collected_by_estate") and not (cleaned.get("estate_name") or "").strip():
            self.add_error("estate_name", _("Name the estate whose property management collected the fee."))
        for item in self.items:
            name = CONNECTION_PREFIX + str(item["code"])
            answer = cleaned.get(name)
            if answer is not None and answer != item.get("safe_answer", "yes"):
                self.add_error(name, _("Not safe: gas may not be connected until this is put right."))
        return cleaned

    def connection_answers(self) -> dict[str, str]:
        return {str(item["code"]): self.cleaned_data[CONNECTION_PREFIX + str(item["code"])] for item in self.items}


class GasRechargeForm(GasDetailsForm):
    """BT11 插卡充值: how much the customer pays; the gas it buys follows from the hall's tiered price."""

    amount = forms.DecimalField(
        label=_("Amount (¥)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=RECHARGE_MAX,
        error_messages={
            "required": _("Enter the amount the customer pays."),
            "invalid": _("Enter the amount as a number, such as 100 or 100.50."),
            "min_value": _("The amount must be more than zero."),
            "max_value": _("At most ¥10000.00 can be paid in one recharge."),
            "max_digits": _("At most ¥10000.00 can be paid in one recharge."),
            "max_whole_digits": _("At most ¥10000.00 can be paid in one recharge."),
            "max_decimal_places": _("An amount has at most two decimals (fen)."),
        },
    )


class CardReplaceReason:
    LOST = "lost"
    DAMAGED = "damaged"
    CHOICES = [(LOST, _("Lost")), (DAMAGED, _("Damaged"))]


class GasCardReplaceForm(GasDetailsForm):
    """BT12 补卡: why a new card is needed (the identity proof is checked at acceptance)."""

    reason = forms.ChoiceField(
        label=_("Why a new card"),
        choices=CardReplaceReason.CHOICES,
        error_messages={"required": _("Say why the customer needs a new card.")},
    )


def _reading_not_below_last(form: GasDetailsForm, reading: Decimal | None) -> None:
    service = form.service
    if reading is None or service is None:
        return
    last = cards.meter_reading_last(service=service)
    if last is not None and reading < last.reading:
        form.add_error(
            "meter_reading",
            _("The reading is below the last recorded reading of %(last)s m³.") % {"last": last.reading},
        )


class GasTransferForm(GasDetailsForm):
    """BT13 过户: the meter reading at the handover."""

    meter_reading = _reading_field()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _reading_not_below_last(self, cleaned.get("meter_reading"))
        return cleaned


class GasCancelForm(GasJobForm):
    """BT14 销户: the meter reading, and the appointment to remove the meter."""

    meter_reading = _reading_field()
    field_order = ["meter_reading"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _reading_not_below_last(self, cleaned.get("meter_reading"))
        return cleaned


def validated_details(form_class: type[GasDetailsForm], order: WorkOrder) -> GasDetailsForm:
    """The order's details checked again by the handler's form, as the order page checked them when saved.

    Times without an offset are the hall's; bad input is a 422 naming the field.
    """
    form = selectors.details_validated(order=order, data=dict(order.details or {}))
    if not isinstance(form, form_class):  # the business type's handler is this one, so its form is this one
        raise Unprocessable(gettext("The business details are not complete."), code="bad_details")
    return form


# --- helpers ---------------------------------------------------------------------------------------


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
    if cards.card_writes_of_service(service=service).filter(status=CardWrite.Status.PENDING).exists():
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

    def run(self, order: WorkOrder, actor: Any) -> ActionResult:
        form = validated_details(self.details_form, order)
        details = form.cleaned_data
        if order.customer is None:
            raise Unprocessable(gettext("Choose the customer first."), code="customer_missing")
        hall = order.hall
        card_number = cards.gas_card_number_new(company_id=hall.company_id)
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
        job = jobs.job_schedule(
            order=order,
            service=service,
            kind="gas_install",
            window_start=details["window_start"],
            window_end=details["window_end"],
            technician=details["technician"],
            actor=actor,
        )
        write = cards.card_write_request(
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

    def undo(self, order: WorkOrder, actor: Any) -> None:
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
        jobs.jobs_cancel_for_order(order=order, actor=actor, note=gettext("The order was reverted."))
        write = CardWrite.objects.filter(pk=_id(data, "card_write_id")).first()
        if write is not None and write.status == CardWrite.Status.PENDING:
            cards.card_write_fail(actor=actor, write=write, reason=gettext("The order was reverted."))
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

    def run(self, order: WorkOrder, actor: Any) -> ActionResult:
        amount: Decimal = validated_details(self.details_form, order).cleaned_data["amount"]
        service = _gas_service(order)
        hall = order.hall
        used = cards.gas_volume_bought_this_year(service=service, hall=hall)
        volume = catalog_selectors.gas_volume_for_amount(hall=hall, amount=amount, used_this_year=used)
        if volume <= 0:
            raise Unprocessable(gettext("The amount is too small to buy any gas."), code="amount_too_small")
        write = cards.card_write_request(
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

    def undo(self, order: WorkOrder, actor: Any) -> None:
        """Only while the gas is not on the card yet (the pack makes recharges not revertible at all)."""
        write = CardWrite.objects.filter(pk=_id(order.action_result, "card_write_id")).first()
        if write is None:
            return
        if write.status == CardWrite.Status.CONFIRMED:
            raise Conflict(gettext("The gas is on the card already; refund it instead."), code="already_written")
        if write.status == CardWrite.Status.PENDING:
            cards.card_write_fail(actor=actor, write=write, reason=gettext("The order was reverted."))


# --- BT12 card replacement ----------------------------------------------------------------------------


@register("gas_card_replace")
class GasCardReplace:
    """补卡: the old card is blacklisted for good; a new card carries the household's remaining gas."""

    details_form = GasCardReplaceForm

    def run(self, order: WorkOrder, actor: Any) -> ActionResult:
        reason = validated_details(self.details_form, order).cleaned_data["reason"]
        service = _gas_service(order)
        _no_pending_write(service)
        hall = order.hall
        old_card = service.card_number
        if old_card:
            cards.card_blacklist(actor=actor, hall=hall, service=service, reason="replaced", order=order)
        new_card = cards.gas_card_number_new(company_id=hall.company_id)
        cards.gas_card_assign(actor=actor, hall=hall, service=service, card_number=new_card)
        write = cards.card_write_request(
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

    def undo(self, order: WorkOrder, actor: Any) -> None:
        raise Conflict(gettext("A replaced card stays blacklisted: a card replacement cannot be reverted."))


# --- BT13 transfer of ownership ---------------------------------------------------------------------------


@register("gas_transfer")
class GasTransfer:
    """过户: with the meter read and no arrears, the new householder owns the household; the change is kept."""

    details_form = GasTransferForm

    def run(self, order: WorkOrder, actor: Any) -> ActionResult:
        reading = validated_details(self.details_form, order).cleaned_data["meter_reading"]
        service = _gas_service(order, statuses=(Service.Status.ACTIVE, Service.Status.SUSPENDED))
        new_owner = order.counterparty
        if new_owner is None:
            raise Unprocessable(gettext("Choose the new owner."), code="counterparty_missing")
        _no_arrears(service)
        hall = order.hall
        entry = cards.meter_reading_record(actor=actor, hall=hall, service=service, reading=reading, order=order)
        previous = service.customer_id
        change = cards.service_change_owner(
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

    def undo(self, order: WorkOrder, actor: Any) -> None:
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
        cards.service_change_owner(
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

    def run(self, order: WorkOrder, actor: Any) -> ActionResult:
        details = validated_details(self.details_form, order).cleaned_data
        service = _gas_service(order, statuses=(Service.Status.ACTIVE, Service.Status.SUSPENDED))
        _no_arrears(service)
        _no_pending_write(service)
        hall = order.hall
        entry = cards.meter_reading_record(
            actor=actor, hall=hall, service=service, reading=details["meter_reading"], order=order
        )
        if service.card_number and not cards.card_is_blacklisted(
            company_id=service.company_id, card_number=service.card_number
        ):
            cards.card_blacklist(actor=actor, hall=hall, service=service, reason="cancelled", order=order)
        job = jobs.job_schedule(
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

    def undo(self, order: WorkOrder, actor: Any) -> None:
        raise Conflict(gettext("A cancellation cannot be reverted: the card was handed in and blacklisted."))
