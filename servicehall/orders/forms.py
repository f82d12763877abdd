"""Forms of the order pages: they check the shape of what was posted; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from servicehall.core.apis import MAX_ID
from servicehall.core.dates import day_in_range, moment_in_range

from .models import ConfirmationMethod, IdentityMethod, IdentityParty, RecommendationOutcome
from .services import NOTE_MAX, SIGNATURE_MAX_CHARS, installation_jobs
from .states import OrderStatus


class CreateOrderForm(forms.Form):
    business_type = forms.SlugField(label=_("Business"), max_length=48)
    service = forms.IntegerField(label=_("Service"), required=False, min_value=1, max_value=MAX_ID)


class AdvanceForm(forms.Form):
    to = forms.ChoiceField(choices=OrderStatus.choices)
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=NOTE_MAX, required=False)


class PersonForm(forms.Form):
    """A customer by number (as the customers pages show it, #123); empty clears."""

    person = forms.IntegerField(label=_("Customer no."), required=False, min_value=1, max_value=MAX_ID)
    service = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class IdentityForm(forms.Form):
    document = forms.IntegerField(label=_("ID document"), min_value=1, max_value=MAX_ID)
    party = forms.ChoiceField(label=_("Whose"), choices=IdentityParty.choices)
    method = forms.ChoiceField(label=_("How"), choices=IdentityMethod.choices, initial=IdentityMethod.CARD_READER)


class SeenForm(forms.Form):
    code = forms.SlugField(max_length=48)
    seen = forms.BooleanField(required=False)


class UploadForm(forms.Form):
    code = forms.SlugField(max_length=48)
    file = forms.FileField(label=_("Scan or photo"))


class ConfirmForm(forms.Form):
    method = forms.ChoiceField(choices=ConfirmationMethod.choices)
    signature = forms.CharField(required=False, max_length=SIGNATURE_MAX_CHARS, strip=True)


class RecommendForm(forms.Form):
    business_type = forms.SlugField(max_length=48)
    outcome = forms.ChoiceField(choices=RecommendationOutcome.choices)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.CharField(label=_("Reason"), max_length=NOTE_MAX, required=False)


class ArchiveForm(forms.Form):
    number = forms.CharField(label=_("Order number"), max_length=64, required=False)
    customer = forms.IntegerField(label=_("Customer no."), required=False, min_value=1, max_value=MAX_ID)
    service_number = forms.CharField(label=_("Service number"), max_length=32, required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, validators=[day_in_range], widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, validators=[day_in_range], widget=forms.DateInput(attrs={"type": "date"})
    )
    clerk = forms.CharField(label=_("Clerk (user name)"), max_length=150, required=False)
    business_type = forms.ChoiceField(label=_("Business"), required=False)
    status = forms.ChoiceField(label=_("Step"), required=False, choices=[("", "—"), *OrderStatus.choices])

    def __init__(self, *args: Any, business_types: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["business_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *(business_types or [])]


class JobReportForm(forms.Form):
    result = forms.ChoiceField(choices=[("done", "done"), ("failed", "failed"), ("absent", "absent")])
    note = forms.CharField(max_length=installation_jobs.NOTE_MAX, required=False)
    early_reason = forms.CharField(max_length=installation_jobs.NOTE_MAX, required=False)


class JobRescheduleForm(forms.Form):
    window_start = forms.DateTimeField(validators=[moment_in_range])
    window_end = forms.DateTimeField(validators=[moment_in_range])
    technician = forms.CharField(max_length=installation_jobs.TECHNICIAN_MAX, required=False)
    note = forms.CharField(max_length=installation_jobs.NOTE_MAX, required=False)
