"""Work orders in the admin: read only. Orders change only through the services, and their history never."""

from django.contrib import admin

from servicehall.core.admin import ReadOnlyAdminMixin

from .models import CustomerDataChange, FollowUpTask, InstallationJob, OrderMove, WorkOrder


class OrderMoveInline(admin.TabularInline):
    model = OrderMove
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "at", "note"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "hall", "business_type", "status", "clerk", "fee_total", "created_at"]
    list_filter = ["hall", "status"]
    search_fields = ["number"]
    inlines = [OrderMoveInline]
    # Personal data and what the customer said stay on the order's page, where they are masked.
    exclude = ["details", "fraud_answers", "fraud_override_note"]


@admin.register(OrderMove)
class OrderMoveAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["order", "from_status", "to_status", "actor", "at"]
    list_filter = ["to_status"]


@admin.register(FollowUpTask)
class FollowUpTaskAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["order", "due_at", "assigned_to", "status"]
    list_filter = ["status"]


@admin.register(InstallationJob)
class InstallationJobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "hall", "order", "kind", "status", "window_start", "window_end", "technician"]
    list_filter = ["hall", "kind", "status"]


@admin.register(CustomerDataChange)
class CustomerDataChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    # Old and new values are personal data: the list shows which field changed, not the values.
    list_display = ["order", "field", "at"]
    exclude = ["old_value", "new_value"]
