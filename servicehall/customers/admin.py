from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from servicehall.core.admin import PersonalDataAdminMixin, ReadOnlyAdminMixin
from servicehall.core.masking import mask_address, mask_iccid, mask_id_number, mask_phone

from .models import (
    BlacklistedCard,
    CardWrite,
    CardWriteChange,
    Customer,
    IdDocument,
    MeterReading,
    NumberPoolEntry,
    PersonalDataAccess,
    Service,
    ServiceOwnerChange,
    ServiceStatusChange,
    ValueAddedService,
)

# Phones, addresses and document numbers are masked on every admin page (PersonalDataAdminMixin); the
# customer screen's "show in full" asks a reason and logs. Opening a record is for superusers only (see
# servicehall/urls.py) and is audited.


def _masked_service_number(service: Service) -> str:
    """A phone or fixed-line number masked like a phone; a gas or broadband account number is no personal data."""
    if service.kind in (Service.Kind.MOBILE, Service.Kind.FIXED_LINE):
        return mask_phone(service.number)
    return service.number


class IdDocumentInline(admin.TabularInline):
    model = IdDocument
    extra = 0
    fields = ["kind", "masked_number", "holder_name", "valid_until"]
    readonly_fields = ["masked_number"]

    @admin.display(description=_("document number"))
    def masked_number(self, obj: IdDocument) -> str:
        return mask_id_number(obj.number)

    def has_add_permission(self, request, obj=None):
        return False  # documents are added on the customer screen (checked and audited there)


@admin.register(Customer)
class CustomerAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["id", "name", "kind", "phone", "company", "registered_hall", "created_at"]
    list_filter = ["kind", "company"]
    # A phone or document number finds its customer only when typed in full (no guessing by fragments).
    search_fields = ["name", "name_initials", "=phone", "=documents__number"]
    masked_fields = {
        "phone": lambda c: mask_phone(c.phone),
        "address_detail": lambda c: mask_address("", c.address_detail),
    }
    # The credit level changes through customer_set_credit_level (role-checked, audited).
    readonly_fields = ["name_initials", "credit_level", "created_at", "updated_at"]
    inlines = [IdDocumentInline]


@admin.register(IdDocument)
class IdDocumentAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["id", "kind", "customer", "holder_name", "number", "valid_until", "company"]
    list_filter = ["kind", "company"]
    search_fields = ["=number"]
    raw_id_fields = ["customer"]
    masked_fields = {"number": lambda d: mask_id_number(d.number)}


class ValueAddedServiceInline(admin.TabularInline):
    model = ValueAddedService
    extra = 0


@admin.register(Service)
class ServiceAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["id", "kind", "number", "customer", "status", "balance", "package_code", "opened_hall"]
    list_filter = ["kind", "status", "company"]
    search_fields = ["=number"]
    raw_id_fields = ["customer"]
    masked_fields = {
        "number": _masked_service_number,
        "sim_number": lambda s: mask_iccid(s.sim_number),
        "address_detail": lambda s: mask_address("", s.address_detail),
    }
    # The status moves only through `service_set_status`, which keeps the history.
    readonly_fields = ["status", "opened_at", "cancelled_at", "created_at", "updated_at"]
    inlines = [ValueAddedServiceInline]


@admin.register(ValueAddedService)
class ValueAddedServiceAdmin(admin.ModelAdmin):
    list_display = ["code", "service", "active", "started_at", "ended_at"]
    list_filter = ["active", "code"]
    raw_id_fields = ["service"]


@admin.register(ServiceStatusChange)
class ServiceStatusChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "service", "from_status", "to_status", "actor", "note"]
    list_filter = ["to_status"]


@admin.register(NumberPoolEntry)
class NumberPoolEntryAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["number", "hall", "status", "reserved_by", "reserved_at"]
    list_filter = ["hall", "status"]
    search_fields = ["number"]
    readonly_fields = ["reserved_by", "reserved_at"]
    # A free number belongs to nobody; a reserved or taken one is a customer's phone number.
    masked_fields = {"number": str}


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "actor", "hall", "customer", "field", "reason"]
    list_filter = ["field", "hall"]
    date_hierarchy = "at"


# Gas cards and households: written by the card and business services only.
@admin.register(CardWrite)
class CardWriteAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "hall", "service", "kind", "status", "volume", "amount", "requested_at"]
    list_filter = ["hall", "kind", "status"]


@admin.register(CardWriteChange)
class CardWriteChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["card_write", "from_status", "to_status", "actor", "at"]


@admin.register(BlacklistedCard)
class BlacklistedCardAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["card_number", "service", "reason", "at"]
    search_fields = ["card_number"]


@admin.register(MeterReading)
class MeterReadingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["service", "reading", "at"]


@admin.register(ServiceOwnerChange)
class ServiceOwnerChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["service", "from_customer", "to_customer", "at"]
