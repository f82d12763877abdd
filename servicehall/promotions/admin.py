"""Promotions are master data: the hall's offers, bank-card offers, group prices and installment offers are
edited here.

Applications and the points ledger are records: shown read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    BankCardOffer,
    GroupPriceTier,
    InstallmentOffer,
    PointsAccount,
    PointsEntry,
    Promotion,
    PromotionApplication,
)


@admin.register(Promotion)
class PromotionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "hall", "kind", "starts_on", "ends_on", "active", "priority"]
    list_filter = ["hall", "kind", "active"]
    search_fields = ["code", "name_zh", "name_en"]
    filter_horizontal = ["business_types"]


@admin.register(BankCardOffer)
class BankCardOfferAdmin(admin.ModelAdmin):
    list_display = ["code", "bank_zh", "name_zh", "hall", "kind", "starts_on", "ends_on", "active"]
    list_filter = ["hall", "active"]
    search_fields = ["code", "bank_zh", "bank_en", "name_zh"]


@admin.register(GroupPriceTier)
class GroupPriceTierAdmin(admin.ModelAdmin):
    list_display = ["business_type", "hall", "min_quantity", "unit_price", "active"]
    list_filter = ["hall", "active"]


@admin.register(InstallmentOffer)
class InstallmentOfferAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name_zh",
        "name_en",
        "hall",
        "months",
        "monthly_fee_rate",
        "min_amount",
        "starts_on",
        "ends_on",
        "active",
    ]
    list_filter = ["hall", "months", "active"]
    search_fields = ["code", "name_zh", "name_en"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PromotionApplication)
class PromotionApplicationAdmin(ReadOnlyAdmin):
    list_display = ["order", "rule_kind", "rule_code", "discount", "applied_by", "applied_at", "superseded_at"]
    list_filter = ["hall", "rule_kind"]


@admin.register(PointsAccount)
class PointsAccountAdmin(ReadOnlyAdmin):
    list_display = ["customer", "balance", "updated_at"]


@admin.register(PointsEntry)
class PointsEntryAdmin(ReadOnlyAdmin):
    list_display = ["account", "kind", "points", "balance_after", "payment", "order", "at"]
    list_filter = ["kind"]
