"""The details forms of the telecom businesses (BT01–BT05, BT07, BT09): the inputs the order page asks for.

Each form is constructed as `form_class(data=…, order=order)`; the order gives
the hall (its packages, pool numbers and value-added services) and the service
acted on. The actions check the stored details again with the same form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from servicehall.catalog import selectors as catalog_selectors
from servicehall.core.dates import moment_in_range
from servicehall.core.errors import Unprocessable
from servicehall.core.validators import text_fields_refuse_control_characters
from servicehall.customers.models import NumberPoolEntry, Service, ValueAddedService
from servicehall.customers.selectors import number_pool_free, number_pool_is_available
from servicehall.lib.phones import PhoneError, phone_normalise

from ...models import WorkOrder
from ...services import installation_jobs
from ._common import ICCID, ST, TELECOM, K


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
                installation_jobs.job_window_check(hall=self.hall, window_start=start, window_end=end)
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
