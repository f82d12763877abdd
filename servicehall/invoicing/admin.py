"""Invoices in the admin: read only. Invoices change only through the services, and their history never."""

from typing import Any

from django.contrib import admin

from servicehall.core.admin import ReadOnlyAdminMixin

from .models import Invoice, InvoiceLine, InvoiceMove


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False
    readonly_fields = ["payment", "amount"]

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class InvoiceMoveInline(admin.TabularInline):
    model = InvoiceMove
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "at", "note"]

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "hall", "status", "buyer_kind", "total", "tax_amount", "issued_at"]
    list_filter = ["hall", "status", "buyer_kind"]
    search_fields = ["number"]
    inlines = [InvoiceLineInline, InvoiceMoveInline]
    # The download code is the customer's key to the PDF: it stays on the staff page.
    exclude = ["download_code"]
