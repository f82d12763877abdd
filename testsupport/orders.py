"""Posting the order page's actions in tests by their short name ("advance", "pay", "work-done")."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

# Each action on an order has its own URL; billing owns the money ones.
ORDER_ACTION_URLS = {
    "advance": "orders:advance",
    "withdraw": "orders:withdraw",
    "revert": "orders:revert",
    "customer": "orders:set_customer",
    "proxy": "orders:set_proxy",
    "authorisation": "orders:record_authorisation",
    "counterparty": "orders:set_counterparty",
    "identity": "orders:check_identity",
    "seen": "orders:document_seen",
    "upload": "orders:document_upload",
    "fraud": "orders:fraud_check",
    "confirm": "orders:confirm",
    "recommend": "orders:recommend",
    "review": "orders:review",
    "work-done": "orders:work_done",
    "pay": "billing:order_pay",
    "refund": "billing:order_refund",
    "nothing-due": "billing:order_nothing_due",
}


def order_action_url(order: Any, action: str) -> str:
    """The action's URL; an action the order page does not have gets a URL beside the others (a 404)."""
    if action not in ORDER_ACTION_URLS:
        return reverse("orders:detail", kwargs={"order_id": order.pk}) + f"{action}/"
    return reverse(ORDER_ACTION_URLS[action], kwargs={"order_id": order.pk})
