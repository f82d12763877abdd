from django.contrib import admin

from .models import CreditApplication, CreditStatusChange, Installment, Repayment


class InstallmentInline(admin.TabularInline):
    model = Installment
    extra = 0
    can_delete = False
    readonly_fields = [
        "number",
        "due_date",
        "principal_part",
        "fee_part",
        "amount",
        "fee_waived",
        "paid_amount",
        "paid_at",
        "status",
    ]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(CreditApplication)
class CreditApplicationAdmin(admin.ModelAdmin):
    """Read-only: every change goes through the services (review, signing, repayments)."""

    list_display = ["number", "hall", "status", "handset_name", "principal", "months", "applied_at"]
    list_filter = ["status", "hall"]
    search_fields = ["number"]
    exclude = ["schedule_code"]
    inlines = [InstallmentInline]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(CreditStatusChange)
class CreditStatusChangeAdmin(admin.ModelAdmin):
    list_display = ["application", "at", "from_status", "to_status", "actor"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Repayment)
class RepaymentAdmin(admin.ModelAdmin):
    list_display = ["application", "at", "kind", "method", "amount", "fee_waived"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
