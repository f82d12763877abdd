"""Forms of the customers pages: they parse input only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from servicehall.core.dates import document_day_in_range
from servicehall.core.errors import ApplicationError

from .models import Customer, IdDocument, PersonalDataAccess

NO_AUTOFILL = {"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}


class SearchForm(forms.Form):
    # One box for everything; a card reader types the ID number and Enter into it.
    q = forms.CharField(
        label=_("Name, initials, ID number, phone or service number"),
        max_length=200,
        widget=forms.TextInput(
            attrs={**NO_AUTOFILL, "autofocus": True, "enterkeyhint": "search", "data-testid": "search-box"}
        ),
    )


class CustomerCreateForm(forms.Form):
    kind = forms.ChoiceField(
        label=pgettext_lazy("kind of customer", "Customer"),
        choices=Customer.Kind.choices,
        initial=Customer.Kind.INDIVIDUAL,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Name"), max_length=120, widget=forms.TextInput(attrs=NO_AUTOFILL))
    document_kind = forms.ChoiceField(
        label=_("Document type"), choices=IdDocument.Kind.choices, initial=IdDocument.Kind.RESIDENT_ID
    )
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=40,
        widget=forms.TextInput(attrs={**NO_AUTOFILL, "class": "mono", "data-testid": "document-number"}),
    )
    holder_name = forms.CharField(
        label=_("Holder's name (if not the customer's)"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs=NO_AUTOFILL),
    )
    valid_until = forms.DateField(
        label=_("Valid until (optional)"),
        required=False,
        validators=[document_day_in_range],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={**NO_AUTOFILL, "inputmode": "tel", "placeholder": "138 0000 0000"}),
    )
    address_region = forms.CharField(
        label=_("Province, city, district"), max_length=120, required=False, widget=forms.TextInput(attrs=NO_AUTOFILL)
    )
    address_detail = forms.CharField(
        label=_("Street address"), max_length=255, required=False, widget=forms.TextInput(attrs=NO_AUTOFILL)
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A browser cuts pasted text at `maxlength` without a word; the service refuses an overlong
        # name with a message instead, so the field must let the whole text through.
        for field in self.fields.values():
            field.widget.attrs.pop("maxlength", None)

    def add_service_error(self, exc: ApplicationError) -> None:
        """Show a service's refusal beside the field it names, or above the form."""
        field = exc.extra.get("field")
        self.add_error(field if field in self.fields else None, str(exc.message))


class RevealForm(forms.Form):
    field = forms.ChoiceField(choices=PersonalDataAccess.Field.choices)
    document = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    service = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    reason = forms.CharField(
        label=_("Why do you need the full value?"),
        max_length=200,
        error_messages={"required": _("Please give the reason: it is kept in the access log.")},
    )
