"""The hotel's own pack data (`servicehall/hotel/packs/<pack>.yaml`): room types, rate plans and the booking
policy of a hall whose packs include one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from servicehall.catalog.models import pick_language
from servicehall.org.models import Hall

PACKS = Path(__file__).resolve().parent / "packs"
DEFAULT_POLICY: dict[str, Any] = {
    "free_cancel_hours": 24,
    "late_cancel_fee_nights": 1,
    # Changing a booking (HOTEL01): free until this many hours before check-in time, later the first nights.
    "free_change_hours": 24,
    "late_change_fee_nights": 1,
    "check_in_time": "14:00",
    "check_out_time": "12:00",
    "max_nights": 30,
    "horizon_days": 365,
    # The guarantee (HOTEL01): a deposit guarantee asks the first `deposit_nights` nights as quoted unless the
    # clerk asks another amount; a stay costing more than `guarantee_above` yuan must be guaranteed (card or
    # deposit). Both are checked again when a booking changes. None: any stay may be booked without one.
    "deposit_nights": 1,
    "guarantee_above": None,
}


@cache
def _read(code: str) -> dict[str, Any]:
    path = PACKS / f"{code}.yaml"
    if not path.exists():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def read_hotel_pack(hall: Hall) -> dict[str, Any]:
    """The first of the hall's packs that has hotel data, or nothing."""
    for code in hall.packs or []:
        if data := _read(code):
            return data
    return {}


def hotel_policy(hall: Hall) -> dict[str, Any]:
    policy = {**DEFAULT_POLICY, **read_hotel_pack(hall).get("policy", {})}
    for key in ("check_in_time", "check_out_time"):
        policy[key] = dt.time.fromisoformat(str(policy[key]))
    for key in (
        "free_cancel_hours",
        "late_cancel_fee_nights",
        "free_change_hours",
        "late_change_fee_nights",
        "max_nights",
        "horizon_days",
        "deposit_nights",
    ):
        policy[key] = int(policy[key])
    if policy["guarantee_above"] is not None:
        policy["guarantee_above"] = Decimal(str(policy["guarantee_above"]))
    return policy


ARRIVAL_KEYS = ("wifi", "breakfast", "facilities", "transport")


def arrival_info(hall: Hall, *, guest_name: str) -> dict[str, Any]:
    """What the front desk tells an arriving guest, in the reader's language: the greeting with the guest's
    name, Wi-Fi, breakfast, facilities and transport (HOTEL02)."""
    info = read_hotel_pack(hall).get("arrival", {})
    greeting = info.get("greeting")
    text = pick_language(greeting["zh"], greeting["en"]) if greeting else "%(name)s"
    return {
        "greeting": text % {"name": guest_name},
        "lines": [pick_language(info[key]["zh"], info[key]["en"]) for key in ARRIVAL_KEYS if key in info],
    }
