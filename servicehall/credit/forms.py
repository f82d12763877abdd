"""Forms of the customer's schedule page: they only read input; the rules live in `selectors`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class _NoEchoInput(forms.TextInput):
    """A text box that never sends a typed code back in the page (a refused code is not shown again)."""

    def format_value(self, value: object) -> str | None:
        return None


class ScheduleLookupForm(forms.Form):
    number = forms.CharField(
        label=_("Plan number"),
        max_length=32,
        help_text=_("On your contract, for example CR00000001."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    code = forms.CharField(
        label=_("Schedule code"),
        max_length=32,
        help_text=_("The 10-character code printed on your contract."),
        widget=_NoEchoInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
