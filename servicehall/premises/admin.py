from django.contrib import admin

from .models import ChecklistItem, ChecklistTemplate, PatrolRound


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ("hall", "code", "name_zh", "kind", "frequency", "active")
    list_filter = ("hall", "kind")
    inlines = [ChecklistItemInline]


@admin.register(PatrolRound)
class PatrolRoundAdmin(admin.ModelAdmin):
    list_display = ("hall", "name_zh", "time", "weekday", "template", "active")
    list_filter = ("hall",)
