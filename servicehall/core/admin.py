from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .masking import mask_phone
from .models import AuditEntry, OutgoingMessage
from .services import audit_record


class ReadOnlyAdminMixin:
    """For records that only services write (history, audit): the admin may look, never touch."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PersonalDataAdminMixin:
    """For records that hold personal data (ID numbers, phones, addresses).

    The change page shows the fields named in `masked_fields` read-only and masked (PRIV01/PRIV03), and so do
    the list's columns; seeing a value in full goes through the customer screen's "show in full", which asks a
    reason and writes the access log (`show_in_full` links there). Every opening of a change page is audited.
    `masked_fields` maps a model field to the function that masks it on an object.
    """

    masked_fields: dict[str, Callable[[Any], str]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, mask in self.masked_fields.items():
            setattr(self, masked_name(name), _masked_column(self.model, name, mask))  # type: ignore[attr-defined]

    def _masked(self, names: Any) -> list[str]:
        return [masked_name(n) if n in self.masked_fields else n for n in names]

    def get_list_display(self, request):
        return self._masked(super().get_list_display(request))  # type: ignore[misc]

    def get_exclude(self, request, obj=None):
        excluded = list(super().get_exclude(request, obj) or [])  # type: ignore[misc]
        return [*excluded, *self.masked_fields] if obj is not None else excluded

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)  # type: ignore[misc]
        if obj is None:
            return fields  # the add page: the values are being typed, nothing stored to mask
        fields = self._masked(fields)
        return list(dict.fromkeys(fields))  # a masked column named once, where its field stood

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        if obj is None:
            return readonly
        return [*readonly, *(masked_name(n) for n in self.masked_fields), "show_in_full"]

    @admin.display(description=_("Show in full"))
    def show_in_full(self, obj: Any) -> str:
        customer = customer_of(obj)
        if customer is None:
            return ""
        url = reverse("customers:detail", args=[customer.pk])
        hall = getattr(customer, "registered_hall", None)
        if hall is not None:
            url = f"{url}?hall={hall.code}"
        return format_html(
            '<a href="{}">{}</a>',
            url,
            _("Open the customer's screen: showing a value in full there asks a reason and is logged."),
        )

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)  # type: ignore[misc]
        request._personal_data_object = obj  # type: ignore[attr-defined]
        return obj

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        # The object the change page read (no second query for the audit row).
        obj = getattr(request, "_personal_data_object", None) if response.status_code == 200 else None
        if obj is not None:
            audit_record(
                actor=request.user,
                action="admin.personal_data_view",
                obj=obj,
                data={"method": request.method},
            )
        return response


def masked_name(field: str) -> str:
    return f"masked_{field}"


def _masked_column(model: Any, field: str, mask: Callable[[Any], str]) -> Callable[[Any], str]:
    def column(obj: Any) -> str:
        return mask(obj)

    column.short_description = model._meta.get_field(field).verbose_name  # type: ignore[attr-defined]
    return column


def customer_of(obj: Any) -> Any:
    """The customer a record of personal data belongs to (itself, or its `customer`)."""
    if obj._meta.label_lower == "customers.customer":
        return obj
    return getattr(obj, "customer", None)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "actor", "hall", "action", "object_type", "object_id"]
    list_filter = ["action", "hall"]


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the outbox is written by the services; the phone shows masked."""

    list_display = ["created_at", "hall", "masked_phone", "purpose", "status", "sent_at"]
    list_filter = ["hall", "status", "purpose"]
    exclude = ["phone"]
    readonly_fields = ["hall", "masked_phone", "body", "purpose", "status", "created_at", "sent_at", "error"]

    @admin.display(description=_("phone"))
    def masked_phone(self, obj: OutgoingMessage) -> str:
        return mask_phone(obj.phone)
