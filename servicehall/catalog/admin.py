from django.contrib import admin

from .models import BusinessType, Phrase, QueueCategory, ScriptStep


@admin.register(QueueCategory)
class QueueCategoryAdmin(admin.ModelAdmin):
    list_display = ["hall", "code", "name_zh", "name_en", "target_wait_minutes", "daily_cap", "active"]
    list_filter = ["hall", "pack", "active"]


@admin.register(BusinessType)
class BusinessTypeAdmin(admin.ModelAdmin):
    list_display = ["hall", "code", "name_zh", "category", "review_required", "standard_fee"]
    list_filter = ["hall", "pack", "review_required"]


@admin.register(ScriptStep)
class ScriptStepAdmin(admin.ModelAdmin):
    list_display = ["hall", "script", "position", "title_zh"]
    list_filter = ["hall", "script"]


@admin.register(Phrase)
class PhraseAdmin(admin.ModelAdmin):
    list_display = ["hall", "moment", "position", "text_zh"]
    list_filter = ["hall", "moment"]
