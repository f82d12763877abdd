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


class PersonalDataAdminMixin:
    """For records that hold personal data in full (ID numbers, phones, addresses): the admin's change page
    shows them unmasked, so every opening of one is audited (PRIV01: full views are logged). The lists stay
    free of personal fields."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        obj = self.get_object(request, object_id) if response.status_code == 200 else None  # type: ignore[attr-defined]
        if obj is not None:
            from .services import audit_record

            audit_record(
                actor=request.user,
                action="admin.personal_data_view",
                obj=obj,
                data={"method": request.method},
            )
        return response


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "actor", "hall", "action", "object_type", "object_id"]
    list_filter = ["action", "hall"]
