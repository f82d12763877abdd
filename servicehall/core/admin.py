from django.contrib import admin

from .models import AuditEntry


class ReadOnlyAdminMixin:
    """For records that only services write (history, audit): the admin may look, never touch."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "actor", "hall", "action", "object_type", "object_id"]
    list_filter = ["action", "hall"]
