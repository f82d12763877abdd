from django.contrib import admin

from .models import DutySettings, MorningMeeting, PreShiftStep, Shift


@admin.register(DutySettings)
class DutySettingsAdmin(admin.ModelAdmin):
    list_display = ["hall", "checklist_required", "late_opening_minutes"]


@admin.register(PreShiftStep)
class PreShiftStepAdmin(admin.ModelAdmin):
    list_display = ["hall", "position", "code", "name_zh", "active"]
    list_filter = ["hall"]


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ["hall", "code", "name_zh", "starts_at", "ends_at", "break_start", "break_minutes", "active"]
    list_filter = ["hall"]


@admin.register(MorningMeeting)
class MorningMeetingAdmin(admin.ModelAdmin):
    list_display = ["hall", "day", "led_by"]
    list_filter = ["hall"]
