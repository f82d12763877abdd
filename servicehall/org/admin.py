from django.contrib import admin

from .models import Company, Counter, CounterCategory, Hall, HallClosedDay, Membership


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class CounterCategoryInline(admin.TabularInline):
    model = CounterCategory
    extra = 1


@admin.register(Hall)
class HallAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "company", "timezone", "opens_at", "closes_at"]
    search_fields = ["code", "name"]


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    list_display = ["hall", "number", "name", "status", "staff"]
    list_filter = ["hall", "status"]
    inlines = [CounterCategoryInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "hall", "role"]
    list_filter = ["hall", "role"]
    search_fields = ["user__username"]


@admin.register(HallClosedDay)
class HallClosedDayAdmin(admin.ModelAdmin):
    list_display = ["hall", "date", "kind", "reason"]
    list_filter = ["hall", "kind"]
    date_hierarchy = "date"
