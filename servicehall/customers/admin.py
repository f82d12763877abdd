from django.contrib import admin

from servicehall.core.admin import PersonalDataAdminMixin, ReadOnlyAdminMixin

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

# The admin lists show no phone, address or document number: opening a record
# is for superusers only (see servicehall/urls.py) and is audited (PersonalDataAdminMixin).


class IdDocumentInline(admin.TabularInline):
    model = IdDocument
    extra = 0
    fields = ["kind", "number", "holder_name", "valid_until"]


@admin.register(Customer)
class CustomerAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["id", "name", "kind", "company", "registered_hall", "created_at"]
    list_filter = ["kind", "company"]
    search_fields = ["name", "name_initials"]
    # The credit level changes through customer_set_credit_level (role-checked, audited).
    readonly_fields = ["name_initials", "credit_level", "created_at", "updated_at"]
    inlines = [IdDocumentInline]


@admin.register(IdDocument)
class IdDocumentAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["id", "kind", "customer", "holder_name", "valid_until", "company"]
    list_filter = ["kind", "company"]
    raw_id_fields = ["customer"]


class ValueAddedServiceInline(admin.TabularInline):
    model = ValueAddedService
    extra = 0


@admin.register(Service)
class ServiceAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["id", "kind", "customer", "status", "balance", "package_code", "opened_hall"]
    list_filter = ["kind", "status", "company"]
    raw_id_fields = ["customer"]
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
class NumberPoolEntryAdmin(admin.ModelAdmin):
    list_display = ["number", "hall", "status", "reserved_by", "reserved_at"]
    list_filter = ["hall", "status"]
    search_fields = ["number"]
    readonly_fields = ["reserved_by", "reserved_at"]


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
