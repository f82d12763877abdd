from django.contrib import admin

from servicehall.core.admin import ReadOnlyAdminMixin

from .models import PriorityRule, Ticket, TicketInterval


@admin.register(PriorityRule)
class PriorityRuleAdmin(admin.ModelAdmin):
    list_display = ["hall", "kind", "head_start_minutes"]
    list_filter = ["hall"]


class TicketIntervalInline(admin.TabularInline):
    model = TicketInterval
    extra = 0
    can_delete = False
    readonly_fields = ["status", "counter", "actor", "started_at", "ended_at", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: tickets change only through the queue services."""

    list_display = ["number", "hall", "category", "service_date", "status", "kind", "counter"]
    list_filter = ["hall", "status", "kind", "service_date"]
    search_fields = ["number"]
    inlines = [TicketIntervalInline]
    exclude = ["phone"]
