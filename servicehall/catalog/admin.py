from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    BusinessType,
    Checklist,
    ComplaintCategory,
    ExtraOffer,
    FaultKind,
    GasPriceTier,
    Package,
    Phrase,
    QueueCategory,
    RecommendationRule,
    ScriptStep,
    ServiceCommitment,
    SurveyQuestion,
    SurveyTemplate,
)


@admin.register(QueueCategory)
class QueueCategoryAdmin(admin.ModelAdmin):
    list_display = ["hall", "code", "name_zh", "name_en", "target_wait_minutes", "daily_cap", "active"]
    list_filter = ["hall", "pack", "active"]


@admin.register(BusinessType)
class BusinessTypeAdmin(admin.ModelAdmin):
    list_display = [
        "hall",
        "code",
        "name_zh",
        "category",
        "action",
        "review_required",
        "owner_only",
        "risky",
        "standard_fee",
    ]
    list_filter = ["hall", "pack", "review_required", "risky", "owner_only"]
    filter_horizontal = ["checklists"]


@admin.register(ScriptStep)
class ScriptStepAdmin(admin.ModelAdmin):
    list_display = ["hall", "script", "position", "title_zh"]
    list_filter = ["hall", "script"]


@admin.register(Phrase)
class PhraseAdmin(admin.ModelAdmin):
    list_display = ["hall", "moment", "position", "text_zh"]
    list_filter = ["hall", "moment"]


@admin.register(Package)
class PackageAdmin(admin.ModelAdmin):
    list_display = ["hall", "code", "kind", "name_zh", "monthly_fee", "active"]
    list_filter = ["hall", "pack", "kind", "active"]
    search_fields = ["code", "name_zh", "name_en"]


@admin.register(ExtraOffer)
class ExtraOfferAdmin(admin.ModelAdmin):
    list_display = ["hall", "code", "service_kind", "name_zh", "monthly_fee", "active"]
    list_filter = ["hall", "pack", "service_kind", "active"]
    search_fields = ["code", "name_zh", "name_en"]


@admin.register(GasPriceTier)
class GasPriceTierAdmin(admin.ModelAdmin):
    list_display = ["hall", "pack", "position", "up_to_m3", "price_per_m3"]
    list_filter = ["hall", "pack"]


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    list_display = ["hall", "pack", "code", "title_zh"]
    list_filter = ["hall", "pack"]


@admin.register(RecommendationRule)
class RecommendationRuleAdmin(admin.ModelAdmin):
    list_display = ["hall", "pack", "code", "business_type", "lacks_service", "has_service", "lacks_extra", "active"]
    list_filter = ["hall", "pack", "active"]
    list_select_related = ["business_type"]


@admin.register(ServiceCommitment)
class ServiceCommitmentAdmin(admin.ModelAdmin):
    """A hall edits its published commitments here (target, words, published or not); the kind is the pack's."""

    list_display = ["hall", "code", "text_zh", "target", "active"]
    list_filter = ["hall", "active"]
    readonly_fields = ["pack", "code", "kind"]


@admin.register(ComplaintCategory)
class ComplaintCategoryAdmin(admin.ModelAdmin):
    """A hall changes how fast it answers each kind of complaint here (working hours); the code is the pack's."""

    list_display = ["hall", "code", "name_zh", "acknowledge_hours", "resolve_hours", "active"]
    list_filter = ["hall", "active"]
    readonly_fields = ["pack", "code"]


class SurveyQuestionInline(admin.TabularInline):
    model = SurveyQuestion
    extra = 0
    fields = ["position", "code", "kind", "text_zh", "text_en", "required"]
    readonly_fields = ["code", "kind"]


@admin.register(SurveyTemplate)
class SurveyTemplateAdmin(admin.ModelAdmin):
    """A hall rewords its survey's questions here; the questions and their kinds come from the pack."""

    list_display = ["hall", "code", "name_zh", "active"]
    list_filter = ["hall", "active"]
    readonly_fields = ["pack", "code"]
    inlines = [SurveyQuestionInline]


@admin.register(FaultKind)
class FaultKindAdmin(admin.ModelAdmin):
    """A hall changes how fast it repairs each kind of fault here (working hours); the code is the pack's."""

    list_display = ["hall", "code", "name_zh", "service", "repair_hours", "urgent", "active"]
    list_filter = ["hall", "active"]
    readonly_fields = ["pack", "code", "service"]
    exclude = ["service_kind"]

    @admin.display(description=_("service it applies to"))
    def service(self, obj: FaultKind) -> str:
        """The service's name, not the pack's code (customers' `Service.Kind`, which this app may not import)."""
        kinds = {**dict(Package.Kind.choices), "gas": _("Gas household")}
        return str(kinds.get(obj.service_kind, obj.service_kind))
