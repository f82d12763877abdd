"""What the customers API reads and writes. Input serializers check shapes only
(the services check the rules); output serializers render the masked views of
`presentation`, so the API masks exactly as the screens do (PRIV01)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from servicehall.core.apis import MAX_ID
from servicehall.core.dates import document_day_in_range

from .models import Customer, IdDocument, PersonalDataAccess

# --- input -------------------------------------------------------------------------------------


class CustomerCreateInputSerializer(serializers.Serializer):
    # A plain string (the service checks it): an enum named `kind` would clash with the queue's in the schema.
    kind = serializers.CharField(
        max_length=16, default=Customer.Kind.INDIVIDUAL, help_text=_("individual (default) or enterprise")
    )
    name = serializers.CharField(max_length=120)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    address_region = serializers.CharField(
        max_length=120, required=False, allow_blank=True, default="", help_text=_("Province, city and district.")
    )
    address_detail = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    document_kind = serializers.ChoiceField(choices=IdDocument.Kind.choices)
    document_number = serializers.CharField(max_length=40)
    holder_name = serializers.CharField(
        max_length=120, required=False, allow_blank=True, default="", help_text=_("Defaults to the customer's name.")
    )
    valid_until = serializers.DateField(
        required=False, allow_null=True, default=None, validators=[document_day_in_range]
    )


class CustomerSearchInputSerializer(serializers.Serializer):
    q = serializers.CharField(max_length=200, allow_blank=True, help_text=_("Name, initials, ID number, phone …"))


class RevealInputSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=PersonalDataAccess.Field.choices)
    reason = serializers.CharField(max_length=200, help_text=_("Why the full value is needed; kept in the access log."))
    document = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None, help_text=_("For an ID number.")
    )
    service = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("For a service's phone number or address."),
    )
    hall = serializers.SlugField(
        max_length=32,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The hall where it is shown; defaults to the first of the user's halls of the customer's company."),
    )


# --- output ------------------------------------------------------------------------------------
# Kinds and statuses are plain strings: enums here would clash in the schema with the queue's.


class IdDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text=_("resident_id, passport, hk_macau_permit, …"))
    kind_display = serializers.CharField()
    number = serializers.CharField(help_text=_("Masked: at most the first 3 and last 4 characters."))
    holder_name = serializers.CharField()
    valid_until = serializers.DateField(allow_null=True)


class ServiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text=_("mobile, broadband, fixed_line or gas"))
    kind_display = serializers.CharField()
    number = serializers.CharField(help_text=_("Mobile and fixed-line numbers are masked like phones."))
    status = serializers.CharField(help_text=_("pending, active, suspended or cancelled"))
    status_display = serializers.CharField()
    balance = serializers.DecimalField(max_digits=12, decimal_places=2)
    arrears = serializers.DecimalField(max_digits=12, decimal_places=2)
    package_code = serializers.CharField(allow_blank=True)
    next_package_code = serializers.CharField(allow_blank=True)
    next_package_from = serializers.DateField(allow_null=True)
    sim_number = serializers.CharField(allow_blank=True)
    address = serializers.CharField(allow_blank=True, help_text=_("Masked: the region only."))
    meter_number = serializers.CharField(allow_blank=True)
    card_number = serializers.CharField(allow_blank=True)
    gas_volume = serializers.DecimalField(max_digits=12, decimal_places=2)
    opened_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    extras = serializers.ListField(child=serializers.CharField(), help_text=_("Active value-added services."))


class CustomerSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text=_("individual or enterprise"))
    kind_display = serializers.CharField()
    name = serializers.CharField()
    phone = serializers.CharField(allow_blank=True, help_text=_("Masked, e.g. 138****1234."))
    address = serializers.CharField(allow_blank=True, help_text=_("Masked: the region only."))
    id_number = serializers.CharField(allow_blank=True, help_text=_("The first document's number, masked."))
    id_kind_display = serializers.CharField(allow_blank=True)
    service_count = serializers.IntegerField(help_text=_("Services that are not cancelled."))


class CustomerDetailSerializer(CustomerSummarySerializer):
    credit_level = serializers.IntegerField(help_text=_("1 to 5 stars, 5 the best."))
    documents = IdDocumentSerializer(many=True)
    services = ServiceSerializer(many=True)


class CustomerSearchSerializer(serializers.Serializer):
    results = CustomerSummarySerializer(many=True)
    truncated = serializers.BooleanField(help_text=_("More customers matched than are listed: refine the search."))


class RevealedSerializer(serializers.Serializer):
    field = serializers.CharField()
    value = serializers.CharField(help_text=_("The full value. This view was logged."))
