"""The details forms of the gas businesses (BT10–BT14): the inputs the order page asks for.

Each form is constructed as `form_class(data=…, order=order)` (or with `hall=`
when there is no order yet); the order gives the hall's connection checklist,
its appointment rules and the household's last meter reading. The actions check
the stored details again with the same form.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from servicehall.catalog import selectors as catalog_selectors
from servicehall.catalog.models import Checklist, pick_language
from servicehall.core.dates import moment_in_range
from servicehall.core.errors import NotFound, Unprocessable
from servicehall.core.validators import text_fields_refuse_control_characters
from servicehall.customers import selectors as customer_selectors
from servicehall.customers.models import Service

from ...models import WorkOrder
from ...services import installation_jobs

CONNECTION_CHECKLIST = "gas_connection"
CONNECTION_PREFIX = "connection_"
RECHARGE_MAX = Decimal("10000.00")
MAX_READING = Decimal("9999999999.99")
METER_NUMBER = re.compile(r"^[A-Za-z0-9-]{4,32}$")
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


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
            installation_jobs.job_window_check(hall=self.hall, window_start=start, window_end=end)
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
        if self.hall is not None and customer_selectors.gas_meter_number_taken(
            company_id=self.hall.company_id, meter_number=number
        ):
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
    last = customer_selectors.meter_reading_last(service=service)
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
