"""The care app's rows in the admin: read-only, as they record what customers said (CARE01)."""

from django.contrib import admin

from servicehall.core.admin import ReadOnlyAdminMixin

from .models import DissatisfactionAlert, Rating


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("ticket", "hall", "counter", "clerk", "score", "channel", "rated_at")
    list_filter = ("hall", "score", "channel")


@admin.register(DissatisfactionAlert)
class DissatisfactionAlertAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("rating", "hall", "status", "raised_at", "handled_by", "action")
    list_filter = ("hall", "status")
