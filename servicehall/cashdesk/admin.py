"""Read-only admin views of drawers, handovers and settlements: every write goes through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import DrawerMovement, DrawerSession, Handover, Settlement, SettlementCorrection, SuspectNote


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DrawerSession)
class DrawerSessionAdmin(ReadOnlyAdmin):
    list_display = ["hall", "counter", "clerk", "day", "status", "opening_float", "counted", "difference"]
    list_filter = ["status", "hall"]


@admin.register(DrawerMovement)
class DrawerMovementAdmin(ReadOnlyAdmin):
    list_display = ["session", "kind", "amount", "payment", "refund", "at"]


@admin.register(SuspectNote)
class SuspectNoteAdmin(ReadOnlyAdmin):
    list_display = ["hall", "denomination", "serial", "recorded_by", "recorded_at"]


@admin.register(Handover)
class HandoverAdmin(ReadOnlyAdmin):
    list_display = ["hall", "outgoing", "incoming", "status", "expected", "outgoing_counted", "incoming_counted"]


@admin.register(Settlement)
class SettlementAdmin(ReadOnlyAdmin):
    list_display = ["hall", "day", "status", "deposit_amount", "closed_by", "closed_at"]


@admin.register(SettlementCorrection)
class SettlementCorrectionAdmin(ReadOnlyAdmin):
    list_display = ["settlement", "amount", "created_by", "created_at"]
