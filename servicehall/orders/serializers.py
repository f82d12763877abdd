"""What the orders API reads and writes. Input serializers check shapes only (the services check
the rules); output serializers render the masked views of `presentation` (PRIV01).

Choice-like inputs are plain strings checked by the services, so that their
enums do not clash with other apps' in the schema.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from servicehall.core.apis import MAX_ID
from servicehall.core.dates import day_in_range, moment_in_range
from servicehall.core.validators import validate_json_text

from .services import NOTE_MAX, SIGNATURE_MAX_CHARS
from .states import OrderStatus


def _id(help_text: Any = "", **kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None, help_text=help_text, **kwargs
    )


def _text(max_length: int = NOTE_MAX, help_text: Any = "") -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, default="", help_text=help_text
    )


STATUS_HELP = _(
    "A step: reception, consultation, acceptance, review, processing, confirmation, payment, follow_up, closed, "
    "rejected, withdrawn or reverted."
)


# --- input -------------------------------------------------------------------------------------


class OrderCreateInputSerializer(serializers.Serializer):
    business_type = serializers.SlugField(max_length=48, help_text=_("The business type's code in this hall."))
    customer = _id(_("The customer (the owner)."))
    service = _id(_("The customer's service the business acts on."))
    ticket = serializers.UUIDField(required=False, allow_null=True, default=None, help_text=_("The ticket served."))
    details = serializers.DictField(
        required=False,
        default=dict,
        validators=[validate_json_text],
        help_text=_(
            "The business inputs: the fields of the business type's details form. Unknown keys and control "
            "characters are refused (400)."
        ),
    )


class OrderAdvanceInputSerializer(serializers.Serializer):
    to = serializers.CharField(max_length=16, help_text=STATUS_HELP)
    note = _text()


class OrderPartiesInputSerializer(serializers.Serializer):
    customer = _id(_("Change the owner (until acceptance is passed)."))
    service = _id(_("The owner's service the business acts on."))
    proxy = _id(_("A proxy acting for the owner; send null to clear."))
    counterparty = _id(_("The new owner of a transfer; send null to clear."))
    authorisation = serializers.BooleanField(
        required=False, default=False, help_text=_("The owner's signed authorisation for the proxy is in hand.")
    )


class IdentityCheckInputSerializer(serializers.Serializer):
    document = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text=_("The ID document checked."))
    party = serializers.CharField(max_length=16, help_text=_("owner, proxy or counterparty (the new owner)."))
    method = serializers.CharField(max_length=16, help_text=_("card_reader or visual."))


class DocumentSeenInputSerializer(serializers.Serializer):
    seen = serializers.BooleanField(required=False, default=True)


class FraudCheckInputSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.CharField(max_length=3),
        validators=[validate_json_text],
        help_text=_("Every question's code → yes or no."),
    )
    override_note = _text(help_text=_("Why it is safe to go on despite a worrying answer."))


class ReviewInputSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = _text(help_text=_("Required when rejecting."))


class ConfirmInputSerializer(serializers.Serializer):
    method = serializers.CharField(max_length=16, help_text=_("signature or clerk_tick."))
    signature = serializers.CharField(
        max_length=SIGNATURE_MAX_CHARS,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("A PNG data URL or an SVG path, for the signature method."),
    )


class ReasonInputSerializer(serializers.Serializer):
    reason = _text()


class RecommendationInputSerializer(serializers.Serializer):
    business_type = serializers.SlugField(max_length=48)
    outcome = serializers.CharField(max_length=16, help_text=_("accepted, declined or later."))


class ArchiveQuerySerializer(serializers.Serializer):
    number = _text(64)
    customer = _id()
    service_number = _text(32)
    date_from = serializers.DateField(required=False, allow_null=True, default=None, validators=[day_in_range])
    date_to = serializers.DateField(required=False, allow_null=True, default=None, validators=[day_in_range])
    clerk = _text(150, help_text=_("The clerk's user name."))
    business_type = _text(48)
    status = _text(16, help_text=STATUS_HELP)
    limit = serializers.IntegerField(min_value=1, max_value=200, required=False, default=50)
    offset = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False, default=0)

    def validate_status(self, value: str) -> str:
        if value and value not in OrderStatus.values:
            raise serializers.ValidationError(_("Unknown step."))
        return value


JOB_SHOW_HELP = _("open (scheduled, failed or customer absent; the default), done or cancelled.")


class JobsQuerySerializer(serializers.Serializer):
    show = serializers.CharField(max_length=16, required=False, default="open", help_text=JOB_SHOW_HELP)

    def validate_show(self, value: str) -> str:
        if value not in ("open", "done", "cancelled"):
            raise serializers.ValidationError(JOB_SHOW_HELP)
        return value


class JobReportInputSerializer(serializers.Serializer):
    done = serializers.BooleanField(help_text=_("true: the technician finished the job; false: it failed."))
    note = _text(help_text=_("The technician's note; required when the job failed."))
    early_reason = _text(
        help_text=_("Required to report a job done before its appointment begins: why it was done early.")
    )
    absent = serializers.BooleanField(
        default=False, help_text=_("With done=false: nobody was there at the appointment (no note needed).")
    )


class JobRescheduleInputSerializer(serializers.Serializer):
    window_start = serializers.DateTimeField(
        validators=[moment_in_range], help_text=_("The new start (without an offset: the hall's time).")
    )
    window_end = serializers.DateTimeField(validators=[moment_in_range])
    technician = serializers.CharField(
        max_length=60, required=False, allow_null=True, default=None, help_text=_("Leave out to keep the technician.")
    )
    note = _text()


# --- output -------------------------------------------------------------------------------------


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField(help_text=_("Masked: 138****1234."))


class OrderServiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_display = serializers.CharField()
    number = serializers.CharField(help_text=_("Masked for mobile numbers and fixed lines."))


class OrderRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField()
    business_type = serializers.CharField()
    business_type_name = serializers.CharField()
    customer = PersonSerializer(allow_null=True)
    clerk = serializers.CharField()
    fee_total = serializers.DecimalField(max_digits=12, decimal_places=2)
    work_pending = serializers.BooleanField()
    fraud_warning = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    ticket = serializers.CharField()


class OrderListSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = OrderRowSerializer(many=True)


class BlockerSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class OrderDocumentSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    for_proxy = serializers.BooleanField()
    needed = serializers.BooleanField()
    seen = serializers.BooleanField()
    seen_by = serializers.CharField()
    seen_at = serializers.DateTimeField(allow_null=True)
    has_file = serializers.BooleanField()
    file_type = serializers.CharField()


class IdentityCheckSerializer(serializers.Serializer):
    party = serializers.CharField()
    party_display = serializers.CharField()
    method = serializers.CharField()
    method_display = serializers.CharField()
    document_kind = serializers.CharField()
    document_number = serializers.CharField(help_text=_("Masked: at most the first 3 and last 4 characters."))
    checked_by = serializers.CharField()
    at = serializers.DateTimeField()


class FraudSerializer(serializers.Serializer):
    needed = serializers.BooleanField(help_text=_("The business is risky: the checklist is walked."))
    checked = serializers.BooleanField()
    checked_at = serializers.DateTimeField(allow_null=True)
    answers = serializers.DictField(child=serializers.CharField())
    unsafe = serializers.BooleanField()
    override_note = serializers.CharField()


class ReviewSerializer(serializers.Serializer):
    approved = serializers.BooleanField()
    reason = serializers.CharField()
    decided_by = serializers.CharField()
    at = serializers.DateTimeField()


class FeeLineSerializer(serializers.Serializer):
    code = serializers.CharField()
    description = serializers.CharField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)


class ConfirmationSerializer(serializers.Serializer):
    method = serializers.CharField()
    method_display = serializers.CharField()
    confirmed_by = serializers.CharField()
    fee_total = serializers.DecimalField(max_digits=12, decimal_places=2)
    at = serializers.DateTimeField()


class FollowUpSerializer(serializers.Serializer):
    due_at = serializers.DateTimeField()
    status = serializers.CharField()
    status_display = serializers.CharField()


class RecommendationSerializer(serializers.Serializer):
    business_type = serializers.CharField()
    business_type_name = serializers.CharField()
    outcome = serializers.CharField()
    outcome_display = serializers.CharField()
    by = serializers.CharField()
    at = serializers.DateTimeField()


class OrderMoveSerializer(serializers.Serializer):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    to_display = serializers.CharField()
    actor = serializers.CharField()
    at = serializers.DateTimeField()
    note = serializers.CharField()


class JobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order_id = serializers.IntegerField()
    order_number = serializers.CharField()
    business_type_name = serializers.CharField()
    kind = serializers.CharField(
        help_text=_("broadband_install, fixed_line_install, gas_install, meter_removal or repair.")
    )
    kind_display = serializers.CharField()
    status = serializers.CharField(help_text=_("scheduled, done, failed, absent or cancelled."))
    status_display = serializers.CharField()
    open = serializers.BooleanField(
        help_text=_("Scheduled, failed or customer absent: the order's work is still outstanding.")
    )
    window_start = serializers.DateTimeField()
    window_end = serializers.DateTimeField()
    technician = serializers.CharField()
    note = serializers.CharField()
    reschedules = serializers.IntegerField()
    reported_by = serializers.CharField()
    reported_at = serializers.DateTimeField(allow_null=True)
    early = serializers.BooleanField(
        help_text=_("Scheduled and its appointment has not begun: reporting it done needs `early_reason`.")
    )
    early_reason = serializers.CharField(help_text=_("Why it was reported done before the appointment."))
    customer = PersonSerializer(allow_null=True)
    service = OrderServiceSerializer(allow_null=True)
    service_status = serializers.CharField()
    address_region = serializers.CharField(help_text=_("Province, city and district only; the street is withheld."))


class JobListSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = JobSerializer(many=True)


class OrderSerializer(OrderRowSerializer):
    hall = serializers.CharField()
    accepted_by = serializers.CharField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    service = OrderServiceSerializer(allow_null=True)
    proxy = PersonSerializer(allow_null=True)
    proxy_authorised_at = serializers.DateTimeField(allow_null=True)
    counterparty = PersonSerializer(allow_null=True)
    needs_counterparty = serializers.BooleanField()
    identity_required = serializers.BooleanField()
    owner_only = serializers.BooleanField()
    details = serializers.DictField(help_text=_("The business inputs, with ID numbers, phones and streets masked."))
    reason = serializers.CharField()
    next_step = serializers.CharField(help_text=_("The step an advance takes the order to; empty at an end."))
    blockers = BlockerSerializer(many=True, help_text=_("What keeps the order in acceptance."))
    documents = OrderDocumentSerializer(many=True)
    identity_checks = IdentityCheckSerializer(many=True)
    fraud = FraudSerializer()
    reviews = ReviewSerializer(many=True)
    fee_lines = FeeLineSerializer(many=True)
    confirmation = ConfirmationSerializer(allow_null=True)
    paid_at = serializers.DateTimeField(allow_null=True)
    follow_ups = FollowUpSerializer(many=True)
    recommendations = RecommendationSerializer(many=True)
    history = OrderMoveSerializer(many=True)
    jobs = JobSerializer(many=True, help_text=_("Installation or meter jobs the business booked."))
