from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

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


# django-otp's device lists (ASVS V6, docs/second_factor.md) word their search help once, at import, in the
# language active then: the same help, translated per request.
for _model, _base in ((TOTPDevice, TOTPDeviceAdmin), (StaticDevice, StaticDeviceAdmin)):
    admin.site.unregister(_model)
    admin.site.register(
        _model, type(_base.__name__, (_base,), {"search_help_text": _("Search by username or email address")})
    )
