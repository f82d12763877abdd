"""Forms of the invoicing screens: they only read input; the rules live in `services`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BuyerKind


class BuyerForm(forms.Form):
    buyer_kind = forms.ChoiceField(label=_("Buyer"), choices=BuyerKind.choices, initial=BuyerKind.PERSONAL)
    buyer_title = forms.CharField(
        label=_("Buyer title"),
        max_length=200,
        required=False,
        help_text=_("The enterprise's name; for a personal invoice the customer's name if left empty."),
    )
    tax_number = forms.CharField(
        label=_("Tax number"),
        max_length=64,
        required=False,
        help_text=_("Enterprise only: the 18-character unified social credit code."),
    )


class InvoiceCreateForm(BuyerForm):
    payments = forms.TypedMultipleChoiceField(label=_("Payments"), coerce=int, choices=[], required=True)

    def __init__(self, *args: object, payment_choices: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["payments"].choices = payment_choices  # type: ignore[attr-defined]
        self.fields["payments"].error_messages["required"] = _("Choose the payments to invoice.")


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ReissueForm(BuyerForm):
    reason = forms.CharField(label=_("Reason for voiding"), max_length=200)


class _NoEchoInput(forms.TextInput):
    """A text box that never sends a typed code back in the page (a refused code is not shown again)."""

    def format_value(self, value: object) -> str | None:
        return None


class DownloadForm(forms.Form):
    number = forms.CharField(label=_("Invoice number"), max_length=32)
    code = forms.CharField(label=_("Download code"), max_length=32, widget=_NoEchoInput(attrs={"autocomplete": "off"}))


class InvoiceRequestForm(BuyerForm):
    """The customer's own request online: what the receipt says (hall, number, invoice code) and the buyer."""

    field_order = ["hall", "receipt", "code", "buyer_kind", "buyer_title", "tax_number"]

    hall = forms.CharField(
        label=_("Hall code"),
        max_length=32,
        help_text=_("Filled in by the QR code on your receipt; also in the address printed there (?hall=…)."),
    )
    receipt = forms.CharField(label=_("Receipt number"), max_length=32)
    code = forms.CharField(
        label=_("Invoice code"),
        max_length=32,
        help_text=_("Printed on your receipt under the total."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # Online the title is always typed (the service refuses an empty one): say so instead of the counter's hint.
        self.fields["buyer_title"].help_text = _("The name to print on the invoice: yours or your enterprise's.")
        # The hall comes with the receipt's QR code or printed address (?hall=…): the customer never types it
        # (issue 10). Only a page opened without it still asks, as the one way to say which hall.
        if self.hall_given():
            self.fields["hall"].widget = forms.HiddenInput()

    def hall_given(self) -> bool:
        source = self.data if self.is_bound else self.initial
        return bool(str(source.get("hall", "") or "").strip())
