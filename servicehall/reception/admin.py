from django.contrib import admin

from .models import MeetingRoom, ReceptionLevel


@admin.register(MeetingRoom)
class MeetingRoomAdmin(admin.ModelAdmin):
    list_display = ("name", "hall", "capacity", "equipment", "active")
    list_filter = ("hall", "active")
    search_fields = ("name",)


@admin.register(ReceptionLevel)
class ReceptionLevelAdmin(admin.ModelAdmin):
    list_display = ("name", "hall", "allowance_per_visitor", "allowance_per_visit", "needs_approval", "active")
    list_filter = ("hall", "needs_approval", "active")
    ordering = ("hall", "position", "name")
