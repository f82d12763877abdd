"""Forms of the appointments' staff screens: they read and bound the input; the rules live in `services`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AppointmentType

TYPE_FIELDS = (
    "slot_minutes",
    "capacity_override",
    "horizon_days",
    "lead_minutes",
    "cancel_cutoff_minutes",
    "max_open_per_person",
    "active",
    "sort_order",
)


class AppointmentTypeForm(forms.ModelForm):
    """The booking rules of one business (or queue category); what is booked is chosen when it is added."""

    what = forms.ChoiceField(label=_("What customers book"), required=True)

    field_order = ("what", *TYPE_FIELDS)

    class Meta:
        model = AppointmentType
        fields = TYPE_FIELDS

    def __init__(self, *args: Any, choices: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if choices is None:  # editing: what is booked stays
            del self.fields["what"]
        else:
            self.fields["what"].choices = [("", "—"), *choices]  # type: ignore[attr-defined]
            self.fields["what"].error_messages["required"] = _("Choose a business or a queue category.")
