"""Admin: the key register's keys may be looked at; history, incidents and their entries are read-only
(append-only records: no add, change or delete here)."""

from typing import Any

from django.contrib import admin

from .models import DrillKind, Incident, IncidentEntry, Key, KeyMove


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Key)
class KeyAdmin(ReadOnly):
    list_display = ("name", "hall", "kind", "place", "lock_generation")
    list_filter = ("hall", "kind")


@admin.register(KeyMove)
class KeyMoveAdmin(ReadOnly):
    list_display = ("copy", "at", "holder", "voided")


@admin.register(Incident)
class IncidentAdmin(ReadOnly):
    list_display = ("number", "hall", "kind", "occurred_at", "reported_at")
    list_filter = ("hall", "kind")


@admin.register(IncidentEntry)
class IncidentEntryAdmin(ReadOnly):
    list_display = ("incident", "kind", "written_at")


@admin.register(DrillKind)
class DrillKindAdmin(ReadOnly):
    list_display = ("code", "hall", "name_zh", "interval_months", "required")
