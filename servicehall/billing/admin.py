"""Payments, receipts and refunds in the admin: read-only, because only the services write money."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from .models import Payment, PaymentMove, Receipt, Refund, RefundMove


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class PaymentMoveInline(admin.TabularInline):
    model = PaymentMove
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "actor", "at", "note")

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "hall",
        "purpose",
        "method",
        "amount",
        "pos_reference",
        "status",
        "created_at",
        "succeeded_at",
    )
    list_filter = ("hall", "purpose", "method", "status")
    search_fields = ("idempotency_key", "reference", "provider_ref", "receipt__number")
    raw_id_fields = ("order", "customer", "service", "clerk")
    inlines = [PaymentMoveInline]


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = ("number", "hall", "payment", "issued_at", "printed_copies")
    list_filter = ("hall",)
    search_fields = ("number",)


class RefundMoveInline(admin.TabularInline):
    model = RefundMove
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "actor", "at", "note")

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("id", "hall", "amount", "method", "status", "requested_at", "paid_at")
    list_filter = ("hall", "status", "method")
    raw_id_fields = ("payment", "order", "service")
    inlines = [RefundMoveInline]
