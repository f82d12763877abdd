"""Telecom business actions (BT01–BT09 and the service password reset).

Each handler runs inside the order's processing move (one transaction: a
refusal writes nothing) and reads its inputs from `order.details`, which its
`details_form` fills on the order page (or the API's `details`). `run`
validates the details again with the same form (`selectors.order_details_cleaned`),
so an order created through the API obeys the same rules; a bad or missing
input is a 422 naming the field.

`undo` (退受理) is called only for business types the pack marks revertible;
those that are not (SIM replacement, cancellation, password reset) refuse.

Summaries name numbers masked (138****1234, ICCID 8986**********1234) and
addresses by their region only; the action data keeps ids, codes, amounts
and masked values, never personal data in full.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from decimal import Decimal
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from servicehall.catalog import selectors as catalog_selectors
from servicehall.catalog.models import Package
from servicehall.core.dates import moment_in_range
from servicehall.core.errors import Conflict, NotFound, Unprocessable
from servicehall.core.masking import mask_iccid, mask_name, mask_phone
from servicehall.core.services import audit_record
from servicehall.core.validators import text_fields_refuse_control_characters
from servicehall.customers import cards
from servicehall.customers import services as customer_services
from servicehall.customers.models import Customer, NumberPoolEntry, Service, ValueAddedService
from servicehall.customers.selectors import number_pool_free, number_pool_is_available
from servicehall.lib.phones import PhoneError, phone_normalise

from .. import jobs, selectors
from ..actions import ActionResult, register
from ..models import JOB_OPEN_STATUSES, CustomerDataChange, InstallationJob, WorkOrder

K = Service.Kind
ST = Service.Status
ICCID = re.compile(r"^89\d{17,18}$")
BROADBAND_PREFIX = "AD"
LIVE = (ST.ACTIVE, ST.SUSPENDED)
TELECOM = (K.MOBILE, K.BROADBAND, K.FIXED_LINE)


# --- masking and small helpers ------------------------------------------------------------------------


def masked_number(service: Service) -> str:
    return mask_phone(service.number) if service.kind in (K.MOBILE, K.FIXED_LINE) else service.number


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _id(data: dict[str, Any] | None, key: str) -> int:
    """An id the run kept in the order's action data (0 when missing, which matches no row)."""
    value = (data or {}).get(key)
    return value if isinstance(value, int) else 0


def _link_service(order: WorkOrder, service: Service) -> None:
    """The order acts on the service it opened (the page, the summary and the archive show it)."""
    WorkOrder.objects.filter(pk=order.pk).update(service=service)
    order.service = service


def _customer(order: WorkOrder) -> Customer:
    if order.customer is None:
        raise Unprocessable(gettext("Choose the customer first."), code="customer_missing")
    return order.customer


def _service(order: WorkOrder, *, kinds: tuple[str, ...] = TELECOM, statuses: tuple[str, ...] = LIVE) -> Service:
    """The order's service, locked and fresh, checked to be the owner's, of the right kind and status."""
    if order.service_id is None:
        raise Unprocessable(
            gettext("Choose the service this business acts on."), code="service_missing", extra={"field": "service"}
        )
    service = Service.objects.select_for_update().get(pk=order.service_id)
    if service.customer_id != order.customer_id:
        raise Conflict(gettext("The service no longer belongs to the customer of the order."), code="owner_changed")
    if service.kind not in kinds:
        raise Unprocessable(gettext("This business does not act on a %(kind)s.") % {"kind": service.get_kind_display()})
    if service.status not in statuses:
        raise Conflict(
            gettext("The service %(number)s is %(status)s.")
            % {"number": masked_number(service), "status": service.get_status_display()},
            code="service_state",
        )
    return service


def _no_arrears(service: Service) -> None:
    if service.arrears > 0:
        raise Unprocessable(
            gettext("The arrears of ¥%(amount)s must be paid first.") % {"amount": _money(service.arrears)},
            code="arrears",
        )


def _package(hall: Any, code: str, kind: str) -> Package:
    try:
        return catalog_selectors.package_get(hall=hall, code=code, kind=kind)
    except NotFound as exc:
        raise Unprocessable(
            gettext("This hall sells no such package."), code="unknown_package", extra={"field": "package"}
        ) from exc


def first_of_next_month(hall: Any, now: dt.datetime | None = None) -> dt.date:
    """The first day of next month in the hall's time zone (when a package change takes effect)."""
    today = (now or timezone.now()).astimezone(hall.tz).date()
    return (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


# --- details forms -------------------------------------------------------------------------------------


class TelecomDetailsForm(forms.Form):
    """The inputs of a telecom order; `order` gives the hall, the customer and the service acted on."""

    def __init__(self, *args: Any, order: WorkOrder, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order = order
        self.hall = order.hall
        text_fields_refuse_control_characters(self)

    @property
    def service(self) -> Service | None:
        return self.order.service


def _package_choices(hall: Any, kinds: tuple[str, ...]) -> list[tuple[str, str]]:
    packages = [p for p in catalog_selectors.packages_for_hall(hall=hall) if p.kind in kinds]
    return [
        (p.code, gettext("%(name)s (¥%(fee)s a month)") % {"name": p.display_name, "fee": p.monthly_fee})
        for p in packages
    ]


def _package_field(label: Any = None) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label or _("Package"),
        error_messages={
            "required": _("Choose the package."),
            "invalid_choice": _("This hall sells no such package."),
        },
    )


def _datetime_field(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        validators=[moment_in_range],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "required": _("Give the date and time."),
            "invalid": _("Enter a date and time such as 2026-12-03 09:00."),
        },
    )


def _iccid_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=24,
        error_messages={"required": _("Scan or type the SIM card number (ICCID).")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


def _clean_iccid(value: str) -> str:
    number = "".join(value.split())
    if not ICCID.match(number):
        raise forms.ValidationError(_("A SIM card number (ICCID) has 19 or 20 digits and starts with 89."))
    return number


def _iccid_in_use(company_id: int, number: str) -> bool:
    return (
        Service.objects.filter(company_id=company_id, kind=K.MOBILE, sim_number=number)
        .exclude(status=ST.CANCELLED)
        .exists()
    )


class MobileOpenForm(TelecomDetailsForm):
    """BT01 开户: the package, a number of the hall's pool (held for the order when chosen) and the SIM card."""

    package = _package_field()
    number = forms.CharField(
        label=_("Number from the hall's pool"),
        required=False,
        max_length=20,
        widget=forms.Select(),
        help_text=_("Held for this order as soon as it is saved; empty: the first free number."),
    )
    sim_number = _iccid_field(_("SIM card number (ICCID)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["package"].choices = [("", "—"), *_package_choices(self.hall, (K.MOBILE,))]  # type: ignore[attr-defined]
        self.held = self._held()
        offered = [e.number for e in number_pool_free(hall=self.hall, limit=50)]
        if self.held is not None and self.held.number not in offered:
            offered.insert(0, self.held.number)
        choices = [("", gettext("— the first free number —")), *((n, n) for n in offered)]
        if self.held is not None:
            self.fields["number"].initial = self.held.number  # a pool number, not yet anyone's
        widget = self.fields["number"].widget
        widget.choices = choices  # type: ignore[attr-defined]
        widget.attrs.update(
            {
                "data-hold-url": reverse("orders:hold_number", kwargs={"order_id": self.order.pk}),
                "data-held": self.held.number if self.held is not None else "",
                "data-hold-failed": gettext("The number could not be held. Please try again."),
            }
        )

    def _held(self) -> NumberPoolEntry | None:
        if self.order.reserved_number_id is None:
            return None
        entry = NumberPoolEntry.objects.filter(pk=self.order.reserved_number_id).first()
        return entry if entry is not None and entry.status == NumberPoolEntry.Status.RESERVED else None

    def clean_number(self) -> str:
        value = (self.cleaned_data.get("number") or "").strip()
        if not value:
            return ""
        try:
            number = phone_normalise(value, mobile_only=True)
        except PhoneError as exc:
            raise forms.ValidationError(_("Please enter a mainland mobile number.")) from exc
        if self.held is not None and self.held.number == number:
            return number
        if not number_pool_is_available(hall=self.hall, number=number):  # free, or its hold expired
            raise forms.ValidationError(_("This number is not free in the hall's pool. Choose another."))
        return number

    def clean_sim_number(self) -> str:
        number = _clean_iccid(self.cleaned_data["sim_number"])
        if _iccid_in_use(self.hall.company_id, number):
            raise forms.ValidationError(_("This SIM card is already in use on another number."))
        return number


class InstallationForm(TelecomDetailsForm):
    """BT02/BT03: the package, the installation address, the appointment window and the technician."""

    service_kind: str = K.BROADBAND
    package = _package_field()
    address_region = forms.CharField(
        label=_("Province, city, district"),
        max_length=120,
        error_messages={"required": _("Give the province, city and district of the installation address.")},
    )
    address_detail = forms.CharField(
        label=_("Street address"),
        max_length=255,
        error_messages={"required": _("Give the street address of the installation.")},
    )
    window_start = _datetime_field(_("Appointment from"))
    window_end = _datetime_field(_("Appointment until"))
    technician = forms.CharField(
        label=_("Technician"), max_length=60, error_messages={"required": _("Name the technician who installs it.")}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["package"].choices = [("", "—"), *_package_choices(self.hall, (self.service_kind,))]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("window_start"), cleaned.get("window_end")
        if start is not None and end is not None:
            try:
                jobs.job_window_check(hall=self.hall, window_start=start, window_end=end)
            except Unprocessable as exc:
                self.add_error(exc.extra.get("field", "window_start"), str(exc.message))
        return cleaned


class BroadbandOpenForm(InstallationForm):
    service_kind = K.BROADBAND


class FixedLineOpenForm(InstallationForm):
    service_kind = K.FIXED_LINE
    number = forms.CharField(
        label=_("Fixed-line number"),
        max_length=20,
        help_text=_("The number the exchange assigned, with its area code."),
        error_messages={"required": _("Enter the fixed-line number the exchange assigned.")},
    )
    field_order = ["number", "package"]

    def clean_number(self) -> str:
        try:
            number = phone_normalise(self.cleaned_data["number"])
        except PhoneError as exc:
            raise forms.ValidationError(
                _("Enter a fixed-line number with its area code, such as 021 6888 1234.")
            ) from exc
        if not number.startswith("0"):
            raise forms.ValidationError(_("Enter a fixed-line number with its area code, such as 021 6888 1234."))
        if (
            Service.objects.filter(company_id=self.hall.company_id, kind=K.FIXED_LINE, number=number)
            .exclude(status=ST.CANCELLED)
            .exists()
        ):
            raise forms.ValidationError(_("This fixed-line number is already in use."))
        return number


class ExtraSubscribeForm(TelecomDetailsForm):
    """BT04 订购: a value-added service the hall offers for the kind of the order's service."""

    extra = forms.ChoiceField(
        label=_("Value-added service"),
        error_messages={
            "required": _("Choose the value-added service."),
            "invalid_choice": _("This hall offers no such value-added service for this service."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.service.kind if self.service is not None else None
        offers = catalog_selectors.extras_for_hall(hall=self.hall, service_kind=kind)
        self.fields["extra"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *(
                (o.code, gettext("%(name)s (¥%(fee)s a month)") % {"name": o.display_name, "fee": o.monthly_fee})
                for o in offers
            ),
        ]


class ExtraCancelForm(TelecomDetailsForm):
    """BT04 退订: one of the value-added services active on the order's service."""

    extra = forms.ChoiceField(
        label=_("Value-added service to cancel"),
        error_messages={
            "required": _("Choose the value-added service to cancel."),
            "invalid_choice": _("This value-added service is not active on the service."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        active: list[str] = []
        if self.service is not None:
            active = list(
                ValueAddedService.objects.filter(service=self.service, active=True).values_list("code", flat=True)
            )
        names = {o.code: o.display_name for o in catalog_selectors.extras_for_hall(hall=self.hall)}
        self.fields["extra"].choices = [("", "—"), *((c, names.get(c, c)) for c in sorted(active))]  # type: ignore[attr-defined]


class DataChangeForm(TelecomDetailsForm):
    """BT05 资料变更: the new values; an empty field stays as it is."""

    name = forms.CharField(label=_("New name"), max_length=120, required=False)
    phone = forms.CharField(label=_("New contact phone"), max_length=32, required=False)
    address_region = forms.CharField(label=_("New province, city, district"), max_length=120, required=False)
    address_detail = forms.CharField(label=_("New street address"), max_length=255, required=False)

    def clean_phone(self) -> str:
        value = (self.cleaned_data.get("phone") or "").strip()
        if not value:
            return ""
        try:
            return phone_normalise(value)
        except PhoneError as exc:
            raise forms.ValidationError(
                _("This is not a valid phone number. Mainland numbers: 11-digit mobile or area code and number.")
            ) from exc

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any((cleaned.get(name) or "").strip() for name in self.fields):
            raise forms.ValidationError(_("Fill in at least one new value."))
        return cleaned

    def changes(self) -> dict[str, str]:
        return {name: value for name, value in self.cleaned_data.items() if (value or "").strip()}


class SimReplaceForm(TelecomDetailsForm):
    """BT07 补卡: the new SIM card."""

    sim_number = _iccid_field(_("New SIM card number (ICCID)"))

    def clean_sim_number(self) -> str:
        number = _clean_iccid(self.cleaned_data["sim_number"])
        if self.service is not None and number == self.service.sim_number:
            raise forms.ValidationError(_("The new SIM card number must differ from the old one."))
        if _iccid_in_use(self.hall.company_id, number):
            raise forms.ValidationError(_("This SIM card is already in use on another number."))
        return number


class PackageChangeForm(TelecomDetailsForm):
    """BT09 套餐变更: the package from the first of next month."""

    package = _package_field(_("New package"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = (self.service.kind,) if self.service is not None else TELECOM
        self.fields["package"].choices = [("", "—"), *_package_choices(self.hall, kinds)]  # type: ignore[attr-defined]

    def clean_package(self) -> str:
        code = self.cleaned_data["package"]
        if self.service is not None and code == self.service.package_code:
            raise forms.ValidationError(_("The service is on this package already."))
        return code


def details(order: WorkOrder) -> dict[str, Any]:
    """The order's details, checked again by its form (422 naming the field when bad or missing)."""
    return selectors.order_details_cleaned(order=order)


# --- BT01 open a mobile number ----------------------------------------------------------------------------


@register("mobile_open")
class MobileOpen:
    """开户: an active mobile number for the customer, with its package, the held pool number and the SIM card."""

    details_form = MobileOpenForm

    def prepare_details(self, order: WorkOrder, actor: Any, data: dict[str, Any]) -> dict[str, Any]:
        """Hold the chosen (or first free) pool number for the order as soon as the details are saved."""
        from ..services import order_hold_number

        entry = order_hold_number(order=order, actor=actor, number=str(data.get("number") or ""))
        return {**data, "number": entry.number}

    def run(self, order: WorkOrder, actor: Any) -> ActionResult:
        from ..services import order_take_number

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

    def undo(self, order: WorkOrder, actor: Any) -> None:
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


def _revert_note(order: WorkOrder) -> str:
    return gettext("Order %(number)s reverted") % {"number": order.number}


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

    def run(self, order: WorkOrder, actor: Any) -> ActionResult:
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
        job = jobs.job_schedule(
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

    def undo(self, order: WorkOrder, actor: Any) -> None:
        """退受理: the installation is called off and the service cancelled."""
        data = order.action_result or {}
        jobs.jobs_cancel_for_order(order=order, actor=actor, note=_revert_note(order))
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


# --- BT04 value-added services -------------------------------------------------------------------------


def _extra_name(hall: Any, code: str) -> tuple[str, str]:
    offer = catalog_selectors.extras_for_hall(hall=hall).filter(code=code).first()
    return (offer.name_zh, offer.name_en) if offer is not None else (code, code)


@register("extra_subscribe")
class ExtraSubscribe:
    """增值业务订购 on the order's active service; subscribing one that is active already is a 409."""

    details_form = ExtraSubscribeForm

    def run(self, order: WorkOrder, actor: Any) -> ActionResult:
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

    def undo(self, order: WorkOrder, actor: Any) -> None:
        extra = ValueAddedService.objects.select_related("service").filter(pk=_id(order.action_result, "extra_id"))
        found = extra.first()
        if found is not None and found.active:
            customer_services.extra_cancel(actor=actor, hall=order.hall, extra=found)


@register("extra_cancel")
class ExtraCancel:
    """增值业务退订 of a value-added service active on the order's service."""

    details_form = ExtraCancelForm

    def run(self, order: WorkOrder, actor: Any) -> ActionResult:
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

    def undo(self, order: WorkOrder, actor: Any) -> None:
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

    def run(self, order: WorkOrder, actor: Any) -> ActionResult:
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
                actor=actor if getattr(actor, "is_authenticated", False) else None,
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

    def undo(self, order: WorkOrder, actor: Any) -> None:
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
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                at=now,
            )


# --- BT06 transfer of ownership -----------------------------------------------------------------------


@register("ownership_transfer")
class OwnershipTransfer:
    """过户: the new owner (the order's counterparty, identified at acceptance) owns the service.

    Arrears must be paid first; the balance stays with the number; the change
    of owner is kept in the service's history.
    """

    def run(self, order: WorkOrder, actor: Any) -> ActionResult:
        service = _service(order)
        new_owner = order.counterparty
        if new_owner is None:
            raise Unprocessable(gettext("Choose the new owner."), code="counterparty_missing")
        _no_arrears(service)
        previous = service.customer_id
        change = cards.service_change_owner(
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

    def undo(self, order: WorkOrder, actor: Any) -> None:
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
        cards.service_change_owner(
            actor=actor, hall=order.hall, service=service, new_owner=previous, order=order, note=_revert_note(order)
        )


# --- BT07 SIM replacement -----------------------------------------------------------------------------


def _not_revertible(order: WorkOrder) -> Conflict:
    return Conflict(
        gettext("%(business)s cannot be reverted.") % {"business": order.business_type.display_name},
        code="not_revertible",
    )


@register("sim_replace")
class SimReplace:
    """补卡: the new SIM card works from now on; the old card number is recorded as invalidated."""

    details_form = SimReplaceForm

    def run(self, order: WorkOrder, actor: Any) -> ActionResult:
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

    def undo(self, order: WorkOrder, actor: Any) -> None:
        raise _not_revertible(order)


# --- BT08 cancellation --------------------------------------------------------------------------------


@register("service_cancel")
class ServiceCancel:
    """销户: final settlement. Arrears must be paid; the remaining balance is a refund due (paid out by the
    money work's refund); active value-added services end; the number does not go back to the pool."""

    def run(self, order: WorkOrder, actor: Any) -> ActionResult:
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

    def undo(self, order: WorkOrder, actor: Any) -> None:
        raise _not_revertible(order)


# --- BT09 package change ---------------------------------------------------------------------------------


@register("package_change")
class PackageChange:
    """套餐变更: the new package takes effect on the first of next month (the hall's time zone);
    `manage.py apply_package_changes` switches it on that day."""

    details_form = PackageChangeForm

    def run(self, order: WorkOrder, actor: Any) -> ActionResult:
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

    def undo(self, order: WorkOrder, actor: Any) -> None:
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

    def run(self, order: WorkOrder, actor: Any) -> ActionResult:
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

    def undo(self, order: WorkOrder, actor: Any) -> None:
        raise _not_revertible(order)
