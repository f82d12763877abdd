from django.contrib import admin

from .models import AssessmentCard, AssessmentScheme, Course, Exam, ExamAttempt, ExamRequirement, ManagerAssessment


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("hall", "code", "name_zh", "name_en")


@admin.register(Exam)
class ExamAdmin(admin.ModelAdmin):
    list_display = ("hall", "code", "name_zh", "pass_mark", "question_count", "minutes")


@admin.register(ExamRequirement)
class ExamRequirementAdmin(admin.ModelAdmin):
    list_display = ("hall", "business_code", "exam")


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(admin.ModelAdmin):
    list_display = ("hall", "pack")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Results and cards are written by the services only (audited); the admin shows them."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(ExamAttempt)
class ExamAttemptAdmin(ReadOnlyAdmin):
    list_display = ("hall", "exam", "person", "submitted_at", "score", "passed")


@admin.register(AssessmentCard)
class AssessmentCardAdmin(ReadOnlyAdmin):
    list_display = ("hall", "person", "month", "computed_score")


@admin.register(ManagerAssessment)
class ManagerAssessmentAdmin(ReadOnlyAdmin):
    list_display = ("hall", "manager", "month", "total", "assessor")
