"""Forms of the staff screens: they parse input only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from servicehall.catalog.models import QueueCategory
from servicehall.org.models import Counter

from .models import TicketKind, TicketOutcome

# Kinds a guide may issue; transfers and returns are made by the queue itself.
ISSUABLE_KINDS = [
    (TicketKind.NORMAL.value, TicketKind.NORMAL.label),
    (TicketKind.VIP.value, TicketKind.VIP.label),
    (TicketKind.GREEN.value, TicketKind.GREEN.label),
    (TicketKind.APPOINTMENT.value, TicketKind.APPOINTMENT.label),
]


class IssueTicketForm(forms.Form):
    """The guide takes a number for a customer (channel: lobby guide)."""

    category = forms.ChoiceField(label=_("Queue"), widget=forms.RadioSelect)
    kind = forms.ChoiceField(
        label=pgettext_lazy("kind of customer", "Customer"),
        choices=ISSUABLE_KINDS,
        initial=TicketKind.NORMAL,
        widget=forms.RadioSelect,
    )
    phone = forms.CharField(
        label=_("Mobile number (optional)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off", "placeholder": "138 0000 0000"}),
    )

    def __init__(self, *args: Any, categories: list[QueueCategory], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.categories = categories
        field = self.fields["category"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(c.code, f"{c.prefix} · {c.display_name}") for c in categories]
        if categories and not self.is_bound:
            self.initial.setdefault("category", categories[0].code)


class HoldForm(forms.Form):
    note = forms.CharField(label=_("Reason (optional)"), required=False, max_length=200)


class FinishForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=TicketOutcome.choices)
    leave_orders_open = forms.BooleanField(label=_("Leave its open work orders open"), required=False)


class StepForm(forms.Form):
    # How many steps there are is the hall's script's; the service checks the range.
    step = forms.IntegerField(label=_("Step"), min_value=1)


class TransferForm(forms.Form):
    """One select: `category:<code>` or `counter:<id>`."""

    target = forms.ChoiceField(label=_("Transfer to"))
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=200)

    def __init__(self, *args: Any, categories: list[QueueCategory], counters: list[Counter], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["target"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", _("Choose a queue or a counter")),
            (_("Queue"), [(f"category:{c.code}", f"{c.prefix} · {c.display_name}") for c in categories]),
            (
                _("Counter"),
                [
                    (f"counter:{c.pk}", _("Counter %(number)s %(name)s") % {"number": c.number, "name": c.name})
                    for c in counters
                ],
            ),
        ]

    def target_parts(self) -> tuple[str, str]:
        kind, _sep, value = self.cleaned_data["target"].partition(":")
        return kind, value


class CounterStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Counter.Status.choices)
