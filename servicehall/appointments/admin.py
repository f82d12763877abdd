from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from servicehall.core.masking import mask_phone

from .models import AppointmentType, Booking
from .slots import type_capacity


@admin.register(AppointmentType)
class AppointmentTypeAdmin(admin.ModelAdmin):
    list_display = ["hall", "category", "business_type", "slot_minutes", "capacity", "horizon_days", "active"]
    list_filter = ["hall", "active"]

    @admin.display(description=_("bookings per slot"))
    def capacity(self, obj: AppointmentType) -> int:
        return type_capacity(obj)


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Read-only: bookings are written by the services (audited); the phone shows masked."""

    list_display = ["code", "hall", "type", "starts_at", "status", "channel", "masked_phone"]
    list_filter = ["hall", "status", "channel"]
    search_fields = ["code"]
    exclude = ["phone", "request_key"]

    @admin.display(description=_("phone"))
    def masked_phone(self, obj: Booking) -> str:
        return mask_phone(obj.phone)

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return [f.name for f in Booking._meta.fields if f.name not in self.exclude] + ["masked_phone"]

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
