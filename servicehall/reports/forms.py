"""The planner's form (RPT03): it parses the figures only; planning.py and erlang.py compute."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MAX_INTERVALS = 48  # a whole day of 30-minute intervals
SOURCE_HISTORY = "history"
SOURCE_TYPED = "typed"


class PlannerForm(forms.Form):
    day = forms.DateField(label=_("Day to plan"), widget=forms.DateInput(attrs={"type": "date"}))
    source = forms.ChoiceField(
        label=_("Figures from"),
        choices=[(SOURCE_HISTORY, _("the hall's history")), (SOURCE_TYPED, _("figures typed in"))],
        widget=forms.RadioSelect,
    )
    weeks = forms.IntegerField(label=_("Weeks of history"), min_value=1, max_value=26)
    target_percent = forms.IntegerField(label=_("Service level (%)"), min_value=1, max_value=99)
    within_minutes = forms.DecimalField(
        label=_("Served within (minutes)"), min_value=Decimal(0), max_value=Decimal(240), decimal_places=1
    )
    arrivals = forms.CharField(
        label=_("Arrivals per 30 minutes"),
        required=False,
        max_length=600,
        help_text=_("One figure per half hour from the first interval on, separated by commas, e.g. 12, 20, 35"),
    )
    starts_at = forms.TimeField(
        label=_("First interval starts at"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    handle_minutes = forms.DecimalField(
        label=_("Handle time (minutes)"),
        required=False,
        min_value=Decimal("0.1"),
        max_value=Decimal(240),
        decimal_places=1,
    )
    # What-if, run by the simulator.
    open_counter = forms.IntegerField(
        label=_("Open counter"), required=False, min_value=1, max_value=999, help_text=_("the counter's number")
    )
    open_at = forms.TimeField(
        label=pgettext_lazy("open a counter at a time", "from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    arrivals_percent = forms.IntegerField(
        label=_("Change in arrivals (%)"), required=False, min_value=-90, max_value=300
    )
    simulate = forms.BooleanField(required=False)

    def __init__(self, *args: Any, opens_at: dt.time, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.opens_at = opens_at

    def clean_arrivals(self) -> list[float]:
        text = (self.cleaned_data.get("arrivals") or "").strip()
        if not text:
            return []
        parts = [p for p in re.split(r"[,，、;；\s]+", text) if p]
        values = []
        for part in parts:
            try:
                value = float(part)
            except ValueError:
                raise forms.ValidationError(
                    _("“%(value)s” is not a number of arrivals."), code="not_a_number", params={"value": part[:20]}
                ) from None
            if not 0 <= value <= 10000 or value != value:
                raise forms.ValidationError(
                    _("Arrivals must be between 0 and 10000 per half hour."), code="out_of_range"
                )
            values.append(value)
        if len(values) > MAX_INTERVALS:
            raise forms.ValidationError(
                _("At most %(count)s half hours (one day)."), code="too_many", params={"count": MAX_INTERVALS}
            )
        return values

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("source") == SOURCE_TYPED:
            if not data.get("arrivals") and "arrivals" not in self.errors:
                self.add_error("arrivals", _("Type the arrivals of at least one half hour."))
            elif data.get("arrivals") is not None and not any(data["arrivals"]):
                self.add_error("arrivals", _("At least one half hour needs arrivals."))
            if data.get("handle_minutes") is None and "handle_minutes" not in self.errors:
                self.add_error("handle_minutes", _("Type the mean handle time."))
            starts = data.get("starts_at") or self.opens_at
            count = len(data.get("arrivals") or [])
            if count and starts.hour * 60 + starts.minute + 30 * count > 24 * 60:
                self.add_error("arrivals", _("The intervals run past midnight."))
        if data.get("open_at") and data.get("open_counter") is None and "open_counter" not in self.errors:
            self.add_error("open_counter", _("Which counter opens?"))
        return data


class ReportPeriodForm(forms.Form):
    """The daily and monthly reports' period (RPT02): a day, or the month holding the date."""

    period = forms.ChoiceField(
        label=pgettext_lazy("report", "Period"),
        choices=[("day", pgettext_lazy("report period", "Day")), ("month", pgettext_lazy("report period", "Month"))],
    )
    day = forms.DateField(
        label=pgettext_lazy("report", "Date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        input_formats=["%Y-%m-%d"],
    )

    def clean_day(self) -> dt.date:
        day: dt.date = self.cleaned_data["day"]
        if not dt.date(2000, 1, 1) <= day <= dt.date(2099, 12, 31):
            raise forms.ValidationError(_("Choose a date between 2000 and 2099."))
        return day
